//! Client methods of the settings area.

use alooma_core::settings::{
    DeleteS3Retention, GetSettings, SetS3Retention, SetSettingsEmailNotifications,
};
use alooma_types::{EmailNotifications, S3RetentionOptions, Secret, Settings};

crate::api::methods! {
    /// The digest e-mail and S3 retention settings (`GET settings/`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let s = client.get_settings().await?;
    /// println!("{:?}", s.email_notifications.map(|e| e.recipients));
    /// # Ok(()) });
    /// ```
    pub async fn get_settings(&self) -> Result<Settings, Error> = GetSettings;

    /// Sets the digest e-mail settings (`POST settings/email-notifications`);
    /// `EmailNotifications::default()` restores the reference's defaults.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::EmailNotifications;
    /// client.set_settings_email_notifications(
    ///     &EmailNotifications::default().recipients(["ops@example.com"])).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_settings_email_notifications(
        &self,
        settings: &EmailNotifications,
    ) -> Result<(), Error> {
        self.send(SetSettingsEmailNotifications::new(settings.clone()))
            .await
    }

    /// Stores raw events in your S3 bucket too (`POST settings/s3-retention`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::S3RetentionOptions;
    /// client.set_s3_retention("my-bucket", "AKIA…", "secret",
    ///     S3RetentionOptions::default().file_prefix("raw")).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_s3_retention(
        &self,
        bucket: &str,
        access_key: &str,
        secret_key: impl Into<Secret>,
        options: S3RetentionOptions,
    ) -> Result<(), Error> {
        self.send(SetS3Retention::new(bucket, access_key, secret_key, options))
            .await
    }

    /// Turns S3 retention off (`DELETE settings/s3-retention`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.delete_s3_retention().await?;
    /// # Ok(()) });
    /// ```
    pub async fn delete_s3_retention(&self) -> Result<(), Error> = DeleteS3Retention;
}
