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
        #[arg(long, value_name = "DAY", value_parser = day)]
        from: Option<String>,
        /// To this day (YYYY-MM-DD).
        #[arg(long, value_name = "DAY", value_parser = day)]
        to: Option<String>,
        /// Every account of the company.
        #[arg(long)]
        all: bool,
    },
    /// Events loaded per table.
    LoadedEvents {
        /// From this time (YYYY-MM-DDTHH:MM:SS).
        #[arg(long, value_name = "TIME", value_parser = timestamp)]
        from: String,
        /// To this time (YYYY-MM-DDTHH:MM:SS).
        #[arg(long, value_name = "TIME", value_parser = timestamp)]
        to: Option<String>,
        /// Every account of the company.
        #[arg(long)]
        all: bool,
    },
}

/// A calendar day that exists, `YYYY-MM-DD` (`2024-02-31` is refused).
pub fn day(text: &str) -> Result<String, String> {
    jiff::civil::Date::strptime("%Y-%m-%d", text)
        .map(|_| text.to_owned())
        .map_err(|e| {
            format!("not a calendar day in the form YYYY-MM-DD ({e}); no request was sent")
        })
}

/// A time that exists, `YYYY-MM-DDTHH:MM:SS`.
pub fn timestamp(text: &str) -> Result<String, String> {
    jiff::civil::DateTime::strptime("%Y-%m-%dT%H:%M:%S", text)
        .map(|_| text.to_owned())
        .map_err(|e| {
            format!("not a time in the form YYYY-MM-DDTHH:MM:SS ({e}); no request was sent")
        })
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
