//! Facade tests of the structure area, through `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use alooma::mock::MockService;
use alooma::{Client, Error};

const STRUCTURE_URI: &str = "/plumbing/?resolution=1min";
const REDSHIFT_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_redshift_node.json");

fn structure() -> String {
    format!(
        r#"{{"nodes":[
        {{"id":"t-1","name":"Code Engine","type":"TRANSFORMER","deleted":false,"stats":{{"throughput":12.5,"latency":3}}}},
        {{"id":"m-1","name":"Mapper","type":"MAPPER","deleted":false,"stats":{{"throughput":7,"latency":1}}}},
        {{"id":"m-0","name":"Mapper","type":"MAPPER","deleted":true,"stats":{{"throughput":99,"latency":1}}}},
        {REDSHIFT_NODE}]}}"#
    )
}

fn client() -> (MockService, Client<MockService>) {
    let mock = MockService::new();
    mock.always("GET", STRUCTURE_URI, 200, structure());
    (mock.clone(), Client::with_service(mock))
}

#[tokio::test]
async fn get_structure_and_the_deprecated_alias() {
    let (mock, client) = client();
    let s = client.get_structure().await.unwrap();
    assert_eq!(s.nodes().len(), 4);
    #[allow(deprecated)]
    let p = client.get_plumbing().await.unwrap();
    assert_eq!(p, s);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    for r in reqs {
        assert_eq!(r.method, "GET");
        assert_eq!(r.uri, STRUCTURE_URI);
        assert!(r.body.is_empty());
        assert_eq!(r.operation, Some("get_structure"));
    }
}

#[tokio::test]
async fn get_transform_node_id() {
    let (_, client) = client();
    assert_eq!(client.get_transform_node_id().await.unwrap(), "t-1");
    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 200, r#"{"nodes":[]}"#);
    let err = Client::with_service(mock)
        .get_transform_node_id()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                operation: "get_transform_node_id",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn get_throughput_by_name() {
    let (_, client) = client();
    assert_eq!(
        client.get_throughput_by_name("Mapper").await.unwrap(),
        [7.0]
    );
    assert_eq!(
        client.get_throughput_by_name("Redshift").await.unwrap(),
        [69.9]
    );
}

#[tokio::test]
async fn get_sink_nodes() {
    let (_, client) = client();
    let rs = client.get_redshift_node().await.unwrap().unwrap();
    assert_eq!(
        rs.configuration
            .into_option()
            .unwrap()
            .get("databaseName")
            .unwrap(),
        "<DATABASE>"
    );
    assert!(client.get_snowflake_node().await.unwrap().is_none());
    assert!(client.get_bigquery_node().await.unwrap().is_none());
}

#[tokio::test]
async fn get_public_ssh_key_makes_no_request() {
    let mock = MockService::new();
    let client = Client::with_service(mock.clone());
    let key = client.get_public_ssh_key();
    assert!(key.starts_with("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC+t5OKwGcUGYRdDAC8ov"));
    assert!(key.ends_with(" deploy@alooma.io"));
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn a_failed_structure_call_is_an_error() {
    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 502, "<html>bad gateway</html>");
    let err = Client::with_service(mock)
        .get_structure()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api { .. }) && err.is_retryable(),
        "{err}"
    );
}
