//! Client methods of the notifications area.

use alooma_core::notifications::{self, GetNotifications, PublishNotification};
use alooma_types::{NotificationLevel, Notifications};

crate::api::methods! {
    /// The notifications raised since `epoch_seconds`
    /// (`GET notifications?from={epoch_seconds}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let n = client.get_notifications(1531280000).await?;
    /// for m in n.messages() {
    ///     println!("{:?}: {:?}", m.severity, m.message);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_notifications(&self, epoch_seconds: i64) -> Result<Notifications, Error> = GetNotifications::new(epoch_seconds);

    /// Publishes a custom notification (`POST notifications/custom`). Not
    /// retried after it may have reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::NotificationLevel;
    /// client.publish_notification(NotificationLevel::Error, "nightly export failed",
    ///     serde_json::json!({"table": "orders"})).await?;
    /// # Ok(()) });
    /// ```
    pub async fn publish_notification(
        &self,
        level: NotificationLevel,
        description: &str,
        data: serde_json::Value,
    ) -> Result<(), Error> {
        self.send(PublishNotification::new(level, description, data))
            .await
    }

    /// The `typeDescription` of each error-severity notification (offline;
    /// no request).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let n = client.get_notifications(1531280000).await?;
    /// for e in client.parse_notifications_errors(&n) {
    ///     eprintln!("{e}");
    /// }
    /// # Ok(()) });
    /// ```
    pub fn parse_notifications_errors(&self, notifications: &Notifications) -> Vec<String> {
        notifications::parse_notifications_errors(notifications)
    }
}
