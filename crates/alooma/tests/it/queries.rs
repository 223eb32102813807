//! Client methods of the scheduled-queries area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::types::{QueryConfiguration, Schedule};
use alooma::{Client, Error};
use serde_json::json;

const QUERIES: &str =
    include_str!("../../../alooma-types/tests/fixtures/scheduled_queries/get_queries.json");

#[tokio::test]
async fn get_queries_in_both_shapes_and_in_error_state() {
    let mock = MockService::new();
    mock.on("GET", "/v2/consolidation", 200, QUERIES).on(
        "GET",
        "/v2/consolidation",
        200,
        r#"[{"state_id":"1","error_message":""},{"state_id":"2","error_message":"boom"}]"#,
    );
    let client = Client::with_service(mock.clone());
    let all = client.get_queries().await.unwrap();
    assert!(all.get("1234").is_some());
    let failed = client.get_queries_in_error_state().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed.queries().next().unwrap().error(), Some("boom"));
}

#[tokio::test]
async fn get_query_by_event_type() {
    let mock = MockService::new();
    let one: serde_json::Value = serde_json::from_str(QUERIES).unwrap();
    mock.on(
        "GET",
        "/v2/consolidation?event_type=orders%2Fv2",
        200,
        format!("[{}]", one["1234"]),
    )
    .on("GET", "/v2/consolidation?event_type=none", 200, "[]");
    let client = Client::with_service(mock.clone());
    let q = client.get_query_by_event_type("orders/v2").await.unwrap();
    assert_eq!(q.state_id.as_deref(), Some("1234"));
    let err = client.get_query_by_event_type("none").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

#[tokio::test]
#[allow(deprecated)]
async fn get_scheduled_queries_and_error_state() {
    let mock = MockService::new();
    let body = r#"{"1":{"status":"active"},"2":{"status":"failed"},"3":{"status":"done"}}"#;
    mock.always("GET", "/consolidation", 200, body);
    let client = Client::with_service(mock.clone());
    assert_eq!(client.get_scheduled_queries().await.unwrap().len(), 3);
    let failed = client.get_scheduled_queries_in_error_state().await.unwrap();
    assert_eq!(
        serde_json::to_value(&failed).unwrap(),
        json!({"2": {"status": "failed"}})
    );
}

#[tokio::test]
async fn schedule_default_query_merges_custom_variables() {
    let mock = MockService::new();
    mock.on(
        "POST",
        "/v2/consolidation",
        200,
        r#"{"state_id":"9","status":"active"}"#,
    );
    let client = Client::with_service(mock.clone());
    let config = QueryConfiguration::new("orders").frequency(8);
    let vars = json!({"webhook": "w"}).as_object().unwrap().clone();
    let q = client
        .schedule_default_query(&config, Some(vars))
        .await
        .unwrap();
    assert_eq!(q.id().as_deref(), Some("9"));
    assert_eq!(
        mock.requests()[0].json(),
        json!({"event_type": "orders", "frequency": 8, "custom_variables": {"webhook": "w"}})
    );
    assert!(config.custom_variables.is_absent());
}

#[tokio::test]
async fn schedule_query_with_frequency_or_cron() {
    let mock = MockService::new();
    mock.always("POST", "/v2/consolidation/custom", 200, "");
    let client = Client::with_service(mock.clone());
    client
        .schedule_query("orders", "select 1;", Schedule::Every { hours: 6 })
        .await
        .unwrap();
    client
        .schedule_query("orders", "select 1;", Schedule::Cron("0 3 * * *".into()))
        .await
        .unwrap();
    let err = client
        .schedule_query("orders", "select 1;", Schedule::Cron(String::new()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }));
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].json(),
        json!({"custom_query": "select 1;", "event_type": "orders", "avoid_duplicates": false, "frequency": 6})
    );
    assert_eq!(
        reqs[1].json(),
        json!({"custom_query": "select 1;", "event_type": "orders", "avoid_duplicates": false, "run_at": "0 3 * * *"})
    );
}

#[tokio::test]
async fn remove_scheduled_query_and_run_query() {
    let mock = MockService::new();
    mock.on("DELETE", "/v2/consolidation/12%2F34", 200, "")
        .on("POST", "/v2/consolidation/1234/run", 200, "")
        .on("POST", "/v2/consolidation/1234/run", 500, "failed");
    let client = Client::with_service(mock.clone());
    client.remove_scheduled_query("12/34").await.unwrap();
    client.run_query("1234").await.unwrap();
    assert!(matches!(
        client.run_query("1234").await,
        Err(Error::Api { .. })
    ));
}
