//! `alooma restream …`: the Restream Queue.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::Subcommand;
use serde_json::json;

/// Restream commands.
#[derive(Debug, Subcommand)]
pub enum RestreamCmd {
    /// How many events wait in the Restream Queue.
    Size,
    /// The Restream Queue's statistics.
    Stats,
    /// Stream the queued events back into the pipeline.
    Start,
    /// Empty the Restream Queue, dropping its events (asks first unless --yes).
    Purge {
        /// Use the old `clean_restream_queue` call (same request).
        #[arg(long)]
        clean: bool,
    },
}

/// Runs a restream command.
pub async fn run(cmd: RestreamCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        RestreamCmd::Size => {
            let size = ctx.client()?.get_restream_queue_size().await?;
            ctx.out.value(&json!({ "restreamQueueSize": size }))
        }
        RestreamCmd::Stats => {
            let stats = ctx.client()?.get_restream_stats().await?;
            ctx.out.value(&stats)
        }
        RestreamCmd::Start => {
            ctx.client()?.start_restream().await?;
            ctx.out.done("restream started")
        }
        RestreamCmd::Purge { clean } => {
            let client = ctx.client()?;
            ctx.confirm("drop every event in the Restream Queue")?;
            if clean {
                #[allow(deprecated)]
                // reachable on purpose: scripts ported from the reference use it
                client.clean_restream_queue().await?;
            } else {
                client.purge_restream_queue().await?;
            }
            ctx.out.done("the Restream Queue is empty")
        }
    }
}
