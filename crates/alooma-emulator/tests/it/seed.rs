//! Seeds: the demo seed, custom fixtures, invalid fixtures; `serve`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use alooma_emulator::{serve_with, Emulator, EmulatorConfig, EmulatorError, Seed};
use serde_json::json;

#[test]
fn the_embedded_demo_seed_parses() {
    let seed = Seed::from_json(Seed::demo_json()).unwrap();
    let dbg = format!("{seed:?}");
    assert!(dbg.contains("event_types: 5"), "{dbg}");
    assert!(!dbg.contains("s3cr3t"));
}

#[tokio::test]
async fn demo_seed_is_realistic() {
    let emu = Emulator::start().await.unwrap();
    emu.with_state(|s| {
        assert_eq!(s.input_meta.len(), 3);
        assert!((3..=5).contains(&s.event_types.len()));
        assert!(s.modules.contains_key("main"));
        assert!(s.tables.len() >= 4);
        assert!(s.schemas.len() >= 2);
        assert!(!s.samples.is_empty());
        assert!(!s.queries.is_empty());
        assert!(!s.notifications.is_empty());
        assert!(!s.users.is_empty());
        assert!(s
            .nodes
            .iter()
            .any(|n| n.node_type == "REDSHIFT" && n.category == "OUTPUT"));
    });
}

#[tokio::test]
async fn custom_seed_and_system_nodes() {
    let seed = Seed::from_json(
        &json!({
            "nodes": [{"id": "in-1", "name": "clicks", "type": "RESTAPI", "category": "INPUT"}],
            "event_types": [{"name": "clicks", "fields": [], "mapping": {"isDiscarded": false, "tableName": "clicks"}}],
            "mapping_mode": "STRICT",
            "modules": {"main": "def transform(event):\n\treturn event"},
            "secrets": {"k": "v"},
            "tables": [{"schema": "s1", "tableName": "t1", "columns": []}],
            "schemas": [{"schemaName": "s1", "default": true}],
            "queries": [{"configuration": {"event_type": "clicks"}, "status": "active", "error_message": ""}],
            "samples": [{"eventType": "clicks", "status": "VALID", "sample": {"a": 1}}]
        })
        .to_string(),
    )
    .unwrap();
    let emu = Emulator::builder().seed(seed).start().await.unwrap();
    let inputs = get_ok(&emu, "inputs").await;
    assert_eq!(inputs["in-1"]["deleted"], false);
    assert_eq!(get_ok(&emu, "mapping-mode").await, json!("STRICT"));
    let nodes = get_ok(&emu, "plumbing/").await;
    for t in ["TRANSFORMER", "RESTREAM", "MAPPER"] {
        assert!(
            nodes["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["type"] == t),
            "{t}"
        );
    }
    // No output node in this seed.
    assert_eq!(get_ok(&emu, "plumbing/outputs").await, json!([]));
    assert_eq!(get_ok(&emu, "tables").await[0]["tableName"], "t1");
    let q = get_ok(&emu, "v2/consolidation").await;
    let id = q[0]["id"].as_u64().unwrap();
    assert_eq!(
        get_ok(&emu, "consolidation").await[id.to_string()]["status"],
        "active"
    );
}

#[tokio::test]
async fn invalid_seeds_are_refused() {
    assert!(matches!(Seed::from_json("{"), Err(EmulatorError::Seed(_))));
    assert!(matches!(
        Seed::from_json(r#"{"nodez": []}"#),
        Err(EmulatorError::Seed(_))
    ));
    assert!(Seed::from_json(r#"{"secrets": {"a": 1}}"#).is_err());
    // A record that does not fit its type is refused when the seed is
    // read, naming where.
    for (bad, at) in [
        (r#"{"nodes": [{"id": "x", "name": "y"}]}"#, "nodes[0]"),
        (r#"{"nodes": [7]}"#, "nodes[0]"),
        (r#"{"event_types": [{"fields": []}]}"#, "event_types[0]"),
        (
            r#"{"event_types": [{"name": "a", "fields": 3}]}"#,
            "event_types[0].fields",
        ),
        (r#"{"mapping_mode": "LOOSE"}"#, "mapping_mode"),
        (r#"{"queries": [{"id": "q"}]}"#, "queries[0]"),
        (r#"{"schemas": [{"name": "x"}]}"#, "schemas[0]"),
    ] {
        match Seed::from_json(bad) {
            Err(EmulatorError::Seed(message)) => {
                assert!(message.contains(at), "{bad}: {message}")
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // Two nodes with one id are refused when an emulator starts, naming it.
    let twice = r#"{"nodes": [
        {"id": "n-1", "name": "a", "type": "S3", "category": "INPUT"},
        {"id": "n-1", "name": "b", "type": "S3", "category": "INPUT"}]}"#;
    let err = Emulator::builder()
        .seed(Seed::from_json(twice).unwrap())
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("n-1"), "{err}");
    let err = Emulator::builder().account("").start().await.unwrap_err();
    assert!(matches!(err, EmulatorError::Config(_)));
    assert!(matches!(
        Seed::from_file("/nonexistent/seed.json"),
        Err(EmulatorError::SeedFile { .. })
    ));
}

#[tokio::test]
async fn serve_runs_until_the_shutdown_future() {
    let mut config = EmulatorConfig::default();
    config.account = "served".into();
    let dbg = format!("{config:?}");
    assert!(!dbg.contains("emulator-api-key") && !dbg.contains("emulator-password"));
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<String>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(
        config,
        async {
            let _ = stop_rx.await;
        },
        move |emu| {
            let _ = ready_tx.send(emu.base_url().to_owned());
        },
    ));
    let base = ready_rx.await.unwrap();
    let addr = base.strip_prefix("http://").unwrap().to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await;
    assert!(stream.is_ok());
    drop(stream);
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err());
}
