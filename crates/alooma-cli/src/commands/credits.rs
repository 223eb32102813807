//! `alooma credits …`: credits and loaded-event summaries.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::Subcommand;

/// Credit commands.
#[derive(Debug, Subcommand)]
pub enum CreditsCmd {
    /// The company's credit allowance.
    Company,
    /// Credits used per day.
    Used {
        /// From this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// To this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Every account of the company.
        #[arg(long)]
        all: bool,
    },
    /// Events loaded per table.
    LoadedEvents {
        /// From this time (YYYY-MM-DDTHH:MM:SS).
        #[arg(long)]
        from: String,
        /// To this time (YYYY-MM-DDTHH:MM:SS).
        #[arg(long)]
        to: Option<String>,
        /// Every account of the company.
        #[arg(long)]
        all: bool,
    },
}

/// Runs a credits command.
pub async fn run(cmd: CreditsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        CreditsCmd::Company => {
            let credits = ctx.client()?.get_company_credits().await?;
            ctx.out.value(&credits)
        }
        CreditsCmd::Used { from, to, all } => {
            let used = ctx
                .client()?
                .get_used_credits(from.as_deref(), to.as_deref(), all)
                .await?;
            ctx.out.value(&used)
        }
        CreditsCmd::LoadedEvents { from, to, all } => {
            let rows = ctx
                .client()?
                .get_loaded_events_per_table_summary(&from, to.as_deref(), all)
                .await?;
            ctx.out.value(&rows)
        }
    }
}
