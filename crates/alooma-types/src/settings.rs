//! Account settings: [`Settings`] (`GET settings/`), the digest e-mail
//! settings ([`EmailNotifications`]) and S3 retention ([`S3Retention`]).

use crate::{Extra, Secret};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// How often the digest e-mail is sent (`digestFrequency`).
    pub enum DigestFrequency {
        /// Once a day.
        Daily => "DAILY",
    }
}

/// What `GET settings/` answers: the digest e-mail and S3 retention settings.
///
/// ```
/// use alooma_types::Settings;
/// let s: Settings = serde_json::from_str(r#"{"email-notifications":{"digestInfo":true,
///     "digestWarning":true,"digestError":true,"digestFrequency":"DAILY",
///     "recipientsChanged":false,"recipients":[]}}"#).unwrap();
/// assert!(s.email_notifications.unwrap().digest_error);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Settings {
    /// The digest e-mail settings.
    #[serde(
        rename = "email-notifications",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub email_notifications: Option<EmailNotifications>,
    /// The S3 retention settings; `Some(None)` is an explicit `null`.
    #[serde(
        rename = "s3-retention",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub s3_retention: Option<Option<S3Retention>>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

fn yes() -> bool {
    true
}

/// Digest e-mail settings (`POST settings/email-notifications`).
///
/// [`Default`] is exactly the reference client's
/// `DEFAULT_SETTINGS_EMAIL_NOTIFICATIONS`.
///
/// ```
/// use alooma_types::EmailNotifications;
/// assert_eq!(serde_json::to_value(EmailNotifications::default()).unwrap(), serde_json::json!({
///     "digestInfo": true, "digestWarning": true, "digestError": true,
///     "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": []}));
/// let mine = EmailNotifications::default().recipients(["ops@example.com"]);
/// assert!(mine.recipients_changed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmailNotifications {
    /// Include informational notifications.
    #[serde(rename = "digestInfo", default = "yes")]
    pub digest_info: bool,
    /// Include warnings.
    #[serde(rename = "digestWarning", default = "yes")]
    pub digest_warning: bool,
    /// Include errors.
    #[serde(rename = "digestError", default = "yes")]
    pub digest_error: bool,
    /// How often the digest is sent.
    #[serde(rename = "digestFrequency", default = "daily")]
    pub digest_frequency: DigestFrequency,
    /// Whether the recipients differ from the default ones.
    #[serde(rename = "recipientsChanged", default)]
    pub recipients_changed: bool,
    /// Who gets the digest.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The hour the digest is sent at.
    #[serde(
        rename = "digestSendHour",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub digest_send_hour: Option<u32>,
    /// The time zone of `digestSendHour` (`PST`).
    #[serde(
        rename = "digestEmailsTimeZone",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub digest_emails_time_zone: Option<String>,
    /// How many notifications one digest holds at most.
    #[serde(
        rename = "notificationsInDigest",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub notifications_in_digest: Option<u32>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

fn daily() -> DigestFrequency {
    DigestFrequency::Daily
}

impl Default for EmailNotifications {
    fn default() -> Self {
        EmailNotifications {
            digest_info: true,
            digest_warning: true,
            digest_error: true,
            digest_frequency: DigestFrequency::Daily,
            recipients_changed: false,
            recipients: Vec::new(),
            digest_send_hour: None,
            digest_emails_time_zone: None,
            notifications_in_digest: None,
            extra: Extra::new(),
        }
    }
}

impl EmailNotifications {
    /// Sets the recipients (and `recipientsChanged` to true).
    pub fn recipients<I, S>(mut self, recipients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.recipients = recipients.into_iter().map(Into::into).collect();
        self.recipients_changed = true;
        self
    }

    /// Sets which severities the digest includes.
    pub fn severities(mut self, info: bool, warning: bool, error: bool) -> Self {
        self.digest_info = info;
        self.digest_warning = warning;
        self.digest_error = error;
        self
    }

    /// Sets how often the digest is sent.
    pub fn frequency(mut self, frequency: DigestFrequency) -> Self {
        self.digest_frequency = frequency;
        self
    }
}

/// S3 retention: raw events are also stored in your S3 bucket
/// (`GET settings/` → `s3-retention`, `POST settings/s3-retention`).
///
/// The secret access key is a [`Secret`]: `Debug` never shows it.
///
/// ```
/// use alooma_types::{S3Retention, S3RetentionOptions};
/// let r = S3Retention::new("my-bucket", "AKIA…", "very-secret",
///     S3RetentionOptions::default().file_prefix("raw"));
/// assert!(!format!("{r:?}").contains("very-secret"));
/// assert_eq!(serde_json::to_value(&r).unwrap(), serde_json::json!({
///     "awsBucketName": "my-bucket", "awsAccessKeyId": "AKIA…",
///     "awsSecretAccessKey": "very-secret", "filePrefix": "raw",
///     "saveMetadata": true, "gzip": true, "serverSideEncryption": true}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct S3Retention {
    /// The bucket retention files go to.
    #[serde(rename = "awsBucketName")]
    pub aws_bucket_name: String,
    /// An access key with permission to list and write files there.
    #[serde(rename = "awsAccessKeyId")]
    pub aws_access_key_id: String,
    /// The access key's secret.
    #[serde(rename = "awsSecretAccessKey")]
    pub aws_secret_access_key: Secret,
    /// Files go under `s3://bucket/prefix/`.
    #[serde(
        rename = "filePrefix",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub file_prefix: Option<String>,
    /// Store the events with their metadata.
    #[serde(rename = "saveMetadata", default = "yes")]
    pub save_metadata: bool,
    /// Gzip the files.
    #[serde(default = "yes")]
    pub gzip: bool,
    /// Use S3 server-side encryption.
    #[serde(rename = "serverSideEncryption", default = "yes")]
    pub server_side_encryption: bool,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl S3Retention {
    /// Retention into `bucket` with the given AWS credentials and options.
    pub fn new(
        bucket: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        options: S3RetentionOptions,
    ) -> Self {
        S3Retention {
            aws_bucket_name: bucket.into(),
            aws_access_key_id: access_key_id.into(),
            aws_secret_access_key: secret_access_key.into(),
            file_prefix: options.file_prefix,
            save_metadata: options.save_metadata,
            gzip: options.gzip,
            server_side_encryption: options.server_side_encryption,
            extra: Extra::new(),
        }
    }
}

/// The optional part of [`S3Retention`]; the defaults are the reference
/// client's (no prefix, save metadata, gzip, server-side encryption).
///
/// ```
/// use alooma_types::S3RetentionOptions;
/// let o = S3RetentionOptions::default().gzip(false);
/// assert!(o.save_metadata && !o.gzip && o.server_side_encryption && o.file_prefix.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct S3RetentionOptions {
    /// `filePrefix`, sent only when set.
    pub file_prefix: Option<String>,
    /// `saveMetadata` (default true).
    pub save_metadata: bool,
    /// `gzip` (default true).
    pub gzip: bool,
    /// `serverSideEncryption` (default true).
    pub server_side_encryption: bool,
}

impl Default for S3RetentionOptions {
    fn default() -> Self {
        S3RetentionOptions {
            file_prefix: None,
            save_metadata: true,
            gzip: true,
            server_side_encryption: true,
        }
    }
}

impl S3RetentionOptions {
    /// Sets the file prefix.
    pub fn file_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.file_prefix = Some(prefix.into());
        self
    }

    /// Sets `saveMetadata`.
    pub fn save_metadata(mut self, yes: bool) -> Self {
        self.save_metadata = yes;
        self
    }

    /// Sets `gzip`.
    pub fn gzip(mut self, yes: bool) -> Self {
        self.gzip = yes;
        self
    }

    /// Sets `serverSideEncryption`.
    pub fn server_side_encryption(mut self, yes: bool) -> Self {
        self.server_side_encryption = yes;
        self
    }
}
