//! Client methods of the notifications area.

use alooma_core::notifications::{self, GetNotifications, PublishNotification};
use alooma_types::{NotificationLevel, Notifications};

crate::api::methods! {
    /// The notifications raised since `epoch_seconds`
    /// (`GET notifications?from={epoch_seconds}`).
    ///
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// let n = client.get_notifications(1531280000).await?;
    /// for m in n.messages() {
    ///     println!("{:?}: {:?}", m.severity, m.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_notifications(&self, epoch_seconds: i64) -> Result<Notifications, Error> = GetNotifications::new(epoch_seconds);

    /// Publishes a custom notification (`POST notifications/custom`). Not
    /// retried after it may have reached the server.
    ///
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// use alooma::types::NotificationLevel;
    /// client.publish_notification(NotificationLevel::Error, "nightly export failed",
    ///     serde_json::json!({"table": "orders"})).await?;
    /// # Ok(()) }
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
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// let n = client.get_notifications(1531280000).await?;
    /// for e in client.parse_notifications_errors(&n) {
    ///     eprintln!("{e}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn parse_notifications_errors(&self, notifications: &Notifications) -> Vec<String> {
        notifications::parse_notifications_errors(notifications)
    }
}
