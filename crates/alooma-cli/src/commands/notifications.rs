//! `alooma notifications …`: read and publish notifications.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::types::NotificationLevel;
use clap::{Subcommand, ValueEnum};
use std::time::{SystemTime, UNIX_EPOCH};

/// A custom notification's level.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Level {
    /// Informational.
    Info,
    /// An error.
    Error,
}

/// Notification commands.
#[derive(Debug, Subcommand)]
pub enum NotificationsCmd {
    /// Notifications since a time.
    List {
        /// Since this Unix time (seconds).
        #[arg(long, conflicts_with = "minutes")]
        since: Option<i64>,
        /// Since this many minutes ago (default 60).
        #[arg(long)]
        minutes: Option<i64>,
    },
    /// Publish a custom notification.
    Publish {
        /// The level.
        #[arg(value_enum)]
        level: Level,
        /// What happened.
        description: String,
        /// Extra data (JSON).
        #[arg(long, default_value = "{}")]
        data: String,
    },
}

/// Runs a notifications command.
pub async fn run(cmd: NotificationsCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        NotificationsCmd::List { since, minutes } => {
            let from = match since {
                Some(s) => s,
                None => {
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or_default();
                    let now = i64::try_from(now).unwrap_or(i64::MAX);
                    now - minutes.unwrap_or(60).max(0) * 60
                }
            };
            let notifications = ctx.client()?.get_notifications(from).await?;
            ctx.out.columns(
                &notifications.messages,
                &["timestamp", "severity", "typeDescription", "message"],
            )
        }
        NotificationsCmd::Publish {
            level,
            description,
            data,
        } => {
            let data: serde_json::Value = serde_json::from_str(&data)
                .map_err(|e| CliError::usage(format!("--data is not JSON: {e}")))?;
            let level = match level {
                Level::Info => NotificationLevel::Info,
                Level::Error => NotificationLevel::Error,
            };
            ctx.client()?
                .publish_notification(level, &description, data)
                .await?;
            ctx.out.done("notification published")
        }
    }
}
