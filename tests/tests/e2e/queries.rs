//! Scheduled (consolidation) queries end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{QueryConfiguration, Schedule};
use alooma::Error;
use alooma_tests::{client, count, requests_to, start};
use serde_json::json;

/// The emulator's stored query with this id.
fn stored(emu: &alooma_emulator::Emulator, id: u64) -> Option<serde_json::Value> {
    emu.with_state(|s| {
        s.queries
            .iter()
            .find(|q| q.id == id)
            .map(|q| serde_json::to_value(q).unwrap())
    })
}

#[tokio::test]
async fn get_queries_lists_v2_queries() {
    let emu = start().await;
    let c = client(&emu);
    let queries = c.get_queries().await.unwrap();
    assert_eq!(queries.len(), 2);
    let ids: Vec<Option<String>> = queries.iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [Some("1".to_owned()), Some("2".to_owned())]);
    assert_eq!(count(&emu, "GET", "v2/consolidation"), 1);
}

#[tokio::test]
async fn get_query_by_event_type_finds_exactly_one() {
    let emu = start().await;
    let c = client(&emu);
    let q = c.get_query_by_event_type("orders").await.unwrap();
    assert_eq!(
        q.configuration.get().unwrap().event_type.as_deref(),
        Some("orders")
    );
    let none = c.get_query_by_event_type("page_view").await.unwrap_err();
    assert!(matches!(none, Error::NotFound { .. }), "{none:?}");
    // Two queries for one event type is an error too.
    c.schedule_query("orders", "SELECT 2", Schedule::Every { hours: 4 })
        .await
        .unwrap();
    assert!(c.get_query_by_event_type("orders").await.is_err());
    let queries: Vec<_> = requests_to(&emu, "GET", "v2/consolidation")
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(queries[0].as_deref(), Some("event_type=orders"));
}

#[tokio::test]
async fn get_queries_in_error_state_keeps_failed_ones() {
    let emu = start().await;
    let c = client(&emu);
    let failed = c.get_queries_in_error_state().await.unwrap();
    assert_eq!(failed.len(), 1);
    let q = failed.queries().next().unwrap();
    assert!(q.error().unwrap().contains("checkout_log"));
}

#[tokio::test]
#[allow(deprecated)]
async fn get_scheduled_queries_is_keyed_by_id() {
    let emu = start().await;
    let c = client(&emu);
    let all = c.get_scheduled_queries().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.get("1").is_some());
    assert!(all.get("2").is_some());
    assert_eq!(count(&emu, "GET", "consolidation"), 1);
}

#[tokio::test]
async fn get_scheduled_queries_in_error_state_uses_status() {
    let emu = start().await;
    let c = client(&emu);
    let failed = c.get_scheduled_queries_in_error_state().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed.get("2").is_some());
    assert_eq!(count(&emu, "GET", "consolidation"), 1);
}

#[tokio::test]
async fn schedule_default_query_merges_custom_variables() {
    let emu = start().await;
    let c = client(&emu);
    let mut vars = serde_json::Map::new();
    vars.insert("lookback_days".into(), json!(3));
    let q = c
        .schedule_default_query(
            &QueryConfiguration::new("page_view").frequency(6),
            Some(vars),
        )
        .await
        .unwrap();
    let id: u64 = q.id().unwrap().parse().unwrap();
    let stored = stored(&emu, id).unwrap();
    assert_eq!(stored["configuration"]["event_type"], "page_view");
    assert_eq!(stored["configuration"]["query_type"], "default");
    assert_eq!(stored["configuration"]["frequency"], 6);
    assert_eq!(
        stored["configuration"]["custom_variables"]["lookback_days"],
        3
    );
    assert_eq!(c.get_queries().await.unwrap().len(), 3);
}

#[tokio::test]
async fn schedule_query_with_frequency_or_cron() {
    let emu = start().await;
    let c = client(&emu);
    let every = c
        .schedule_query("page_view", "SELECT 1", Schedule::Every { hours: 12 })
        .await
        .unwrap();
    let cron = c
        .schedule_query("checkout", "SELECT 2", Schedule::Cron("0 3 * * *".into()))
        .await
        .unwrap();
    let every = stored(&emu, every["id"].as_u64().unwrap()).unwrap();
    assert_eq!(every["configuration"]["custom_query"], "SELECT 1");
    assert_eq!(every["configuration"]["frequency"], 12);
    assert_eq!(every["configuration"]["avoid_duplicates"], false);
    let cron = stored(&emu, cron["id"].as_u64().unwrap()).unwrap();
    assert_eq!(cron["configuration"]["run_at"], "0 3 * * *");
    assert_eq!(count(&emu, "POST", "v2/consolidation/custom"), 2);
}

#[tokio::test]
async fn run_query_updates_processing_times() {
    let emu = start().await;
    let c = client(&emu);
    let before = stored(&emu, 2).unwrap();
    assert_eq!(before["status"], "failed");
    c.run_query("2").await.unwrap();
    let after = stored(&emu, 2).unwrap();
    assert_eq!(after["status"], "active");
    assert_ne!(
        after["last_processing_time"],
        before["last_processing_time"]
    );
    assert_eq!(count(&emu, "POST", "v2/consolidation/2/run"), 1);
    assert!(c.run_query("999").await.is_err());
}

#[tokio::test]
async fn remove_scheduled_query_deletes_it() {
    let emu = start().await;
    let c = client(&emu);
    c.remove_scheduled_query("1").await.unwrap();
    assert!(stored(&emu, 1).is_none());
    assert_eq!(c.get_queries().await.unwrap().len(), 1);
    assert!(c.remove_scheduled_query("1").await.is_err());
}
