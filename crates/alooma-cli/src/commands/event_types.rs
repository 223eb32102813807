//! `alooma event-types …`: list, read, discard and delete event types.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::Subcommand;

/// Event-type commands.
#[derive(Debug, Subcommand)]
pub enum EventTypesCmd {
    /// Every event type (names and mappings, without fields).
    List,
    /// One event type with its fields.
    Get {
        /// The event type's name.
        name: String,
    },
    /// Stop loading an event type's events (its mapping becomes discarded).
    Discard {
        /// The event type's name.
        name: String,
    },
    /// Map the event type's unmapped fields automatically (the service's
    /// `auto-map` endpoint).
    AutoMap {
        /// The event type's name.
        name: String,
    },
    /// Reset the event type's counters (the service's `clear-stats` endpoint).
    ClearStats {
        /// The event type's name.
        name: String,
    },
    /// Delete one event type.
    Delete {
        /// The event type's name.
        name: String,
    },
    /// Delete EVERY event type (asks first unless --yes).
    DeleteAll,
}

/// Runs an event-type command.
pub async fn run(cmd: EventTypesCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        EventTypesCmd::List => {
            let types = ctx.client()?.get_event_types().await?;
            ctx.out.columns(
                &types,
                &["name", "mappingMode", "mapping", "origInputLabel"],
            )
        }
        EventTypesCmd::Get { name } => {
            let et = ctx.client()?.get_event_type(&name).await?;
            ctx.out.value(&et)
        }
        EventTypesCmd::Discard { name } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("discard the event type {name} (its mapping is replaced; its events are no longer loaded)"))?;
            client.discard_event_type(&name).await?;
            ctx.out.done(&format!("discarded event type {name}"))
        }
        EventTypesCmd::AutoMap { name } => match ctx.client()?.auto_map_event_type(&name).await? {
            Some(answer) if !answer.is_null() => ctx.out.value(&answer),
            _ => ctx.out.done(&format!("auto-mapped event type {name}")),
        },
        EventTypesCmd::ClearStats { name } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("clear the counters of the event type {name}"))?;
            client.clear_event_type_stats(&name).await?;
            ctx.out
                .done(&format!("cleared the counters of event type {name}"))
        }
        EventTypesCmd::Delete { name } => {
            let client = ctx.client()?;
            ctx.confirm(&format!("delete the event type {name}"))?;
            client.delete_event_type(&name).await?;
            ctx.out.done(&format!("deleted event type {name}"))
        }
        EventTypesCmd::DeleteAll => {
            let client = ctx.client()?;
            ctx.confirm("delete EVERY event type")?;
            let spinner = ctx.out.spinner("deleting every event type");
            let report = client.delete_all_event_types().await;
            spinner.finish_and_clear();
            super::finish_bulk(ctx, "event types", report?)
        }
    }
}
