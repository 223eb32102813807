//! Account settings: `get_settings`, `set_settings_email_notifications`,
//! `set_s3_retention`, `delete_s3_retention`.

use alooma_types::{EmailNotifications, S3Retention, S3RetentionOptions, Secret, Settings};

crate::declare::operations! {
    area: settings;

    /// The digest e-mail and S3 retention settings.
    ///
    /// ```
    /// use alooma_core::{Operation, settings::GetSettings};
    /// assert_eq!(GetSettings.build().unwrap().uri(), "/settings/");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetSettings;
    op get_settings: GET "settings/";
    retry: Idempotent;
    output: Settings = json;
    example: GetSettings;

    /// Sets the digest e-mail settings.
    ///
    /// [`EmailNotifications::default()`] is the reference's defaults.
    ///
    /// ```
    /// use alooma_core::{Operation, settings::SetSettingsEmailNotifications};
    /// let req = SetSettingsEmailNotifications::default().build().unwrap();
    /// assert_eq!(req.uri(), "/settings/email-notifications");
    /// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    /// assert_eq!(body["digestFrequency"], "DAILY");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct SetSettingsEmailNotifications {
        /// The settings to store.
        pub settings: EmailNotifications,
    }
    op set_settings_email_notifications: POST "settings/email-notifications";
    retry: Idempotent;
    body: {settings};
    output: () = empty;
    example: SetSettingsEmailNotifications::default();

    /// Stores raw events in your S3 bucket too.
    impl op set_s3_retention for SetS3Retention: POST "settings/s3-retention";
    retry: Idempotent;
    check: (|op| op.check());
    body: {retention};
    sensitive: true;
    output: () = empty;
    answer: serde_json::Value;
    example: SetS3Retention::new(
        "alooma-retention",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        S3RetentionOptions::default().file_prefix("raw/events").gzip(false),
    );

    /// Turns S3 retention off.
    ///
    /// ```
    /// use alooma_core::{Operation, settings::DeleteS3Retention};
    /// assert_eq!(DeleteS3Retention.build().unwrap().uri(), "/settings/s3-retention");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct DeleteS3Retention;
    op delete_s3_retention: DELETE "settings/s3-retention";
    retry: Idempotent;
    output: () = empty;
    example: DeleteS3Retention;
}

/// `POST settings/s3-retention`: stores raw events in your S3 bucket too.
///
/// Body keys: awsBucketName, awsAccessKeyId, awsSecretAccessKey,
/// saveMetadata, gzip, serverSideEncryption, and filePrefix only when given.
/// The secret key never shows in `Debug`, and the request is marked
/// [`SensitiveBody`](crate::auth::SensitiveBody).
///
/// ```
/// use alooma_core::{Operation, settings::SetS3Retention};
/// use alooma_types::S3RetentionOptions;
/// let op = SetS3Retention::new("bucket", "AKIAEXAMPLE", "s3cr3t", S3RetentionOptions::default());
/// assert!(!format!("{op:?}").contains("s3cr3t"));
/// let body: serde_json::Value = serde_json::from_slice(op.build().unwrap().body()).unwrap();
/// assert_eq!(body, serde_json::json!({"awsBucketName": "bucket", "awsAccessKeyId": "AKIAEXAMPLE",
///     "awsSecretAccessKey": "s3cr3t", "saveMetadata": true, "gzip": true,
///     "serverSideEncryption": true}));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetS3Retention {
    /// The retention settings.
    pub retention: S3Retention,
}

impl SetS3Retention {
    /// A bucket and both AWS keys are required.
    fn check(&self) -> Result<(), String> {
        let r = &self.retention;
        let blank = |v: Option<&str>| v.is_none_or(str::is_empty);
        if blank(r.aws_bucket_name.as_deref()) {
            return Err("the bucket name must not be empty".into());
        }
        if blank(r.aws_access_key_id.as_deref())
            || blank(r.aws_secret_access_key.get().map(Secret::expose))
        {
            return Err("the AWS access key id and secret access key are required".into());
        }
        Ok(())
    }

    /// Retention into `bucket` with the given credentials and options.
    pub fn new(
        bucket: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        options: S3RetentionOptions,
    ) -> Self {
        SetS3Retention {
            retention: S3Retention::new(bucket, access_key_id, secret_access_key, options),
        }
    }

    /// Stores an [`S3Retention`] as it is.
    pub fn from_retention(retention: S3Retention) -> Self {
        SetS3Retention { retention }
    }
}

