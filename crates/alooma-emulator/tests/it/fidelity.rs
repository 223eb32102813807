//! Where the emulator behaves as the service did, as real users' scripts
//! showed it (shapes of the v2 queries, metrics windows, notifications'
//! `from`, the endpoints real code called, seeds, values stored as sent).

use crate::common::{call, get_ok, ok};
use alooma_emulator::{Emulator, Seed};
use http::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn v2_queries_carry_their_keys_at_the_top_level_and_keep_the_query_type() {
    let emu = Emulator::start().await.unwrap();
    let q = ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "orders", "query_type": "incremental", "frequency": 4})),
    )
    .await;
    for key in [
        "id",
        "event_type",
        "query_type",
        "schedule",
        "is_active",
        "consolidation_query",
        // The scheduler's keys, which real tools read.
        "is_running",
        "start_time",
        "name",
        "next_run_time",
        "last_run_start_time",
        "last_run_end_time",
        "last_run_return_code",
        "time_limit",
        "service_type",
        "docker_img",
        "docker_tag",
        "docker_cmd",
        "enqueue_time",
        "generated_by",
    ] {
        assert!(q.get(key).is_some(), "{key} missing from {q}");
    }
    assert_eq!(q["is_running"], false);
    assert_eq!(q["last_run_return_code"], Value::Null, "never ran");
    assert_eq!(q["next_run_time"], q["next_processing_time"]);
    let id = q["id"].to_string();
    let ran = ok(
        &emu,
        Method::POST,
        &format!("v2/consolidation/{id}/run"),
        None,
    )
    .await;
    assert_eq!(ran["last_run_return_code"], 0);
    assert!(ran["last_run_start_time"].is_string() && ran["enqueue_time"].is_string());
    assert_eq!(ran["next_run_time"], ran["next_processing_time"]);
    assert_eq!(q["event_type"], "orders");
    assert_eq!(
        q["query_type"], "incremental",
        "a client's query type is kept"
    );
    assert_eq!(q["is_active"], true);
    assert_eq!(q["schedule"], "0 */4 * * *");
    assert_eq!(
        q["configuration"]["event_type"], "orders",
        "the v1 form beside it"
    );
    let full = ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "orders", "query_type": "full"})),
    )
    .await;
    assert_eq!(full["query_type"], "full");
    let plain = ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "orders"})),
    )
    .await;
    assert_eq!(plain["query_type"], "default");
    let custom = ok(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(json!({"event_type": "orders", "custom_query": "select 1", "run_at": "0 3 * * *"})),
    )
    .await;
    assert_eq!(custom["query_type"], "custom");
    assert_eq!(custom["schedule"], "0 3 * * *");
    assert_eq!(custom["custom_query"], "select 1");
    // Seeded queries (the v1 form) are answered in the v2 form too.
    let all = get_ok(&emu, "v2/consolidation").await;
    for q in all.as_array().unwrap() {
        assert!(q["event_type"].is_string(), "{q}");
        assert!(q["query_type"].is_string(), "{q}");
    }
}

#[tokio::test]
async fn consolidation_listings_filter_on_event_type() {
    let emu = Emulator::start().await.unwrap();
    let v2 = get_ok(&emu, "v2/consolidation?event_type=orders").await;
    let v2 = v2.as_array().unwrap();
    assert!(!v2.is_empty());
    assert!(v2.iter().all(|q| q["event_type"] == "orders"));
    let all = get_ok(&emu, "v2/consolidation").await;
    assert!(all.as_array().unwrap().len() > v2.len());
    let v1 = get_ok(&emu, "consolidation?event_type=orders").await;
    let v1 = v1.as_object().unwrap();
    assert_eq!(v1.len(), v2.len());
    assert!(v1.values().all(|q| q["event_type"] == "orders"));
    let none = get_ok(&emu, "consolidation?event_type=no-such-type").await;
    assert_eq!(none, json!({}));
}

#[tokio::test]
async fn a_custom_query_frequency_sent_as_text_is_kept_as_sent() {
    let emu = Emulator::start().await.unwrap();
    let q = ok(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(json!({"event_type": "orders", "custom_query": "select 1", "frequency": "6"})),
    )
    .await;
    assert_eq!(q["frequency"], "6");
    assert_eq!(q["schedule"], "0 */6 * * *");
}

#[tokio::test]
async fn notifications_from_is_read_as_seconds_or_milliseconds() {
    let emu = Emulator::start().await.unwrap();
    let published = ok(
        &emu,
        Method::POST,
        "notifications/custom",
        Some(json!({"level": "info", "description": "hello"})),
    )
    .await;
    let ts = published["timestamp"].as_i64().unwrap();
    let count = |v: &Value| {
        v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["description"] == "hello")
            .count()
    };
    // Seconds, as the docs say.
    let secs = get_ok(&emu, &format!("notifications?from={}", ts / 1000 - 1)).await;
    assert_eq!(count(&secs), 1);
    // Milliseconds, as real scripts sent: the same answer.
    let millis = get_ok(&emu, &format!("notifications?from={}", ts - 1000)).await;
    assert_eq!(count(&millis), 1);
    // Either form after the message: nothing.
    let later_ms = get_ok(&emu, &format!("notifications?from={}", ts + 1000)).await;
    assert_eq!(count(&later_ms), 0);
    let later_s = get_ok(&emu, &format!("notifications?from={}", ts / 1000 + 2)).await;
    assert_eq!(count(&later_s), 0);
    call(&emu, Method::GET, "notifications?from=yesterday", None)
        .await
        .assert_error(400);
}

#[tokio::test]
async fn auto_map_maps_the_unmapped_leaves() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::POST,
        "event-types/raw/mapping",
        Some(json!({"name": "raw", "fields": [
            {"fieldName": "user", "fields": [{"fieldName": "id", "fields": []}]},
            {"fieldName": "kept", "fields": [], "mapping": {"columnName": "mine", "columnType": {"type": "INT"}}}
        ]})),
    )
    .await;
    ok(&emu, Method::POST, "event-types/raw/auto-map", None).await;
    let et = get_ok(&emu, "event-types/raw").await;
    assert_eq!(
        et["fields"][0]["fields"][0]["mapping"]["columnName"],
        "user_id"
    );
    assert_eq!(
        et["fields"][1]["mapping"]["columnName"], "mine",
        "a mapped leaf is left alone"
    );
    call(&emu, Method::POST, "event-types/nope/auto-map", None)
        .await
        .assert_error(404);
}

#[tokio::test]
async fn clear_stats_empties_the_counters_of_the_event_type_and_its_fields() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::POST,
        "event-types/counted/mapping",
        Some(json!({"name": "counted", "stats": {"count": 10},
            "fields": [{"fieldName": "a", "fields": [], "stats": {"count": 10}}]})),
    )
    .await;
    // The service answered 204 No Content; tools check for exactly that.
    let cleared = call(
        &emu,
        Method::DELETE,
        "event-types/counted/clear-stats",
        None,
    )
    .await;
    assert_eq!(cleared.status, 204);
    let et = get_ok(&emu, "event-types/counted").await;
    assert_eq!(et["stats"], Value::Null);
    assert_eq!(et["fields"][0]["stats"], Value::Null);
}

#[tokio::test]
async fn a_table_created_in_a_schema_keeps_its_values_as_sent() {
    let emu = Emulator::start().await.unwrap();
    let columns = json!([
        {"columnName": "id", "columnType": {"type": "INT", "nonNull": true}, "distKey": true},
        {"columnName": "name", "columnType": {"type": "VARCHAR", "length": "256", "truncate": "false"}}
    ]);
    ok(
        &emu,
        Method::POST,
        "tables/analytics/people",
        Some(columns.clone()),
    )
    .await;
    let t = get_ok(&emu, "tables/analytics/people").await;
    assert_eq!(t["schema"], "analytics");
    assert_eq!(t["columns"], columns, "stored and answered as sent");
    assert_eq!(t["columns"][1]["columnType"]["length"], "256");
}

#[tokio::test]
async fn a_seed_with_a_node_id_used_twice_is_refused_naming_it() {
    let seed = Seed::from_json(
        r#"{"nodes": [
            {"id": "in-1", "name": "a", "type": "MYSQL", "category": "INPUT"},
            {"id": "in-1", "name": "b", "type": "MYSQL", "category": "INPUT"}]}"#,
    )
    .unwrap();
    let err = Emulator::builder().seed(seed).start().await.unwrap_err();
    assert!(err.to_string().contains("\"in-1\""), "{err}");
}

#[tokio::test]
async fn a_seed_whose_inputs_list_disagrees_with_the_structure_is_refused_naming_the_id() {
    let nodes = r#""nodes": [{"id": "in-1", "name": "orders", "type": "MYSQL", "category": "INPUT"},
        {"id": "out-1", "name": "Redshift", "type": "REDSHIFT", "category": "OUTPUT"}]"#;
    for (inputs, why) in [
        (r#"[{"id": "in-9"}]"#, "no node"),
        (r#"[{"id": "in-1", "name": "orderz"}]"#, "named"),
        (r#"[{"id": "in-1", "type": "POSTGRESQL"}]"#, "of type"),
        (r#"[{"id": "out-1"}]"#, "not an input"),
        (r#"[{"id": "in-1"}, {"id": "in-1"}]"#, "twice"),
    ] {
        let seed = Seed::from_json(&format!("{{{nodes}, \"inputs\": {inputs}}}")).unwrap();
        let err = Emulator::builder()
            .seed(seed)
            .start()
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("disagree") && err.contains(why),
            "{inputs}: {err}"
        );
        assert!(
            err.contains("\"in-") || err.contains("\"out-"),
            "names the id: {err}"
        );
    }
    // An inputs list that agrees gives its bookkeeping.
    let seed = Seed::from_json(&format!(
        "{{{nodes}, \"inputs\": [{{\"id\": \"in-1\", \"name\": \"orders\", \"sleep_time\": 15, \"paused\": true}}]}}"
    ))
    .unwrap();
    let emu = Emulator::builder().seed(seed).start().await.unwrap();
    assert_eq!(
        get_ok(&emu, "inputSleepTime/in-1").await["inputSleepTime"],
        15.0
    );
    assert_eq!(get_ok(&emu, "inputs/in-1").await["job"]["paused"], true);
}
