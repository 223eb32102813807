//! Requests (insta snapshots) and decoders of the outputs area.
//! Snapshots: `tests/snapshots/outputs__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use crate::common::*;

use alooma_core::outputs::*;
use alooma_core::structure::GetStructure;
use alooma_core::{render, Error, Operation};
use alooma_types::{
    BigQueryConfig, Node, OutputConfig, RedshiftConfig, SinkType, SnowflakeConfig, SshTunnel,
    Structure,
};

const OUTPUT_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_output_node.result.json");
const REDSHIFT_CONFIG: &str =
    include_str!("../../../alooma-types/tests/fixtures/redshift_config/get_redshift_config.json");
const SNOWFLAKE_CONFIG: &str =
    include_str!("../../../alooma-types/tests/fixtures/snowflake_config/get_snowflake_config.json");
const BIGQUERY_CONFIG: &str =
    include_str!("../../../alooma-types/tests/fixtures/bigquery_config/get_bigquery_config.json");

fn structure_with(node_type: &str, config: &str) -> Structure {
    GetStructure
        .decode(ok(&format!(
            r#"{{"nodes":[{{"id":"out-1","name":"Out","type":"{node_type}","category":"OUTPUT","configuration":{config}}}]}}"#
        )))
        .unwrap()
}

fn node(node_type: &str) -> Node {
    Node::new("out/1", "Warehouse", node_type)
}

#[test]
fn get_output_node() {
    let n = GetOutputNode
        .decode(ok(&format!("[{OUTPUT_NODE}]")))
        .unwrap();
    assert_eq!(n.node_type, "REDSHIFT");
    assert_eq!(
        n.configuration.as_ref().unwrap().get("sinkType").unwrap(),
        "REDSHIFT"
    );
    assert!(matches!(
        GetOutputNode.decode(ok("[]")),
        Err(Error::NotFound {
            operation: "get_output_node",
            ..
        })
    ));
    for body in ["", "[", "{}", "<html>gateway</html>", "[{\"id\":1}]"] {
        assert!(
            matches!(GetOutputNode.decode(ok(body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(
        GetOutputNode.decode(answer(503, "busy")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn get_output_config() {
    // get_output_config is get_output_node's `configuration`.
    snapshot!("get_output_config", render(&GetOutputNode.build().unwrap()));
    let n = GetOutputNode
        .decode(ok(&format!("[{OUTPUT_NODE}]")))
        .unwrap();
    let expected: serde_json::Value = serde_json::from_str(OUTPUT_NODE).unwrap();
    assert_eq!(
        serde_json::to_value(n.configuration.into_option().unwrap()).unwrap(),
        expected["configuration"]
    );
}

#[test]
fn get_redshift_config() {
    snapshot!(
        "get_redshift_config",
        render(&GetStructure.build().unwrap())
    );
    let s = structure_with("REDSHIFT", REDSHIFT_CONFIG);
    let c: RedshiftConfig = sink_config("get_redshift_config", &s, &SinkType::Redshift)
        .unwrap()
        .unwrap();
    assert_eq!(c.port(), Some(1234));
    assert_eq!(c.password.get().unwrap().expose(), "**********");
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        serde_json::from_str::<serde_json::Value>(REDSHIFT_CONFIG).unwrap()
    );
    let none: Option<RedshiftConfig> = sink_config(
        "get_redshift_config",
        &structure_with("SNOWFLAKE", "{}"),
        &SinkType::Redshift,
    )
    .unwrap();
    assert!(none.is_none());
}

#[test]
fn get_snowflake_config() {
    snapshot!(
        "get_snowflake_config",
        render(&GetStructure.build().unwrap())
    );
    let s = structure_with("SNOWFLAKE", SNOWFLAKE_CONFIG);
    let c: SnowflakeConfig = sink_config("get_snowflake_config", &s, &SinkType::Snowflake)
        .unwrap()
        .unwrap();
    assert_eq!(c.warehouse_name, "<WAREHOUSE NAME>");
    assert_eq!(c.extra["cron"], "*/15 * * * *");
    let kept = sink_config::<SnowflakeConfig>(
        "get_snowflake_config",
        &structure_with("SNOWFLAKE", r#"{"username":["u"]}"#),
        &SinkType::Snowflake,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        kept.username.mistyped().unwrap().json(),
        &serde_json::json!(["u"])
    );
    let err = sink_config::<SnowflakeConfig>(
        "get_snowflake_config",
        &structure_with("SNOWFLAKE", r#"[1]"#),
        &SinkType::Snowflake,
    );
    assert!(
        matches!(
            err,
            Ok(None)
                | Err(Error::Decode {
                    operation: "get_snowflake_config",
                    ..
                })
        ),
        "{err:?}"
    );
}

#[test]
fn get_bigquery_config() {
    snapshot!(
        "get_bigquery_config",
        render(&GetStructure.build().unwrap())
    );
    let s = structure_with("BIGQUERY", BIGQUERY_CONFIG);
    let c: BigQueryConfig = sink_config("get_bigquery_config", &s, &SinkType::BigQuery)
        .unwrap()
        .unwrap();
    assert_eq!(c.project_name, "examplecom-112211");
    assert_eq!(c.skip_validation.get().map(|v| *v.get()), Some(true));
    assert!(
        !format!("{c:?}").contains(" ... "),
        "oauth2 must be redacted"
    );
}

#[test]
fn set_output() {
    let raw = serde_json::json!({"hostname": "rs.example.com", "port": 5439, "schemaName": "public",
        "databaseName": "dwh", "username": "loader", "password": "pw", "sinkType": "redshift"});
    let config = OutputConfig::Custom(raw.as_object().unwrap().clone());
    let op =
        SetOutput::for_node(&node("REDSHIFT"), config.clone(), Some("Main warehouse")).unwrap();
    let req = op.build().unwrap();
    assert!(req
        .extensions()
        .get::<alooma_core::auth::SensitiveBody>()
        .is_some());
    assert_eq!(op.decode(ok(OUTPUT_NODE)).unwrap().unwrap()["id"], "<ID>");
    assert_eq!(op.decode(ok("")).unwrap(), None);
    assert!(matches!(
        op.decode(answer(400, "{\"error\":\"bad\"}")),
        Err(Error::Api { .. })
    ));
    // Changing the sink type is refused before any request exists.
    let err = SetOutput::for_node(&node("BIGQUERY"), config, None).unwrap_err();
    assert!(matches!(err, Error::Build { .. }), "{err}");
}

#[test]
fn set_redshift_config() {
    let config = RedshiftConfig::new("rs.example.com", 5439, "public", "dwh", "loader", "pw")
        .with_ssh(SshTunnel::new("bastion.example.com", 22, "alooma").with_password("ssh-pw"));
    let op = SetOutput::for_node(&node("REDSHIFT"), config.into(), None).unwrap();
    snapshot!("set_redshift_config", render(&op.build().unwrap()));
    // Without a complete tunnel there is no `ssh` key at all.
    let plain = RedshiftConfig::new("h", 5439, "s", "d", "u", "p")
        .with_skip_validation(true)
        .with_ssh(SshTunnel::new("bastion", 22, ""));
    let op = SetOutput::for_node(&node("REDSHIFT"), plain.into(), None).unwrap();
    let body: serde_json::Value = serde_json::from_slice(op.build().unwrap().body()).unwrap();
    assert!(body["configuration"].get("ssh").is_none());
    assert_eq!(body["configuration"]["skipValidation"], true);
}

#[test]
fn set_snowflake_config() {
    let config = SnowflakeConfig::new("acme.eu-west-1", "LOAD_WH", "PUBLIC", "DWH", "loader", "pw");
    let op = SetOutput::for_node(&node("SNOWFLAKE"), config.into(), None).unwrap();
    snapshot!("set_snowflake_config", render(&op.build().unwrap()));
}

#[test]
fn set_bigquery_config() {
    let config = BigQueryConfig::new("acme-prod", "events");
    let op = SetOutput::for_node(&node("BIGQUERY"), config.into(), None).unwrap();
    snapshot!("set_bigquery_config", render(&op.build().unwrap()));
}
