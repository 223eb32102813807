//! Facade tests of the outputs area, through `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use alooma::mock::MockService;
use alooma::types::{BigQueryConfig, OutputConfig, RedshiftConfig, SnowflakeConfig, SshTunnel};
use alooma::{Client, Error};
use serde_json::json;

const STRUCTURE_URI: &str = "/plumbing/?resolution=1min";
const OUTPUT_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_output_node.result.json");
const SNOWFLAKE_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_snowflake_node.json");
const BIGQUERY_CONFIG: &str =
    include_str!("../../../alooma-types/tests/fixtures/bigquery_config/get_bigquery_config.json");

fn with_output(node_type: &str, id: &str) -> (MockService, Client<MockService>) {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/plumbing/outputs",
        200,
        format!(
            r#"[{{"id":"{id}","name":"Warehouse","type":"{node_type}","configuration":{{}}}}]"#
        ),
    );
    (mock.clone(), Client::with_service(mock))
}

#[tokio::test]
async fn get_output_node_and_config() {
    let mock = MockService::new();
    mock.always("GET", "/plumbing/outputs", 200, format!("[{OUTPUT_NODE}]"));
    let client = Client::with_service(mock.clone());
    assert_eq!(client.get_output_node().await.unwrap().name, "Redshift");
    let config = client.get_output_config().await.unwrap().unwrap();
    assert_eq!(config.get("port").unwrap(), "1234");
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.uri == "/plumbing/outputs" && r.method == "GET"));
}

#[tokio::test]
async fn set_redshift_config_sends_the_documented_body() {
    let (mock, client) = with_output("REDSHIFT", "out 1");
    mock.on("PUT", "/plumbing/nodes/out%201", 200, OUTPUT_NODE);
    let config = RedshiftConfig::new("rs.example.com", 5439, "public", "dwh", "loader", "pw")
        .with_ssh(SshTunnel::new("bastion", 2222, "alooma"));
    let answer = client.set_redshift_config(config).await.unwrap().unwrap();
    assert_eq!(answer["type"], "REDSHIFT");
    let put = &mock.requests()[1];
    assert_eq!(put.method, "PUT");
    assert_eq!(put.uri, "/plumbing/nodes/out%201");
    assert_eq!(
        put.json(),
        json!({
            "configuration": {"hostname": "rs.example.com", "port": 5439, "schemaName": "public",
                "databaseName": "dwh", "username": "loader", "password": "pw",
                "skipValidation": false, "sinkType": "REDSHIFT",
                "ssh": "{\"server\": \"bastion\", \"port\": 2222, \"username\": \"alooma\"}"},
            "category": "OUTPUT", "id": "out 1", "name": "Redshift", "type": "REDSHIFT", "deleted": false
        })
    );
    assert_eq!(put.headers["content-type"], "application/json");
}

#[tokio::test]
async fn set_snowflake_and_bigquery_config() {
    let (mock, client) = with_output("SNOWFLAKE", "sf");
    mock.on("PUT", "/plumbing/nodes/sf", 200, "");
    let config =
        SnowflakeConfig::new("acme", "WH", "PUBLIC", "DB", "u", "p").with_skip_validation(true);
    assert_eq!(client.set_snowflake_config(config).await.unwrap(), None);
    assert_eq!(
        mock.requests()[1].json()["configuration"],
        json!({"warehouseName": "WH", "accountName": "acme", "schemaName": "PUBLIC", "databaseName": "DB",
               "username": "u", "password": "p", "skipValidation": true, "sinkType": "SNOWFLAKE"})
    );
    assert_eq!(mock.requests()[1].json()["name"], "Snowflake");

    let (mock, client) = with_output("BIGQUERY", "bq");
    mock.on("PUT", "/plumbing/nodes/bq", 200, "{}");
    client
        .set_bigquery_config(BigQueryConfig::new("proj", "ds"))
        .await
        .unwrap();
    assert_eq!(
        mock.requests()[1].json(),
        json!({"configuration": {"projectName": "proj", "datasetName": "ds", "skipValidation": false,
               "sinkType": "BIGQUERY"}, "category": "OUTPUT", "id": "bq", "name": "BigQuery",
               "type": "BIGQUERY", "deleted": false})
    );
}

#[tokio::test]
async fn set_output_with_a_name_and_a_custom_config() {
    let (mock, client) = with_output("REDSHIFT", "o");
    mock.on("PUT", "/plumbing/nodes/o", 200, "");
    let raw = json!({"sinkType": "REDSHIFT", "hostname": "h", "skipValidation": "true"});
    let config = OutputConfig::Custom(raw.as_object().unwrap().clone());
    client.set_output(config, Some("Prod DWH")).await.unwrap();
    let body = mock.requests()[1].json();
    assert_eq!(body["name"], "Prod DWH");
    assert_eq!(
        body["configuration"]["skipValidation"], "true",
        "an explicit value is kept"
    );
}

#[tokio::test]
async fn changing_the_sink_type_is_refused_before_writing() {
    let (mock, client) = with_output("REDSHIFT", "o");
    let err = client
        .set_bigquery_config(BigQueryConfig::new("p", "d"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Build {
                operation: "set_output",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(mock.requests().len(), 1, "only the read happened");
}

#[tokio::test]
async fn get_sink_configs() {
    let mock = MockService::new();
    mock.always(
        "GET",
        STRUCTURE_URI,
        200,
        format!(
            r#"{{"nodes":[{SNOWFLAKE_NODE},{{"id":"bq","name":"BigQuery","type":"BIGQUERY","configuration":{BIGQUERY_CONFIG}}}]}}"#
        ),
    );
    let client = Client::with_service(mock);
    let sf = client.get_snowflake_config().await.unwrap().unwrap();
    assert_eq!(sf.account_name, "<ACCOUNT NAME>");
    assert_eq!(sf.skip_validation.get().map(|v| *v.get()), Some(false));
    let bq = client.get_bigquery_config().await.unwrap().unwrap();
    assert_eq!(bq.dataset_name, "MyBQ");
    assert!(client.get_redshift_config().await.unwrap().is_none());
}

#[tokio::test]
#[allow(deprecated)]
async fn set_output_config_sends_the_reference_keys_with_an_upper_cased_sink_type() {
    let (mock, client) = with_output("MEMSQL", "m");
    mock.on("PUT", "/plumbing/nodes/m", 200, "");
    let config = RedshiftConfig::new("mem.example.com", 3306, "public", "dwh", "loader", "pw");
    client
        .set_output_config(config, "memsql", Some("MemSQL"))
        .await
        .unwrap();
    let put = mock.requests()[1].json();
    assert_eq!(
        put["configuration"],
        json!({"hostname": "mem.example.com", "port": 3306, "schemaName": "public",
            "databaseName": "dwh", "username": "loader", "password": "pw",
            "skipValidation": false, "sinkType": "MEMSQL"})
    );
    assert_eq!(put["name"], "MemSQL");
    // A sink type other than the node's is refused, as set_output does.
    let (mock, client) = with_output("REDSHIFT", "r");
    let config = RedshiftConfig::new("h", 1, "s", "d", "u", "p");
    assert!(client
        .set_output_config(config, "memsql", None)
        .await
        .unwrap_err()
        .is_build());
    assert_eq!(mock.requests().len(), 1);
}
