//! `alooma samples …`: kept sample events and their status codes.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::Subcommand;

/// Sample commands.
#[derive(Debug, Subcommand)]
pub enum SamplesCmd {
    /// Sample events, optionally of one event type and some status codes.
    List {
        /// Only samples of this event type.
        #[arg(long)]
        event_type: Option<String>,
        /// Only samples with this status code (repeatable).
        #[arg(long = "status", value_name = "CODE")]
        status_codes: Vec<String>,
    },
    /// How many samples each event type has, per status code.
    Stats,
    /// Every status code with its description.
    StatusCodes,
}

/// Runs a samples command.
pub async fn run(cmd: SamplesCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SamplesCmd::List {
            event_type,
            status_codes,
        } => {
            let codes: Vec<&str> = status_codes.iter().map(String::as_str).collect();
            let samples = ctx
                .client()?
                .get_samples(event_type.as_deref(), &codes)
                .await?;
            ctx.out
                .columns(&samples, &["eventType", "status", "sample"])
        }
        SamplesCmd::Stats => {
            let stats = ctx.client()?.get_samples_stats().await?;
            ctx.out.value(&stats)
        }
        SamplesCmd::StatusCodes => {
            let codes = ctx.client()?.get_samples_status_codes().await?;
            ctx.out.value(&codes)
        }
    }
}
