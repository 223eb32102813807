//! The output (warehouse) node: `get_output_node`, `get_output_config`,
//! `set_output`, `set_redshift_config`, `set_snowflake_config`,
//! `set_bigquery_config`, `get_redshift_config`, `get_snowflake_config`,
//! `get_bigquery_config`.
//!
//! Requests: [`GetOutputNode`] and [`SetOutput`]. `set_output` is a
//! read-then-write: [`SetOutput::for_node`] builds the write from the
//! current output node, refusing to change the sink type. The
//! `get_*_config` operations decode a node's configuration with
//! [`sink_config`].

use crate::error::snippet;
use crate::structure::sink_node;
use crate::Error;
use alooma_types::{Node, OutputConfig, OutputUpdate, SinkType, Structure};
use serde::de::DeserializeOwned;

crate::declare::operations! {
    area: outputs;

    /// The output node (the first of the list the server answers).
    impl op get_output_node for GetOutputNode: GET "plumbing/outputs";
    retry: Idempotent;
    output: Node = json(Vec<Node>) then (|_op, nodes| nodes.into_iter().next().ok_or_else(|| {
        Error::NotFound {
            operation: "get_output_node",
            what: "the system has no output node".into(),
        }
    }));
    answer: Vec<alooma_types::Node>;
    example: GetOutputNode;

    /// Replaces the output's configuration.
    impl op set_output for SetOutput: PUT "plumbing/nodes" / {output_id = |op| op.update.id};
    retry: Idempotent;
    body: {update};
    sensitive: true;
    output: Option<serde_json::Value> = json_or_empty;
    answer: alooma_types::Node;
    example: examples::set_output();
}

/// The examples' data.
mod examples {
    use super::SetOutput;
    use alooma_types::{OutputConfig, OutputUpdate};

    /// `set_output` of a custom Redshift configuration, with a name.
    pub(super) fn set_output() -> SetOutput {
        let raw = serde_json::json!({"hostname": "rs.example.com", "port": 5439,
            "schemaName": "public", "databaseName": "dwh", "username": "loader",
            "password": "pw", "sinkType": "redshift"});
        let config = match raw {
            serde_json::Value::Object(map) => OutputConfig::Custom(map),
            _ => OutputConfig::Custom(Default::default()),
        };
        SetOutput {
            update: OutputUpdate::new(
                "out/1",
                "Main warehouse",
                "REDSHIFT",
                config.with_default_skip_validation(),
            ),
        }
    }
}

/// `GET plumbing/outputs`: the output node (the first of the list the server
/// answers). An empty list is [`Error::NotFound`].
///
/// ```
/// use alooma_core::{Operation, outputs::GetOutputNode};
/// assert_eq!(GetOutputNode.build().unwrap().uri(), "/plumbing/outputs");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from(r#"[{"id":"o1","name":"Redshift","type":"REDSHIFT","configuration":{}}]"#)).unwrap();
/// assert_eq!(GetOutputNode.decode(answer).unwrap().id, "o1");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetOutputNode;


/// `PUT plumbing/nodes/{output_id}`: replaces the output's configuration.
///
/// Build it with [`SetOutput::for_node`] from the current output node (what
/// `set_output` does). The body holds the warehouse password, so the
/// request is marked [`SensitiveBody`](crate::auth::SensitiveBody). The answer (the server's JSON, if
/// any) is returned as is.
///
/// ```
/// use alooma_core::{Operation, outputs::SetOutput};
/// use alooma_types::{BigQueryConfig, Node};
/// let current = Node::new("o1", "BigQuery", "BIGQUERY");
/// let op = SetOutput::for_node(&current, BigQueryConfig::new("p", "d").into(), None).unwrap();
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/plumbing/nodes/o1");
/// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
/// assert_eq!(body["name"], "BigQuery");
/// assert_eq!(body["configuration"]["skipValidation"], false);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetOutput {
    /// The body: configuration, category, id, name, type, deleted.
    pub update: OutputUpdate,
}

impl SetOutput {
    /// The write `set_output(config, name)` makes to `current` (the node
    /// `GET plumbing/outputs` answered).
    ///
    /// Refused with [`Error::Build`] when the configuration's sink type
    /// differs from the node's type (changing the output type is not
    /// supported by the service), when the configuration names no sink type,
    /// or when no name is given for a type without a known display name.
    /// `skipValidation` defaults to `false`. The name defaults to the
    /// type's display name (`Redshift`, `Snowflake`, `BigQuery`).
    pub fn for_node(
        current: &Node,
        config: OutputConfig,
        name: Option<&str>,
    ) -> Result<Self, Error> {
        const OP: &str = "set_output";
        let current_type = SinkType::from_any_case(current.node_type().unwrap_or_default());
        let desired = config
            .sink_type()
            .ok_or_else(|| Error::build(OP, "the output configuration has no string `sinkType`"))?;
        if desired != current_type {
            return Err(Error::build(
                OP,
                format!(
                    "changing the output type is not supported (from {current_type} to {desired}); contact Alooma support to change it"
                ),
            ));
        }
        let name =
            match name {
                Some(n) => n.to_owned(),
                None => current_type
                    .display_name()
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        Error::build(
                    OP,
                    format!("no display name is known for output type {current_type}; pass a name"),
                )
                    })?,
            };
        Ok(SetOutput {
            update: OutputUpdate::new(
                current.id.clone(),
                name,
                current_type.as_str(),
                config.with_default_skip_validation(),
            ),
        })
    }
}


/// `get_redshift_config` / `get_snowflake_config` / `get_bigquery_config`:
/// the configuration of the first node of type `sink`, decoded as `T`
/// (`RedshiftConfig`, `SnowflakeConfig`, `BigQueryConfig`); `None` when
/// there is no such node or it has no configuration. A configuration that
/// does not fit `T` is [`Error::Decode`] (its snippet omits the values).
///
/// ```
/// use alooma_core::outputs::sink_config;
/// use alooma_types::{RedshiftConfig, SinkType, Structure};
/// let s: Structure = serde_json::from_str(r#"{"nodes":[{"id":"o","name":"Redshift","type":"REDSHIFT",
///   "configuration":{"hostname":"h","port":"5439","schemaName":"public","databaseName":"d",
///   "username":"u","password":"**********","skipValidation":"false"}}]}"#).unwrap();
/// let c: RedshiftConfig = sink_config("get_redshift_config", &s, &SinkType::Redshift).unwrap().unwrap();
/// assert_eq!(c.port(), Some(5439));
/// ```
pub fn sink_config<T: DeserializeOwned>(
    operation: &'static str,
    structure: &Structure,
    sink: &SinkType,
) -> Result<Option<T>, Error> {
    let Some(config) = sink_node(structure, sink).and_then(|n| n.configuration.as_ref()) else {
        return Ok(None);
    };
    let text = config.to_json();
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de)
        .map(Some)
        .map_err(|e| {
            let keys: Vec<String> = config
                .to_map()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            Error::Decode {
                operation,
                path: e.path().to_string(),
                snippet: snippet(format!("configuration keys: {keys:?}").as_bytes()),
                source: e.into_inner(),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_types::{RedshiftConfig, SnowflakeConfig};
    use serde_json::json;

    #[test]
    fn changing_the_sink_type_is_refused() {
        let current = Node::new("o", "Redshift", "REDSHIFT");
        let config = SnowflakeConfig::new("a", "w", "s", "d", "u", "p").into();
        let err = SetOutput::for_node(&current, config, None).unwrap_err();
        assert!(
            matches!(err, Error::Build { operation: "set_output", ref reason } if reason.contains("REDSHIFT to SNOWFLAKE")),
            "{err}"
        );
    }

    #[test]
    fn lower_case_types_match_and_name_defaults() {
        let current = Node::new("o", "Warehouse", "redshift");
        let raw = json!({"sinkType": "redshift", "hostname": "h"});
        let op = SetOutput::for_node(
            &current,
            OutputConfig::Custom(raw.as_object().unwrap().clone()),
            None,
        )
        .unwrap();
        let body = serde_json::to_value(&op.update).unwrap();
        assert_eq!(
            body,
            json!({"configuration": {"sinkType": "redshift", "hostname": "h", "skipValidation": false},
                   "category": "OUTPUT", "id": "o", "name": "Redshift", "type": "REDSHIFT", "deleted": false})
        );
    }

    #[test]
    fn unknown_types_need_a_name() {
        let current = Node::new("o", "MemSQL", "MEMSQL");
        let raw = json!({"sinkType": "MEMSQL"});
        let config = OutputConfig::Custom(raw.as_object().unwrap().clone());
        assert!(SetOutput::for_node(&current, config.clone(), None).is_err());
        let op = SetOutput::for_node(&current, config, Some("Mem")).unwrap();
        assert_eq!(op.update.name, "Mem");
        let no_sink = OutputConfig::Custom(json!({"a": 1}).as_object().unwrap().clone());
        assert!(SetOutput::for_node(&current, no_sink, Some("x")).is_err());
    }

    #[test]
    fn bad_configuration_is_a_decode_error_without_values() {
        let s: Structure = serde_json::from_value(
            json!({"nodes": [{"id": "o", "name": "R", "type": "REDSHIFT",
            "configuration": {"hostname": "h", "port": "not-a-port", "password": "topsecret"}}]}),
        )
        .unwrap();
        // A value of another type is kept by the SDK's models …
        let kept = sink_config::<RedshiftConfig>("get_redshift_config", &s, &SinkType::Redshift)
            .unwrap()
            .unwrap();
        assert_eq!(kept.port(), None);
        assert_eq!(kept.port.mistyped().unwrap().json(), "not-a-port");
        // … and a caller's own type that requires the key refuses it.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Strict {
            port: u16,
        }
        let err =
            sink_config::<Strict>("get_redshift_config", &s, &SinkType::Redshift).unwrap_err();
        match err {
            Error::Decode { path, snippet, .. } => {
                assert_eq!(path, "port");
                assert!(!snippet.contains("topsecret"));
            }
            e => panic!("{e}"),
        }
        assert!(sink_config::<RedshiftConfig>(
            "get_redshift_config",
            &Structure::default(),
            &SinkType::Redshift
        )
        .unwrap()
        .is_none());
    }
}
