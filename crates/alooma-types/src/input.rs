//! Inputs (data sources): [`InputSpec`] (what `create_input` and
//! `edit_input` send), the builders [`S3Input`] and [`MixpanelInput`],
//! [`InputDetails`] (what `GET inputs/{id}` answers) and [`InputSleepTime`].
//!
//! `GET inputs` answers with an object id → input, each input being a
//! [`Node`](crate::Node).

use crate::structure::RedactedMap;
use crate::{Extra, Lenient, Maybe, Secret};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Writes a flat JSON object the way Python's `json.dumps` does by default
/// (`", "` and `": "` separators, non-ASCII as `\uXXXX`), so that values the
/// service stores as JSON text (`fileFormat`, `ssh`) are byte-for-byte what
/// the reference client sends.
pub(crate) fn python_json_object(pairs: &[(&str, serde_json::Value)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_ascii_json(&mut out, &serde_json::Value::from(*k));
        out.push_str(": ");
        push_ascii_json(&mut out, v);
    }
    out.push('}');
    out
}

fn push_ascii_json(out: &mut String, v: &serde_json::Value) {
    for c in v.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
}

/// An input to create or edit: `{"id"?, "name", "type", "configuration", …}`.
///
/// `configuration` is specific to the input type, so it is a JSON object;
/// `Debug` redacts values whose key looks like a credential.
///
/// ```
/// use alooma_types::InputSpec;
/// let spec = InputSpec::new("pg-orders", "POSTGRESQL")
///     .with_config("hostname", "db.example.com")
///     .with_config("password", "hunter2");
/// assert!(!format!("{spec:?}").contains("hunter2"));
/// let v = serde_json::to_value(&spec).unwrap();
/// assert_eq!(v["configuration"]["hostname"], "db.example.com");
/// assert!(v.get("id").is_none());
/// ```
///
/// Read from a file (`alooma inputs edit spec.json`), only `name` and
/// `type` are required; every other key is sent back as it was read.
#[crate::model]
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct InputSpec {
    /// The input's id: required by `edit_input`, absent when creating.
    pub id: Maybe<String>,
    /// The input's name.
    pub name: String,
    /// The input's type (`S3`, `MIXPANEL`, `POSTGRESQL` …).
    #[serde(rename = "type")]
    pub input_type: String,
    /// The type-specific configuration.
    pub configuration: Maybe<Extra>,
    /// Anything else to send, kept verbatim.
    pub extra: Extra,
}

impl InputSpec {
    /// An input called `name` of type `input_type`, with an empty configuration.
    pub fn new(name: impl Into<String>, input_type: impl Into<String>) -> Self {
        InputSpec {
            id: Maybe::Absent,
            name: name.into(),
            input_type: input_type.into(),
            configuration: Maybe::Value(Extra::new()),
            extra: Extra::new(),
        }
    }

    /// Sets the id (for `edit_input`).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Maybe::Value(id.into());
        self
    }

    /// Sets one configuration key.
    pub fn with_config(
        mut self,
        key: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.configuration_mut().insert(key.into(), value.into());
        self
    }

    /// The configuration (empty when there is none).
    pub fn config(&self) -> &Extra {
        static EMPTY: std::sync::OnceLock<Extra> = std::sync::OnceLock::new();
        self.configuration
            .get()
            .unwrap_or_else(|| EMPTY.get_or_init(Extra::new))
    }

    /// The configuration to change, created if there is none.
    pub fn configuration_mut(&mut self) -> &mut Extra {
        self.configuration.get_or_insert_with(Extra::new)
    }
}

impl fmt::Debug for InputSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InputSpec")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("input_type", &self.input_type)
            .field(
                "configuration",
                &self.configuration.get().map(|c| RedactedMap(c)),
            )
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

crate::string_enum! {
    /// Which S3 files an input loads (`loadFiles`).
    pub enum LoadFiles {
        /// Every file, existing and new.
        All => "all",
        /// Only files created or updated after the input was created.
        New => "new",
    }
}

/// The options of the `delimited` S3 file format. Empty values are not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delimited {
    /// The field delimiter (default `,`; `\t` for tab).
    pub delimiter: String,
    /// The quote character (default: none).
    pub quote_char: String,
    /// The escape character (default: none).
    pub escape_char: String,
}

impl Default for Delimited {
    fn default() -> Self {
        Delimited {
            delimiter: ",".into(),
            quote_char: String::new(),
            escape_char: String::new(),
        }
    }
}

impl Delimited {
    /// Comma-separated, no quote or escape character.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the delimiter.
    pub fn with_delimiter(mut self, delimiter: impl Into<String>) -> Self {
        self.delimiter = delimiter.into();
        self
    }

    /// Sets the quote character.
    pub fn with_quote_char(mut self, quote_char: impl Into<String>) -> Self {
        self.quote_char = quote_char.into();
        self
    }

    /// Sets the escape character.
    pub fn with_escape_char(mut self, escape_char: impl Into<String>) -> Self {
        self.escape_char = escape_char.into();
        self
    }
}

/// The format of the files an S3 input reads: `json`, `delimited` or `other`.
///
/// Parsing a string accepts only those three names (any other is refused,
/// as the reference client refuses it).
///
/// ```
/// use alooma_types::S3FileFormat;
/// assert_eq!("delimited".parse::<S3FileFormat>().unwrap(), S3FileFormat::Delimited(Default::default()));
/// assert!("csv".parse::<S3FileFormat>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum S3FileFormat {
    /// One JSON object per line.
    #[default]
    Json,
    /// Delimited text (CSV, TSV …).
    Delimited(Delimited),
    /// Any other format.
    Other,
}

impl S3FileFormat {
    /// The format's wire name.
    pub fn name(&self) -> &'static str {
        match self {
            S3FileFormat::Json => "json",
            S3FileFormat::Delimited(_) => "delimited",
            S3FileFormat::Other => "other",
        }
    }

    /// The `fileFormat` value: the JSON *string* of `{"type": name}` plus,
    /// for delimited files, the non-empty ones of `delimiter`, `quoteChar`,
    /// `escapeChar`.
    ///
    /// ```
    /// use alooma_types::{Delimited, S3FileFormat};
    /// let f = S3FileFormat::Delimited(Delimited::new().with_delimiter("\t"));
    /// assert_eq!(f.to_json_string(), r#"{"type": "delimited", "delimiter": "\t"}"#);
    /// assert_eq!(S3FileFormat::Json.to_json_string(), r#"{"type": "json"}"#);
    /// ```
    pub fn to_json_string(&self) -> String {
        let mut pairs: Vec<(&str, serde_json::Value)> = vec![("type", self.name().into())];
        if let S3FileFormat::Delimited(d) = self {
            for (key, value) in [
                ("delimiter", &d.delimiter),
                ("quoteChar", &d.quote_char),
                ("escapeChar", &d.escape_char),
            ] {
                if !value.is_empty() {
                    pairs.push((key, value.as_str().into()));
                }
            }
        }
        python_json_object(&pairs)
    }
}

/// An S3 file format name other than `json`, `delimited` or `other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFileFormat(pub String);

impl fmt::Display for UnknownFileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "file format cannot be {:?}: it has to be one of json, delimited, other",
            self.0
        )
    }
}

impl std::error::Error for UnknownFileFormat {}

impl FromStr for S3FileFormat {
    type Err = UnknownFileFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(S3FileFormat::Json),
            "delimited" => Ok(S3FileFormat::Delimited(Delimited::default())),
            "other" => Ok(S3FileFormat::Other),
            other => Err(UnknownFileFormat(other.to_owned())),
        }
    }
}

/// Builds the [`InputSpec`] of an S3 input (`create_s3_input`).
///
/// ```
/// use alooma_types::{S3Input, S3FileFormat, Delimited};
/// let spec = S3Input::new("logs", "AKIAEXAMPLE", "s3cr3t", "my-bucket")
///     .with_prefix("2024/")
///     .with_file_format(S3FileFormat::Delimited(Delimited::new()))
///     .into_spec();
/// let c = spec.config();
/// assert_eq!(c["awsAccessKeyId"], "AKIAEXAMPLE");
/// assert_eq!(c["fileFormat"], r#"{"type": "delimited", "delimiter": ","}"#);
/// assert!(!format!("{spec:?}").contains("s3cr3t"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct S3Input {
    /// The input's name.
    pub name: String,
    /// The AWS access key id.
    pub key: String,
    /// The AWS secret access key.
    pub secret: Secret,
    /// The bucket.
    pub bucket: String,
    /// Only files under this prefix are read (default: all).
    pub prefix: String,
    /// All files, or only new ones (default: all).
    pub load_files: LoadFiles,
    /// The files' format (default: JSON).
    pub file_format: S3FileFormat,
}

impl S3Input {
    /// An input reading every JSON file of `bucket`.
    pub fn new(
        name: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<Secret>,
        bucket: impl Into<String>,
    ) -> Self {
        S3Input {
            name: name.into(),
            key: key.into(),
            secret: secret.into(),
            bucket: bucket.into(),
            prefix: String::new(),
            load_files: LoadFiles::All,
            file_format: S3FileFormat::Json,
        }
    }

    /// Reads only files under `prefix`.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets which files are loaded.
    pub fn with_load_files(mut self, load_files: LoadFiles) -> Self {
        self.load_files = load_files;
        self
    }

    /// Sets the file format.
    pub fn with_file_format(mut self, file_format: S3FileFormat) -> Self {
        self.file_format = file_format;
        self
    }

    /// The input to create: `{"name", "type": "S3", "configuration":
    /// {awsAccessKeyId, awsBucketName, awsSecretAccessKey, filePrefix,
    /// loadFiles, fileFormat}}`.
    pub fn into_spec(self) -> InputSpec {
        InputSpec::new(self.name, crate::node_types::S3)
            .with_config("awsAccessKeyId", self.key)
            .with_config("awsBucketName", self.bucket)
            .with_config("awsSecretAccessKey", self.secret.into_inner())
            .with_config("filePrefix", self.prefix)
            .with_config("loadFiles", self.load_files.as_str())
            .with_config("fileFormat", self.file_format.to_json_string())
    }
}

/// Builds the [`InputSpec`] of a Mixpanel input (`create_mixpanel_input`).
///
/// ```
/// use alooma_types::MixpanelInput;
/// let spec = MixpanelInput::new("key", "secret", "2024-01-01", "mixpanel").into_spec();
/// assert_eq!(spec.input_type, "MIXPANEL");
/// assert_eq!(spec.config()["fromDate"], "2024-01-01");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MixpanelInput {
    /// The Mixpanel API key.
    pub api_key: Secret,
    /// The Mixpanel API secret.
    pub api_secret: Secret,
    /// The first day to import (`YYYY-MM-DD`).
    pub from_date: String,
    /// The input's name.
    pub name: String,
}

impl MixpanelInput {
    /// A Mixpanel input importing from `from_date`.
    pub fn new(
        api_key: impl Into<Secret>,
        api_secret: impl Into<Secret>,
        from_date: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        MixpanelInput {
            api_key: api_key.into(),
            api_secret: api_secret.into(),
            from_date: from_date.into(),
            name: name.into(),
        }
    }

    /// The input to create: `{"name", "type": "MIXPANEL", "configuration":
    /// {mixpanelApiKey, mixpanelApiSecret, fromDate}}`.
    pub fn into_spec(self) -> InputSpec {
        InputSpec::new(self.name, crate::node_types::MIXPANEL)
            .with_config("mixpanelApiKey", self.api_key.into_inner())
            .with_config("mixpanelApiSecret", self.api_secret.into_inner())
            .with_config("fromDate", self.from_date)
    }
}

/// What `GET inputs/{id}` answers: the input's job and its tasks.
///
/// Every key is optional: real answers have come with a `job` that has no
/// `name`, and a job without tasks.
///
/// ```
/// use alooma_types::InputDetails;
/// let d: InputDetails = serde_json::from_str(r#"{"job":{"id":"a3ef","name":"SFDC","type":"SALESFORCE",
///     "configuration":{}},"tasks":{"42bcb":{"id":"a3ef54","status":"active","type":"SALESFORCE"}}}"#).unwrap();
/// assert_eq!(d.job.get().unwrap().name.as_deref(), Some("SFDC"));
/// assert_eq!(d.tasks()["42bcb"].status.as_deref(), Some("active"));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InputDetails {
    /// The input's definition.
    pub job: Maybe<InputJob>,
    /// The input's tasks, by task state id.
    pub tasks: Maybe<BTreeMap<String, InputTask>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl InputDetails {
    /// The tasks (none when the answer had no `tasks`).
    pub fn tasks(&self) -> &BTreeMap<String, InputTask> {
        static EMPTY: BTreeMap<String, InputTask> = BTreeMap::new();
        self.tasks.get().unwrap_or(&EMPTY)
    }
}

/// An input's definition (`job` of [`InputDetails`]).
///
/// Wire shape: `{"id", "name", "type", "configuration", "validated",
/// "paused", "created_at"}`; every key is optional.
#[crate::model]
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct InputJob {
    /// The input's id.
    pub id: Maybe<String>,
    /// The input's name.
    pub name: Maybe<String>,
    /// The input's type.
    #[serde(rename = "type")]
    pub input_type: Maybe<String>,
    /// The input's configuration; `Debug` redacts credentials in it.
    pub configuration: Maybe<Extra>,
    /// Whether the service validated the input's configuration.
    pub validated: Maybe<Lenient<bool>>,
    /// Whether the input is paused.
    pub paused: Maybe<Lenient<bool>>,
    /// When the input was created (ISO 8601 as the server wrote it,
    /// `2018-10-03T18:22:26.400436`).
    pub created_at: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl fmt::Debug for InputJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InputJob")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("input_type", &self.input_type)
            .field(
                "configuration",
                &self.configuration.get().map(|c| RedactedMap(c)),
            )
            .field("validated", &self.validated)
            .field("paused", &self.paused)
            .field("created_at", &self.created_at)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// One task of an input (a value of `tasks` in [`InputDetails`]).
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InputTask {
    /// The task's id.
    pub id: Maybe<String>,
    /// The input's name.
    pub name: Maybe<String>,
    /// The input's type.
    #[serde(rename = "type")]
    pub input_type: Maybe<String>,
    /// `active`, `paused` …
    pub status: Maybe<String>,
    /// The last error, `""` when none.
    pub error_message: Maybe<String>,
    /// How many errors occurred.
    pub error_count: Maybe<Lenient<u64>>,
    /// Everything else (`task_state`, `last_success_time` …), kept verbatim.
    pub extra: Extra,
}

/// What `GET inputSleepTime/{id}` answers: `{"inputSleepTime": n}` (the
/// number may come as a string).
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InputSleepTime {
    /// The pause between two pulls of the input, in the server's unit.
    pub input_sleep_time: Lenient<f64>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_json_escapes_non_ascii_like_json_dumps() {
        let s = python_json_object(&[("delimiter", "é😀\"\n".into()), ("port", 22.into())]);
        assert_eq!(s, r#"{"delimiter": "\u00e9\ud83d\ude00\"\n", "port": 22}"#);
    }

    #[test]
    fn delimited_format_keeps_the_access_key() {
        // Defect 1: the reference's loop over the delimited options reused
        // the name `key`, so awsAccessKeyId became "escapeChar" or similar.
        let spec = S3Input::new("n", "AKIA123", "sec", "b")
            .with_file_format(S3FileFormat::Delimited(
                Delimited::new()
                    .with_quote_char("\"")
                    .with_escape_char("\\"),
            ))
            .into_spec();
        assert_eq!(spec.config()["awsAccessKeyId"], "AKIA123");
        assert_eq!(
            spec.config()["fileFormat"],
            r#"{"type": "delimited", "delimiter": ",", "quoteChar": "\"", "escapeChar": "\\"}"#
        );
        assert_eq!(spec.config()["awsSecretAccessKey"], "sec");
    }

    #[test]
    fn sparse_details_decode_and_round_trip() {
        use serde_json::json;
        for v in [
            json!({"job": {"id": "a", "type": "S3"}, "tasks": {}}),
            json!({"job": {"validated": "true", "paused": false, "created_at": "2018-10-03T18:22:26.400436"}}),
            json!({"job": null, "tasks": null}),
            json!({}),
        ] {
            let d: InputDetails = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&d).unwrap(), v);
        }
    }
}
