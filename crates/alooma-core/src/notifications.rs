//! Notifications: `get_notifications`, `publish_notification`, and the pure
//! `parse_notifications_errors`.

use alooma_types::{CustomNotification, NotificationLevel, Notifications};

crate::declare::operations! {
    area: notifications;

    /// The notifications raised since a time.
    impl op get_notifications for GetNotifications: GET "notifications";
    retry: Idempotent;
    query: "from" = (|op| op.from_epoch_seconds.to_string());
    output: Notifications = json;
    example: GetNotifications::new(1531280000);

    /// Publishes a custom notification.
    impl op publish_notification for PublishNotification: POST "notifications/custom";
    retry: NotIdempotent;
    body: {notification};
    output: () = empty;
    answer: serde_json::Value;
    example: PublishNotification::new(
        NotificationLevel::Error,
        "nightly export failed",
        serde_json::json!({"table": "orders", "rows": 0}),
    );
}

/// `GET notifications?from={epoch_seconds}`: the notifications raised since
/// that time.
///
/// ```
/// use alooma_core::{Operation, notifications::GetNotifications};
/// assert_eq!(GetNotifications::new(1531280000).build().unwrap().uri(),
///            "/notifications?from=1531280000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetNotifications {
    /// The oldest notifications to return, in seconds since the epoch.
    pub from_epoch_seconds: i64,
}

impl GetNotifications {
    /// Notifications since `epoch_seconds`.
    pub fn new(epoch_seconds: i64) -> Self {
        GetNotifications {
            from_epoch_seconds: epoch_seconds,
        }
    }
}


/// `POST notifications/custom` with `{"level", "description", "data"}`:
/// publishes a custom notification. Not idempotent (a retry would publish
/// it twice). Unlike the reference client, a failed call is an error.
///
/// ```
/// use alooma_core::{Operation, notifications::PublishNotification};
/// use alooma_types::NotificationLevel;
/// let op = PublishNotification::new(NotificationLevel::Info, "backfill done",
///     serde_json::json!({"rows": 10}));
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/notifications/custom");
/// assert_eq!(&req.body()[..], br#"{"level":"INFO","description":"backfill done","data":{"rows":10}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PublishNotification {
    /// The notification to publish.
    pub notification: CustomNotification,
}

impl PublishNotification {
    /// A notification of `level` with a description and explaining data.
    pub fn new(
        level: NotificationLevel,
        description: impl Into<String>,
        data: serde_json::Value,
    ) -> Self {
        PublishNotification {
            notification: CustomNotification::new(level, description, data),
        }
    }
}


/// `parse_notifications_errors`: the `typeDescription` of every
/// error-severity notification, in order (the reference client joins them
/// into one string with `"\n\t"` after each; join them yourself if needed).
/// An error notification without a `typeDescription` contributes its
/// `message`, or nothing when it has neither.
///
/// ```
/// use alooma_core::notifications::parse_notifications_errors;
/// let n = serde_json::from_str(r#"{"messages":[
///   {"severity":"error","typeDescription":"Input failed"},
///   {"severity":"info","typeDescription":"Events Loaded to Output"},
///   {"severity":"error","typeDescription":"Mapping error"}]}"#).unwrap();
/// assert_eq!(parse_notifications_errors(&n), ["Input failed", "Mapping error"]);
/// ```
pub fn parse_notifications_errors(notifications: &Notifications) -> Vec<String> {
    notifications
        .messages()
        .iter()
        .filter(|n| n.is_error())
        .filter_map(|n| {
            n.type_description
                .get()
                .or_else(|| n.message.get())
                .cloned()
        })
        .collect()
}
