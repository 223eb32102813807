//! Outputs end to end: reading and setting the output node's configuration.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{BigQueryConfig, RedshiftConfig, SnowflakeConfig};
use alooma::Error;
use alooma_tests::{client, count, start, start_with_output};
use serde_json::json;

const REDSHIFT_ID: &str = "5b1c6d2e-0a41-4f7e-9c11-000000000005";

fn output_node(emu: &alooma_emulator::Emulator) -> serde_json::Value {
    emu.with_state(|s| {
        s.nodes
            .iter()
            .find(|n| n.category == "OUTPUT")
            .map(|n| serde_json::to_value(n).unwrap())
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn get_output_node_is_the_first_output() {
    let emu = start().await;
    let c = client(&emu);
    let node = c.get_output_node().await.unwrap();
    assert_eq!(node.id, REDSHIFT_ID);
    assert_eq!(node.node_type, "REDSHIFT");
    assert_eq!(count(&emu, "GET", "plumbing/outputs"), 1);
}

#[tokio::test]
async fn get_output_config_is_the_node_configuration() {
    let emu = start().await;
    let c = client(&emu);
    let config = c.get_output_config().await.unwrap().unwrap();
    assert_eq!(
        config.get("hostname").unwrap(),
        "warehouse.example.redshift.amazonaws.com"
    );
    assert_eq!(config.get("sinkType").unwrap(), "REDSHIFT");
}

#[tokio::test]
async fn set_output_replaces_the_configuration() {
    let emu = start().await;
    let c = client(&emu);
    let config = RedshiftConfig::new("new-host", 5440, "s", "db", "loader", "pw");
    c.set_output(config, Some("Warehouse")).await.unwrap();
    let node = output_node(&emu);
    assert_eq!(node["name"], "Warehouse");
    assert_eq!(node["configuration"]["hostname"], "new-host");
    assert_eq!(node["configuration"]["skipValidation"], false);
    assert_eq!(
        count(&emu, "PUT", &format!("plumbing/nodes/{REDSHIFT_ID}")),
        1
    );
    // Changing the sink type is refused before any PUT.
    let err = c
        .set_output(BigQueryConfig::new("p", "d"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }), "{err:?}");
    assert_eq!(
        count(&emu, "PUT", &format!("plumbing/nodes/{REDSHIFT_ID}")),
        1
    );
}

#[tokio::test]
async fn set_redshift_config_then_get_redshift_config() {
    let emu = start().await;
    let c = client(&emu);
    let config = RedshiftConfig::new(
        "rs.example.com",
        5439,
        "public",
        "analytics",
        "loader",
        "pw",
    )
    .with_skip_validation(true);
    c.set_redshift_config(config).await.unwrap();
    let node = output_node(&emu);
    // The name defaults to the type's display name.
    assert_eq!(node["name"], "Redshift");
    assert_eq!(node["configuration"]["hostname"], "rs.example.com");
    assert_eq!(node["configuration"]["skipValidation"], true);
    let back = c.get_redshift_config().await.unwrap().unwrap();
    assert_eq!(back.hostname, "rs.example.com");
    assert_eq!(back.port(), Some(5439));
    assert_eq!(back.database_name, "analytics");
}

#[tokio::test]
async fn set_snowflake_config_then_get_snowflake_config() {
    let emu = start_with_output("SNOWFLAKE").await;
    let c = client(&emu);
    let config = SnowflakeConfig::new("acct", "wh", "PUBLIC", "DB", "user", "pw");
    c.set_snowflake_config(config).await.unwrap();
    let node = output_node(&emu);
    assert_eq!(node["name"], "Snowflake");
    assert_eq!(
        node["configuration"],
        json!({
            "accountName": "acct", "warehouseName": "wh", "schemaName": "PUBLIC",
            "databaseName": "DB", "username": "user", "password": "pw",
            "skipValidation": false, "sinkType": "SNOWFLAKE"
        })
    );
    let back = c.get_snowflake_config().await.unwrap().unwrap();
    // The service stores the password and answers a mask in its place.
    assert_eq!(back.password.get().unwrap().expose(), "**********");
    assert_eq!(back.warehouse_name, "wh");
    assert_eq!(back.account_name, "acct");
    // The demo account has no Snowflake output.
    let demo = start().await;
    assert!(client(&demo)
        .get_snowflake_config()
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn set_bigquery_config_then_get_bigquery_config() {
    let emu = start_with_output("BIGQUERY").await;
    let c = client(&emu);
    c.set_bigquery_config(BigQueryConfig::new("my-project", "events"))
        .await
        .unwrap();
    let node = output_node(&emu);
    assert_eq!(node["name"], "BigQuery");
    assert_eq!(
        node["configuration"],
        json!({"projectName": "my-project", "datasetName": "events",
               "skipValidation": false, "sinkType": "BIGQUERY"})
    );
    let back = c.get_bigquery_config().await.unwrap().unwrap();
    assert_eq!(back.project_name, "my-project");
    assert_eq!(back.dataset_name, "events");
    let demo = start().await;
    assert!(client(&demo).get_bigquery_config().await.unwrap().is_none());
}

#[tokio::test]
#[allow(deprecated)]
async fn set_output_config_stores_the_reference_keys() {
    let emu = start_with_output("MEMSQL").await;
    let c = client(&emu);
    let config = RedshiftConfig::new("mem-host", 3306, "s", "db", "loader", "pw");
    c.set_output_config(config, "memsql", Some("MemSQL"))
        .await
        .unwrap();
    let node = output_node(&emu);
    assert_eq!(node["name"], "MemSQL");
    assert_eq!(node["configuration"]["sinkType"], "MEMSQL");
    assert_eq!(node["configuration"]["hostname"], "mem-host");
    assert_eq!(node["configuration"]["password"], "pw");
}
