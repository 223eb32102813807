//! `alooma queries …`: scheduled (consolidation) queries.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::types::{QueryConfiguration, Schedule, ScheduledQueries};
use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;

/// Scheduled-query commands.
#[derive(Debug, Subcommand)]
pub enum QueriesCmd {
    /// Scheduled queries.
    List {
        /// Only those in an error state.
        #[arg(long)]
        errors: bool,
        /// Use the deprecated v1 listing (`get_scheduled_queries`).
        #[arg(long)]
        v1: bool,
    },
    /// The query of one event type.
    Get {
        /// The event type.
        event_type: String,
    },
    /// Schedule a custom SQL query for an event type.
    Schedule(ScheduleArgs),
    /// Schedule the default consolidation query from a configuration file.
    ScheduleDefault {
        /// The configuration (JSON, with at least `event_type`; `-` for standard input).
        file: PathBuf,
        /// Custom variables (a JSON object file) merged into the configuration.
        #[arg(long, value_name = "FILE")]
        variables: Option<PathBuf>,
    },
    /// Run a scheduled query now.
    Run {
        /// The query's id.
        id: String,
    },
    /// Remove a scheduled query.
    Remove {
        /// The query's id.
        id: String,
    },
}

/// Arguments of `alooma queries schedule`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("when").required(true).args(["every", "cron"])))]
pub struct ScheduleArgs {
    /// The event type.
    pub event_type: String,
    /// The SQL.
    pub query: String,
    /// Run every this many hours.
    #[arg(long, value_name = "HOURS")]
    pub every: Option<u32>,
    /// Run on this cron schedule.
    #[arg(long)]
    pub cron: Option<String>,
}

/// The columns of a query table.
const QUERY_COLUMNS: &[&str] = &[
    "id",
    "event_type",
    "status",
    "frequency",
    "run_at",
    "error_message",
];

fn print_queries(ctx: &Ctx, queries: &ScheduledQueries) -> Result<(), CliError> {
    if matches!(
        ctx.out.format(),
        crate::output::Format::Json | crate::output::Format::Yaml
    ) {
        return ctx.out.value(queries);
    }
    let mut rows = Vec::new();
    for (id, query) in queries.iter() {
        let v = serde_json::to_value(query)
            .map_err(|e| CliError::failed(format!("could not render a query: {e}")))?;
        let conf = |key: &str| {
            v.get(key)
                .filter(|x| !x.is_null())
                .or_else(|| v.get("configuration").and_then(|c| c.get(key)))
                .cloned()
                .unwrap_or(serde_json::Value::Null)
        };
        rows.push(serde_json::json!({
            "id": id,
            "event_type": conf("event_type"),
            "status": conf("status"),
            "frequency": conf("frequency"),
            "run_at": conf("run_at"),
            "error_message": conf("error_message"),
        }));
    }
    ctx.out.columns(&rows, QUERY_COLUMNS)
}

/// Runs a scheduled-query command.
pub async fn run(cmd: QueriesCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        QueriesCmd::List { errors, v1 } => {
            let client = ctx.client()?;
            #[allow(deprecated)] // the v1 calls are reachable on purpose
            let queries = match (errors, v1) {
                (false, false) => client.get_queries().await?,
                (true, false) => client.get_queries_in_error_state().await?,
                (false, true) => client.get_scheduled_queries().await?,
                (true, true) => client.get_scheduled_queries_in_error_state().await?,
            };
            print_queries(ctx, &queries)
        }
        QueriesCmd::Get { event_type } => {
            let query = ctx.client()?.get_query_by_event_type(&event_type).await?;
            ctx.out.value(&query)
        }
        QueriesCmd::Schedule(args) => {
            let schedule = match (args.every, args.cron) {
                (Some(hours), _) => Schedule::Every { hours },
                (None, Some(cron)) => Schedule::Cron(cron),
                (None, None) => return Err(CliError::usage("give --every HOURS or --cron SPEC")),
            };
            let answer = ctx
                .client()?
                .schedule_query(&args.event_type, &args.query, schedule)
                .await?;
            ctx.out.value(&answer)
        }
        QueriesCmd::ScheduleDefault { file, variables } => {
            let configuration: QueryConfiguration = super::read_json(&file)?;
            let variables: Option<serde_json::Map<String, serde_json::Value>> = match variables {
                Some(path) => Some(super::read_json(&path)?),
                None => None,
            };
            let query = ctx
                .client()?
                .schedule_default_query(&configuration, variables)
                .await?;
            ctx.out.value(&query)
        }
        QueriesCmd::Run { id } => {
            ctx.client()?.run_query(&id).await?;
            ctx.out.done(&format!("query {id} is running"))
        }
        QueriesCmd::Remove { id } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("remove the scheduled query {id}"))?;
            client.remove_scheduled_query(&id).await?;
            ctx.out.done(&format!("removed query {id}"))
        }
    }
}
