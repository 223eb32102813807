//! Notifications: [`Notifications`] (what `GET notifications?from=…`
//! answers), [`Notification`], [`Severity`], and the body of a custom
//! notification ([`CustomNotification`], [`NotificationLevel`]).

use crate::{Extra, Lenient, Maybe};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// How serious a notification is (`severity`, lower case on the wire).
    pub enum Severity {
        /// Informational.
        Info => "info",
        /// A warning.
        Warning => "warning",
        /// An error.
        Error => "error",
    }
}

crate::string_enum! {
    /// The level of a custom notification (`publish_notification`).
    pub enum NotificationLevel {
        /// An error.
        Error => "ERROR",
        /// Informational.
        Info => "INFO",
    }
}

/// What `GET notifications?from={epoch}` answers: `{"messages": [...]}`.
///
/// ```
/// use alooma_types::{Maybe, Notifications, Severity};
/// let n: Notifications = serde_json::from_str(r#"{"messages":[
///     {"id":"n+0+1","type":"X","typeDescription":"Input failed","severity":"error",
///      "message":"m","description":null,"timestamp":1531288180667}]}"#).unwrap();
/// assert_eq!(n.messages()[0].severity, Maybe::Value(Severity::Error));
/// assert_eq!(n.messages()[0].description, Maybe::Null); // an explicit null survives
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Notifications {
    /// The notifications, newest first.
    pub messages: Maybe<Vec<Notification>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Notifications {
    /// A list of notifications.
    pub fn new(messages: Vec<Notification>) -> Self {
        Notifications {
            messages: Maybe::Value(messages),
            extra: Extra::new(),
        }
    }

    /// The notifications (none when the answer had no `messages`).
    pub fn messages(&self) -> &[Notification] {
        self.messages.get().map_or(&[], Vec::as_slice)
    }
}

/// One notification, as shown in the dashboard's Notifications pane.
///
/// Wire shape: `{"id", "type", "typeDescription", "severity", "message",
/// "description", "timestamp" (epoch ms), "params", "state", "aggregatedCount"}`.
/// `params`, `state` and `aggregatedCount` stay in [`extra`](Self::extra).
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Notification {
    /// The notification's id (`alooma-notifications+0+1339`).
    pub id: Maybe<String>,
    /// The notification's type (`METRICS_OUTPUT_EVENTS_LOADED`).
    #[serde(rename = "type")]
    pub notification_type: Maybe<String>,
    /// A readable name of the type (`Events Loaded to Output`).
    #[serde(rename = "typeDescription")]
    pub type_description: Maybe<String>,
    /// How serious it is.
    pub severity: Maybe<Severity>,
    /// The message text.
    pub message: Maybe<String>,
    /// A longer description.
    pub description: Maybe<String>,
    /// When it was raised, in milliseconds since the epoch.
    pub timestamp: Maybe<Lenient<i64>>,
    /// Everything else (`params`, `state`, `aggregatedCount` …), kept verbatim.
    pub extra: Extra,
}

impl Notification {
    /// Whether the severity is `error`.
    pub fn is_error(&self) -> bool {
        self.severity == Maybe::Value(Severity::Error)
    }
}

/// The body of `POST notifications/custom`: `{"level", "description", "data"}`.
///
/// ```
/// use alooma_types::{CustomNotification, NotificationLevel};
/// let n = CustomNotification::new(NotificationLevel::Error, "nightly load failed",
///     serde_json::json!({"table": "orders"}));
/// assert_eq!(serde_json::to_value(&n).unwrap(), serde_json::json!(
///     {"level": "ERROR", "description": "nightly load failed", "data": {"table": "orders"}}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CustomNotification {
    /// The level.
    pub level: NotificationLevel,
    /// The text shown as the description.
    pub description: String,
    /// Data explaining the description (any JSON).
    pub data: serde_json::Value,
}

impl CustomNotification {
    /// A custom notification.
    pub fn new(
        level: NotificationLevel,
        description: impl Into<String>,
        data: serde_json::Value,
    ) -> Self {
        CustomNotification {
            level,
            description: description.into(),
            data,
        }
    }
}
