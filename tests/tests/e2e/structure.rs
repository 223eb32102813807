//! System structure and nodes end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, count, requests_to, start, start_empty};

#[tokio::test]
async fn get_structure_lists_every_node() {
    let emu = start().await;
    let c = client(&emu);
    let structure = c.get_structure().await.unwrap();
    let expected = emu.with_state(|s| s.nodes.len());
    assert_eq!(structure.nodes().len(), expected);
    let names: Vec<&str> = structure
        .nodes()
        .iter()
        .map(|n| n.name.as_deref().unwrap())
        .collect();
    assert!(names.contains(&"web_events") && names.contains(&"Redshift"));
    let reqs = requests_to(&emu, "GET", "plumbing/");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].query.as_deref(), Some("resolution=1min"));
}

#[tokio::test]
#[allow(deprecated)]
async fn get_plumbing_is_the_deprecated_alias() {
    let emu = start().await;
    let c = client(&emu);
    let plumbing = c.get_plumbing().await.unwrap();
    assert_eq!(plumbing, c.get_structure().await.unwrap());
    assert_eq!(count(&emu, "GET", "plumbing/"), 2);
}

#[tokio::test]
async fn get_transform_node_id_finds_the_transformer() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(
        c.get_transform_node_id().await.unwrap(),
        "5b1c6d2e-0a41-4f7e-9c11-000000000002"
    );
    // Without a TRANSFORMER node, it is an error.
    emu.with_state_mut(|s| s.nodes.retain(|n| n.node_type != "TRANSFORMER"));
    assert!(c.get_transform_node_id().await.is_err());
}

#[tokio::test]
async fn get_throughput_by_name_reads_live_nodes() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(
        c.get_throughput_by_name("web_events").await.unwrap(),
        [52.4]
    );
    assert!(c
        .get_throughput_by_name("no_such_node")
        .await
        .unwrap()
        .is_empty());
    // Deleted nodes are left out.
    emu.with_state_mut(|s| {
        if let Some(n) = s.node_mut("7f0e2a10-3c55-4b8d-a2f4-0000000000a1") {
            n.deleted = true;
        }
    });
    assert!(c
        .get_throughput_by_name("web_events")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn get_redshift_node_finds_the_output() {
    let emu = start().await;
    let c = client(&emu);
    let node = c.get_redshift_node().await.unwrap().unwrap();
    assert_eq!(node.name, "Redshift");
    assert_eq!(node.node_type, "REDSHIFT");
    let empty = start_empty().await;
    assert!(client(&empty).get_redshift_node().await.unwrap().is_none());
}

#[tokio::test]
async fn get_snowflake_node_is_none_without_snowflake() {
    let emu = start().await;
    let c = client(&emu);
    assert!(c.get_snowflake_node().await.unwrap().is_none());
    let sf = alooma_tests::start_with_output("SNOWFLAKE").await;
    let node = client(&sf).get_snowflake_node().await.unwrap().unwrap();
    assert_eq!(node.node_type, "SNOWFLAKE");
}

#[tokio::test]
async fn get_bigquery_node_is_none_without_bigquery() {
    let emu = start().await;
    let c = client(&emu);
    assert!(c.get_bigquery_node().await.unwrap().is_none());
    let bq = alooma_tests::start_with_output("BIGQUERY").await;
    let node = client(&bq).get_bigquery_node().await.unwrap().unwrap();
    assert_eq!(node.node_type, "BIGQUERY");
}

#[tokio::test]
async fn get_public_ssh_key_needs_no_request() {
    let emu = start().await;
    let c = client(&emu);
    let key = c.get_public_ssh_key();
    assert!(key.starts_with("ssh-rsa "), "{key}");
    assert!(emu.requests().is_empty());
}
