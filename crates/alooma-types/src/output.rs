//! The output (the warehouse the events load into): [`SinkType`], the typed
//! configurations [`RedshiftConfig`], [`SnowflakeConfig`],
//! [`BigQueryConfig`] (with [`SshTunnel`]), [`OutputConfig`] that
//! `set_output` takes, [`OutputUpdate`] (the body it sends), and
//! [`Lenient`] for values the server sends either typed or as strings.

use crate::structure::RedactedMap;
use crate::{Extra, Lenient, Maybe, NodeCategory, Secret};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

crate::string_enum! {
    /// The kind of output (`"sinkType"` in a configuration, `"type"` on the node).
    pub enum SinkType {
        /// Amazon Redshift.
        Redshift => "REDSHIFT",
        /// Snowflake.
        Snowflake => "SNOWFLAKE",
        /// Google BigQuery.
        BigQuery => "BIGQUERY",
    }
}

impl SinkType {
    /// The name the UI shows for this output (`Redshift`, `Snowflake`,
    /// `BigQuery`), used as the node name when `set_output` gets none.
    /// `None` for a type this SDK does not know.
    ///
    /// ```
    /// use alooma_types::SinkType;
    /// assert_eq!(SinkType::BigQuery.display_name(), Some("BigQuery"));
    /// assert_eq!(SinkType::from("memsql").display_name(), None);
    /// ```
    pub fn display_name(&self) -> Option<&'static str> {
        match self {
            SinkType::Redshift => Some("Redshift"),
            SinkType::Snowflake => Some("Snowflake"),
            SinkType::BigQuery => Some("BigQuery"),
            SinkType::Other(_) => None,
        }
    }

    /// The sink type named by `s`, ignoring ASCII case (`"redshift"` →
    /// [`SinkType::Redshift`]); unknown names keep their upper-cased spelling.
    pub fn from_any_case(s: &str) -> Self {
        SinkType::from(s.to_ascii_uppercase().as_str())
    }
}

/// An SSH tunnel to the warehouse: `{"server", "port", "username"[, "password"]}`.
///
/// Redshift's configuration carries it as a JSON *string* under `ssh`
/// (see [`RedshiftConfig::with_ssh`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SshTunnel {
    /// The SSH server's IP or DNS name as seen from the internet.
    pub server: String,
    /// The SSH server's port (usually 22).
    pub port: u16,
    /// The user on the SSH server (usually `alooma`).
    pub username: String,
    /// The user's password; without one, Alooma's public key is used.
    pub password: Option<Secret>,
}

impl SshTunnel {
    /// A tunnel through `server:port` as `username`, authenticated with
    /// Alooma's public key.
    pub fn new(server: impl Into<String>, port: u16, username: impl Into<String>) -> Self {
        SshTunnel {
            server: server.into(),
            port,
            username: username.into(),
            password: None,
        }
    }

    /// Authenticates with a password instead of Alooma's public key.
    pub fn with_password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Whether server, port and username are all given (non-empty, port
    /// not 0). The reference client sends a tunnel only then.
    pub fn is_complete(&self) -> bool {
        !self.server.is_empty() && self.port != 0 && !self.username.is_empty()
    }

    /// The JSON text sent as `ssh`, written the way the reference client
    /// writes it (Python's `json.dumps`). It holds the password, so it is a
    /// [`Secret`].
    ///
    /// ```
    /// use alooma_types::SshTunnel;
    /// let t = SshTunnel::new("bastion.example.com", 22, "alooma");
    /// assert_eq!(t.to_json_string().expose(),
    ///     r#"{"server": "bastion.example.com", "port": 22, "username": "alooma"}"#);
    /// ```
    pub fn to_json_string(&self) -> Secret {
        let mut pairs: Vec<(&str, serde_json::Value)> = vec![
            ("server", self.server.clone().into()),
            ("port", self.port.into()),
            ("username", self.username.clone().into()),
        ];
        if let Some(p) = self.password.as_ref().filter(|p| !p.is_empty()) {
            pairs.push(("password", p.expose().into()));
        }
        Secret::new(crate::input::python_json_object(&pairs))
    }
}

/// A Redshift output's configuration.
///
/// ```
/// use alooma_types::{RedshiftConfig, SshTunnel};
/// let c = RedshiftConfig::new("rs.example.com", 5439, "public", "dwh", "loader", "pw")
///     .with_ssh(SshTunnel::new("bastion", 22, "alooma"));
/// let v = serde_json::to_value(&c).unwrap();
/// assert_eq!(v["sinkType"], "REDSHIFT");
/// assert_eq!(v["skipValidation"], false);
/// assert_eq!(v["ssh"], r#"{"server": "bastion", "port": 22, "username": "alooma"}"#);
/// assert!(!format!("{c:?}").contains("pw\""));
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RedshiftConfig {
    /// The cluster's host name.
    pub hostname: Maybe<String>,
    /// The cluster's port (a number, or the string the server stores).
    pub port: Maybe<Lenient<u16>>,
    /// The schema events load into.
    pub schema_name: Maybe<String>,
    /// The database.
    pub database_name: Maybe<String>,
    /// The database user.
    pub username: Maybe<String>,
    /// The password (the server answers with a mask).
    pub password: Maybe<Secret>,
    /// Whether the server skips checking the connection.
    pub skip_validation: Maybe<Lenient<bool>>,
    /// `REDSHIFT` (absent in the node's stored configuration).
    pub sink_type: Maybe<SinkType>,
    /// The SSH tunnel as a JSON string (see [`SshTunnel::to_json_string`]).
    pub ssh: Maybe<Secret>,
    /// Everything else (`cron` …), kept verbatim.
    pub extra: Extra,
}

impl RedshiftConfig {
    /// A configuration with `skipValidation: false` and `sinkType: REDSHIFT`.
    pub fn new(
        hostname: impl Into<String>,
        port: u16,
        schema_name: impl Into<String>,
        database_name: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        RedshiftConfig {
            hostname: Maybe::Value(hostname.into()),
            port: Maybe::Value(Lenient::new(port)),
            schema_name: Maybe::Value(schema_name.into()),
            database_name: Maybe::Value(database_name.into()),
            username: Maybe::Value(username.into()),
            password: Maybe::Value(password.into()),
            skip_validation: Maybe::Value(Lenient::new(false)),
            sink_type: Maybe::Value(SinkType::Redshift),
            ssh: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// Sets `skipValidation`.
    pub fn with_skip_validation(mut self, skip: bool) -> Self {
        self.skip_validation = Maybe::Value(Lenient::new(skip));
        self
    }

    /// Connects through an SSH tunnel. A tunnel without server, port or
    /// username ([`SshTunnel::is_complete`]) is not sent, as in the
    /// reference client.
    pub fn with_ssh(mut self, tunnel: SshTunnel) -> Self {
        self.ssh = Maybe::from_option(tunnel.is_complete().then(|| tunnel.to_json_string()));
        self
    }

    /// The port as a number, in either wire form.
    pub fn port(&self) -> Option<u16> {
        self.port.get().map(|p| *p.get())
    }
}

/// A Snowflake output's configuration.
///
/// ```
/// use alooma_types::SnowflakeConfig;
/// let c = SnowflakeConfig::new("acme", "LOAD_WH", "PUBLIC", "DWH", "loader", "pw");
/// let v = serde_json::to_value(&c).unwrap();
/// assert_eq!(v["accountName"], "acme");
/// assert_eq!(v["sinkType"], "SNOWFLAKE");
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SnowflakeConfig {
    /// The warehouse.
    pub warehouse_name: Maybe<String>,
    /// The Snowflake account.
    pub account_name: Maybe<String>,
    /// The schema events load into.
    pub schema_name: Maybe<String>,
    /// The database.
    pub database_name: Maybe<String>,
    /// The user.
    pub username: Maybe<String>,
    /// The password (the server answers with a mask).
    pub password: Maybe<Secret>,
    /// Whether the server skips checking the connection.
    pub skip_validation: Maybe<Lenient<bool>>,
    /// `SNOWFLAKE` (absent in the node's stored configuration).
    pub sink_type: Maybe<SinkType>,
    /// Everything else (`cron` …), kept verbatim.
    pub extra: Extra,
}

impl SnowflakeConfig {
    /// A configuration with `skipValidation: false` and `sinkType: SNOWFLAKE`.
    pub fn new(
        account_name: impl Into<String>,
        warehouse_name: impl Into<String>,
        schema_name: impl Into<String>,
        database_name: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        SnowflakeConfig {
            warehouse_name: Maybe::Value(warehouse_name.into()),
            account_name: Maybe::Value(account_name.into()),
            schema_name: Maybe::Value(schema_name.into()),
            database_name: Maybe::Value(database_name.into()),
            username: Maybe::Value(username.into()),
            password: Maybe::Value(password.into()),
            skip_validation: Maybe::Value(Lenient::new(false)),
            sink_type: Maybe::Value(SinkType::Snowflake),
            extra: Extra::new(),
        }
    }

    /// Sets `skipValidation`.
    pub fn with_skip_validation(mut self, skip: bool) -> Self {
        self.skip_validation = Maybe::Value(Lenient::new(skip));
        self
    }
}

/// A BigQuery output's configuration.
///
/// ```
/// use alooma_types::BigQueryConfig;
/// let v = serde_json::to_value(BigQueryConfig::new("proj", "events").with_skip_validation(true)).unwrap();
/// assert_eq!(v, serde_json::json!({"projectName":"proj","datasetName":"events",
///     "skipValidation":true,"sinkType":"BIGQUERY"}));
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct BigQueryConfig {
    /// The Google Cloud project.
    pub project_name: Maybe<String>,
    /// The dataset events load into.
    pub dataset_name: Maybe<String>,
    /// Whether the server skips checking the connection.
    pub skip_validation: Maybe<Lenient<bool>>,
    /// `BIGQUERY` (absent in the node's stored configuration).
    pub sink_type: Maybe<SinkType>,
    /// Everything else (`oauth2`, `cron` …), kept verbatim; `Debug`
    /// redacts credentials in it.
    pub extra: Extra,
}

impl BigQueryConfig {
    /// A configuration with `skipValidation: false` and `sinkType: BIGQUERY`.
    pub fn new(project_name: impl Into<String>, dataset_name: impl Into<String>) -> Self {
        BigQueryConfig {
            project_name: Maybe::Value(project_name.into()),
            dataset_name: Maybe::Value(dataset_name.into()),
            skip_validation: Maybe::Value(Lenient::new(false)),
            sink_type: Maybe::Value(SinkType::BigQuery),
            extra: Extra::new(),
        }
    }

    /// Sets `skipValidation`.
    pub fn with_skip_validation(mut self, skip: bool) -> Self {
        self.skip_validation = Maybe::Value(Lenient::new(skip));
        self
    }
}

impl fmt::Debug for BigQueryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BigQueryConfig")
            .field("project_name", &self.project_name)
            .field("dataset_name", &self.dataset_name)
            .field("skip_validation", &self.skip_validation)
            .field("sink_type", &self.sink_type)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// What `set_output` takes: a typed configuration, or any JSON object with
/// a `sinkType` key for outputs this SDK does not model.
///
/// It serializes as the configuration object itself.
///
/// ```
/// use alooma_types::{OutputConfig, BigQueryConfig, SinkType};
/// let c = OutputConfig::from(BigQueryConfig::new("p", "d"));
/// assert_eq!(c.sink_type(), Some(SinkType::BigQuery));
/// let raw = serde_json::json!({"sinkType": "memsql", "hostname": "h"});
/// let c = OutputConfig::Custom(raw.as_object().unwrap().clone());
/// assert_eq!(c.sink_type(), Some(SinkType::Other("MEMSQL".into())));
/// ```
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum OutputConfig {
    /// A Redshift configuration.
    Redshift(RedshiftConfig),
    /// A Snowflake configuration.
    Snowflake(SnowflakeConfig),
    /// A BigQuery configuration.
    BigQuery(BigQueryConfig),
    /// Any other configuration object; must hold `sinkType`.
    Custom(serde_json::Map<String, serde_json::Value>),
}

impl OutputConfig {
    /// The sink type the configuration is for (upper-cased); `None` for a
    /// custom configuration without a string `sinkType`.
    pub fn sink_type(&self) -> Option<SinkType> {
        match self {
            OutputConfig::Redshift(_) => Some(SinkType::Redshift),
            OutputConfig::Snowflake(_) => Some(SinkType::Snowflake),
            OutputConfig::BigQuery(_) => Some(SinkType::BigQuery),
            OutputConfig::Custom(m) => m
                .get("sinkType")
                .and_then(serde_json::Value::as_str)
                .map(SinkType::from_any_case),
        }
    }

    /// The same configuration with `skipValidation: false` added when it has
    /// none (the reference client's default).
    pub fn with_default_skip_validation(mut self) -> Self {
        match &mut self {
            OutputConfig::Redshift(c) => {
                c.skip_validation.get_or_insert_with(|| Lenient::new(false));
            }
            OutputConfig::Snowflake(c) => {
                c.skip_validation.get_or_insert_with(|| Lenient::new(false));
            }
            OutputConfig::BigQuery(c) => {
                c.skip_validation.get_or_insert_with(|| Lenient::new(false));
            }
            OutputConfig::Custom(m) => {
                m.entry("skipValidation")
                    .or_insert(serde_json::Value::Bool(false));
            }
        }
        self
    }
}

impl From<RedshiftConfig> for OutputConfig {
    fn from(c: RedshiftConfig) -> Self {
        OutputConfig::Redshift(c)
    }
}

impl From<SnowflakeConfig> for OutputConfig {
    fn from(c: SnowflakeConfig) -> Self {
        OutputConfig::Snowflake(c)
    }
}

impl From<BigQueryConfig> for OutputConfig {
    fn from(c: BigQueryConfig) -> Self {
        OutputConfig::BigQuery(c)
    }
}

impl fmt::Debug for OutputConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputConfig::Redshift(c) => f.debug_tuple("Redshift").field(c).finish(),
            OutputConfig::Snowflake(c) => f.debug_tuple("Snowflake").field(c).finish(),
            OutputConfig::BigQuery(c) => f.debug_tuple("BigQuery").field(c).finish(),
            OutputConfig::Custom(m) => f.debug_tuple("Custom").field(&RedactedMap(m)).finish(),
        }
    }
}

/// Read by `sinkType`: a Redshift, Snowflake or BigQuery configuration
/// when it is one and decodes as one, any other object as
/// [`OutputConfig::Custom`], kept as it is.
impl<'de> Deserialize<'de> for OutputConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let value = serde_json::Value::Object(map.clone());
        let sink = map
            .get("sinkType")
            .and_then(serde_json::Value::as_str)
            .map(SinkType::from_any_case);
        let typed = match sink {
            Some(SinkType::Redshift) => serde_json::from_value(value)
                .map(OutputConfig::Redshift)
                .ok(),
            Some(SinkType::Snowflake) => serde_json::from_value(value)
                .map(OutputConfig::Snowflake)
                .ok(),
            Some(SinkType::BigQuery) => serde_json::from_value(value)
                .map(OutputConfig::BigQuery)
                .ok(),
            _ => None,
        };
        Ok(typed.unwrap_or(OutputConfig::Custom(map)))
    }
}

impl Serialize for OutputConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OutputConfig::Redshift(c) => c.serialize(s),
            OutputConfig::Snowflake(c) => c.serialize(s),
            OutputConfig::BigQuery(c) => c.serialize(s),
            OutputConfig::Custom(m) => m.serialize(s),
        }
    }
}

/// The body of `PUT plumbing/nodes/{id}` sent by `set_output`:
/// `{"configuration", "category": "OUTPUT", "id", "name", "type", "deleted": false}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct OutputUpdate {
    /// The new configuration.
    pub configuration: OutputConfig,
    /// Always `OUTPUT`.
    pub category: NodeCategory,
    /// The output node's id.
    pub id: String,
    /// The node's display name.
    pub name: String,
    /// The output node's current type.
    #[serde(rename = "type")]
    pub node_type: String,
    /// Always `false`.
    pub deleted: bool,
}

impl OutputUpdate {
    /// An update of output node `id` (of type `node_type`) to `configuration`,
    /// shown as `name`.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        node_type: impl Into<String>,
        configuration: OutputConfig,
    ) -> Self {
        OutputUpdate {
            configuration,
            category: NodeCategory::Output,
            id: id.into(),
            name: name.into(),
            node_type: node_type.into(),
            deleted: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_redshift_config_with_strings_round_trips() {
        let v = json!({"username": "u", "skipValidation": "false", "hostname": "h",
            "databaseName": "d", "schemaName": "public", "password": "**********", "port": "1234"});
        let c: RedshiftConfig = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(c.port(), Some(1234));
        assert_eq!(c.skip_validation.get().map(|s| *s.get()), Some(false));
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
    }

    #[test]
    fn sparse_stored_configs_decode_and_round_trip() {
        for v in [
            json!({"hostname": "h", "port": 5439, "username": "u"}),
            json!({"hostname": null, "schemaName": null}),
            json!({}),
        ] {
            let c: RedshiftConfig = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&c).unwrap(), v);
            let c: SnowflakeConfig = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&c).unwrap(), v);
        }
        let kept: RedshiftConfig = serde_json::from_value(json!({"port": "port"})).unwrap();
        assert_eq!((kept.port(), kept.port.is_mistyped()), (None, true));
    }

    #[test]
    fn ssh_needs_server_port_and_username() {
        let c = RedshiftConfig::new("h", 5439, "s", "d", "u", "p")
            .with_ssh(SshTunnel::new("", 22, "alooma"));
        assert!(c.ssh.is_absent());
        let c = RedshiftConfig::new("h", 5439, "s", "d", "u", "p")
            .with_ssh(SshTunnel::new("b", 2222, "al").with_password("sshpw"));
        assert_eq!(
            c.ssh.as_ref().unwrap().expose(),
            r#"{"server": "b", "port": 2222, "username": "al", "password": "sshpw"}"#
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("sshpw"), "{dbg}");
    }

    #[test]
    fn custom_config_gets_default_skip_validation() {
        let c = OutputConfig::Custom(json!({"sinkType": "REDSHIFT"}).as_object().unwrap().clone())
            .with_default_skip_validation();
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"sinkType": "REDSHIFT", "skipValidation": false})
        );
        let c = OutputConfig::Custom(
            json!({"skipValidation": "true"})
                .as_object()
                .unwrap()
                .clone(),
        )
        .with_default_skip_validation();
        assert_eq!(serde_json::to_value(&c).unwrap()["skipValidation"], "true");
        assert_eq!(c.sink_type(), None);
    }
}
