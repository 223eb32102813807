//! Account settings: [`Settings`] (`GET settings/`), the digest e-mail
//! settings ([`EmailNotifications`]) and S3 retention ([`S3Retention`]).

use crate::{Extra, Lenient, Maybe, Secret};

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
/// assert!(s.email_notifications.get().unwrap().digest_error());
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Settings {
    /// The digest e-mail settings.
    #[serde(rename = "email-notifications")]
    pub email_notifications: Maybe<EmailNotifications>,
    /// The S3 retention settings (`null` when there are none).
    #[serde(rename = "s3-retention")]
    pub s3_retention: Maybe<S3Retention>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

/// Digest e-mail settings (`POST settings/email-notifications`).
///
/// [`Default`] is exactly the reference client's
/// `DEFAULT_SETTINGS_EMAIL_NOTIFICATIONS`. Read from the server, every key
/// is optional and is written back as it was read.
///
/// ```
/// use alooma_types::EmailNotifications;
/// assert_eq!(serde_json::to_value(EmailNotifications::default()).unwrap(), serde_json::json!({
///     "digestInfo": true, "digestWarning": true, "digestError": true,
///     "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": []}));
/// let mine = EmailNotifications::default().recipients(["ops@example.com"]);
/// assert_eq!(mine.recipients_changed.get().map(|b| *b.get()), Some(true));
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EmailNotifications {
    /// Include informational notifications.
    pub digest_info: Maybe<Lenient<bool>>,
    /// Include warnings.
    pub digest_warning: Maybe<Lenient<bool>>,
    /// Include errors.
    pub digest_error: Maybe<Lenient<bool>>,
    /// How often the digest is sent.
    pub digest_frequency: Maybe<DigestFrequency>,
    /// Whether `recipients` replaces the current list.
    pub recipients_changed: Maybe<Lenient<bool>>,
    /// Who gets the digest.
    pub recipients: Maybe<Vec<String>>,
    /// The hour the digest is sent at.
    pub digest_send_hour: Maybe<Lenient<u32>>,
    /// The time zone of `digestSendHour`.
    pub digest_emails_time_zone: Maybe<String>,
    /// How many notifications a digest lists.
    pub notifications_in_digest: Maybe<Lenient<i64>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Default for EmailNotifications {
    fn default() -> Self {
        EmailNotifications {
            digest_info: Maybe::Value(Lenient::new(true)),
            digest_warning: Maybe::Value(Lenient::new(true)),
            digest_error: Maybe::Value(Lenient::new(true)),
            digest_frequency: Maybe::Value(DigestFrequency::Daily),
            recipients_changed: Maybe::Value(Lenient::new(false)),
            recipients: Maybe::Value(Vec::new()),
            digest_send_hour: Maybe::Absent,
            digest_emails_time_zone: Maybe::Absent,
            notifications_in_digest: Maybe::Absent,
            extra: Extra::new(),
        }
    }
}

fn flag(v: &Maybe<Lenient<bool>>) -> bool {
    v.get().is_some_and(|b| *b.get())
}

impl EmailNotifications {
    /// Sets the recipients (and `recipientsChanged` to true).
    pub fn recipients<I, S>(mut self, recipients: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.recipients = Maybe::Value(recipients.into_iter().map(Into::into).collect());
        crate::column::set_lenient(&mut self.recipients_changed, true);
        self
    }

    /// Sets which severities the digest includes.
    pub fn severities(mut self, info: bool, warning: bool, error: bool) -> Self {
        crate::column::set_lenient(&mut self.digest_info, info);
        crate::column::set_lenient(&mut self.digest_warning, warning);
        crate::column::set_lenient(&mut self.digest_error, error);
        self
    }

    /// Sets how often the digest is sent.
    pub fn frequency(mut self, frequency: DigestFrequency) -> Self {
        self.digest_frequency = Maybe::Value(frequency);
        self
    }

    /// Whether informational notifications are included.
    pub fn digest_info(&self) -> bool {
        flag(&self.digest_info)
    }

    /// Whether warnings are included.
    pub fn digest_warning(&self) -> bool {
        flag(&self.digest_warning)
    }

    /// Whether errors are included.
    pub fn digest_error(&self) -> bool {
        flag(&self.digest_error)
    }

    /// The recipients (none when absent).
    pub fn recipient_list(&self) -> &[String] {
        self.recipients.get().map_or(&[], Vec::as_slice)
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
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct S3Retention {
    /// The bucket retention files go to.
    pub aws_bucket_name: Maybe<String>,
    /// An access key with permission to list and write files there.
    pub aws_access_key_id: Maybe<String>,
    /// The access key's secret.
    pub aws_secret_access_key: Maybe<Secret>,
    /// A prefix for the files' names.
    pub file_prefix: Maybe<String>,
    /// Whether event metadata is saved too.
    pub save_metadata: Maybe<Lenient<bool>>,
    /// Whether files are gzipped.
    pub gzip: Maybe<Lenient<bool>>,
    /// Whether S3 encrypts the files.
    pub server_side_encryption: Maybe<Lenient<bool>>,
    /// Everything else, kept verbatim.
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
            aws_bucket_name: Maybe::Value(bucket.into()),
            aws_access_key_id: Maybe::Value(access_key_id.into()),
            aws_secret_access_key: Maybe::Value(secret_access_key.into()),
            file_prefix: Maybe::from_option(options.file_prefix),
            save_metadata: Maybe::Value(Lenient::new(options.save_metadata)),
            gzip: Maybe::Value(Lenient::new(options.gzip)),
            server_side_encryption: Maybe::Value(Lenient::new(options.server_side_encryption)),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by Schemathesis through the emulator: a digest that lists
    /// "all" notifications (`-1`) did not decode.
    #[test]
    fn any_integer_of_notifications_in_digest_is_read_and_written_as_read() {
        for json in [
            r#"{"notificationsInDigest":-1}"#,
            r#"{"notificationsInDigest":"25"}"#,
            r#"{"notificationsInDigest":null}"#,
        ] {
            let n: EmailNotifications = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&n).unwrap(), json);
        }
    }
}
