//! Event types and mappings end to end, including names that need
//! percent-encoding.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{EventType, MappingMode};
use alooma::Error;
use alooma_tests::{client, count, start};
use serde_json::json;

/// The emulator's stored event type, as JSON.
fn stored(emu: &alooma_emulator::Emulator, name: &str) -> Option<serde_json::Value> {
    emu.with_state(|s| {
        s.event_types
            .get(name)
            .map(|et| serde_json::to_value(et).unwrap())
    })
}

#[tokio::test]
async fn get_event_types_lists_every_type() {
    let emu = start().await;
    let c = client(&emu);
    let mut names: Vec<String> = c
        .get_event_types()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Account", "checkout", "orders", "page_view", "partner/feed"]
    );
}

#[tokio::test]
async fn get_event_type_reads_fields_and_stats() {
    let emu = start().await;
    let c = client(&emu);
    let et = c.get_event_type("page_view").await.unwrap();
    assert_eq!(et.name, "page_view");
    let names: Vec<&str> = et.fields().iter().map(|f| f.field_name.as_str()).collect();
    assert_eq!(names, ["url", "referrer", "user", "timestamp"]);
    // get_event_type keeps stats (get_mapping removes them).
    assert!(et.stats().and_then(|s| s.count()).is_some());
    let err = c.get_event_type("nope").await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { .. } | Error::Api { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn get_mapping_removes_stats_at_every_depth() {
    let emu = start().await;
    let c = client(&emu);
    let mapping = c.get_mapping("page_view").await.unwrap();
    let text = serde_json::to_string(&mapping).unwrap();
    assert!(!text.contains("\"stats\""), "{text}");
    assert_eq!(
        mapping.fields()[2].children()[2].children()[0].field_name,
        "country"
    );
    // Only one request: GET event-types/page_view.
    assert_eq!(count(&emu, "GET", "event-types/page_view"), 1);
}

#[tokio::test]
async fn set_mapping_stores_the_mapping() {
    let emu = start().await;
    let c = client(&emu);
    let mut mapping = c.get_mapping("orders").await.unwrap();
    mapping.mapping_mode = alooma_types::Maybe::Value(MappingMode::Flexible);
    c.set_mapping(&mapping, "orders").await.unwrap();
    let back = c.get_mapping("orders").await.unwrap();
    assert_eq!(
        back.mapping_mode,
        alooma_types::Maybe::Value(MappingMode::Flexible)
    );
    assert_eq!(back.fields(), mapping.fields());
    assert_eq!(stored(&emu, "orders").unwrap()["mappingMode"], "FLEXIBLE");
    assert_eq!(count(&emu, "POST", "event-types/orders/mapping"), 1);
}

#[tokio::test]
async fn discard_event_type_marks_it_discarded() {
    let emu = start().await;
    let c = client(&emu);
    c.discard_event_type("checkout").await.unwrap();
    let et = c.get_event_type("checkout").await.unwrap();
    let mapping = et.mapping.clone().into_option().unwrap();
    assert!(mapping.discarded());
    assert_eq!(mapping.table_name.as_deref(), Some(""));
    assert!(et.fields().is_empty());
    assert_eq!(
        et.mapping_mode,
        alooma_types::Maybe::Value(MappingMode::Strict)
    );
}

#[tokio::test]
async fn delete_event_type_removes_it() {
    let emu = start().await;
    let c = client(&emu);
    c.delete_event_type("Account").await.unwrap();
    assert!(stored(&emu, "Account").is_none());
    assert!(!c
        .get_event_types()
        .await
        .unwrap()
        .iter()
        .any(|e| e.name == "Account"));
    assert!(c.delete_event_type("Account").await.is_err());
}

#[tokio::test]
async fn delete_all_event_types_empties_the_list() {
    let emu = start().await;
    let c = client(&emu);
    let report = c.delete_all_event_types().await.unwrap();
    assert!(report.is_success(), "{report}");
    assert_eq!(report.len(), 5);
    assert!(c.get_event_types().await.unwrap().is_empty());
    assert!(emu.with_state(|s| s.event_types.is_empty()));
    // "partner/feed" was deleted through an encoded path.
    assert_eq!(count(&emu, "DELETE", "event-types/partner%2Ffeed"), 1);
}

#[tokio::test]
async fn mapping_mode_round_trips() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_mapping_mode().await.unwrap(), MappingMode::AutoMap);
    c.set_mapping_mode(MappingMode::Strict).await.unwrap();
    assert_eq!(c.get_mapping_mode().await.unwrap(), MappingMode::Strict);
    assert_eq!(
        emu.with_state(|s| serde_json::to_value(s.mapping_mode).unwrap()),
        "STRICT"
    );
    c.set_mapping_mode(MappingMode::Flexible).await.unwrap();
    assert_eq!(c.get_mapping_mode().await.unwrap(), MappingMode::Flexible);
}

#[tokio::test]
async fn event_type_names_needing_encoding_round_trip() {
    let emu = start().await;
    let c = client(&emu);
    let name = "web/clicks? été #1";
    let mut et = EventType::new(name);
    et.extra.insert("origInputLabel".into(), json!("web"));
    c.set_mapping(&et, name).await.unwrap();
    // The emulator decodes each segment once: it stored exactly this name.
    assert!(stored(&emu, name).is_some());
    let back = c.get_event_type(name).await.unwrap();
    assert_eq!(back.name, name);
    let mapping = c.get_mapping(name).await.unwrap();
    assert_eq!(mapping.name, name);
    assert!(c
        .get_event_types()
        .await
        .unwrap()
        .iter()
        .any(|e| e.name == name));
    c.discard_event_type(name).await.unwrap();
    assert_eq!(stored(&emu, name).unwrap()["state"], "DISCARDED");
    c.delete_event_type(name).await.unwrap();
    assert!(stored(&emu, name).is_none());
    // Every request used one encoded segment for the name.
    let encoded = "web%2Fclicks%3F%20%C3%A9t%C3%A9%20%231";
    assert_eq!(
        count(&emu, "POST", &format!("event-types/{encoded}/mapping")),
        2
    );
    assert_eq!(count(&emu, "GET", &format!("event-types/{encoded}")), 2);
    assert_eq!(count(&emu, "DELETE", &format!("event-types/{encoded}")), 1);
}

#[tokio::test]
async fn auto_map_event_type_maps_the_unmapped_fields() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("orders").await.unwrap();
    c.add_field(et.fields_mut(), "coupon");
    c.set_mapping(&et, "orders").await.unwrap();
    let answer = c.auto_map_event_type("orders").await.unwrap().unwrap();
    assert_eq!(answer["name"], "orders");
    let back = c.get_mapping("orders").await.unwrap();
    let coupon = back
        .fields()
        .iter()
        .find(|f| f.field_name == "coupon")
        .unwrap();
    let m = coupon.field_mapping().unwrap();
    assert!(m.is_machine_generated());
    assert_eq!(m.column_name.as_deref(), Some("coupon"));
    assert!(c
        .auto_map_event_type("missing")
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn clear_event_type_stats_resets_the_counters() {
    let emu = start().await;
    let c = client(&emu);
    emu.with_state_mut(|s| {
        s.event_types
            .get_mut("orders")
            .unwrap()
            .rest
            .insert("stats".into(), json!({"count": 12, "lastSeen": "x"}));
    });
    c.clear_event_type_stats("orders").await.unwrap();
    let et = c.get_event_type("orders").await.unwrap();
    assert!(et.stats.is_null());
    assert_eq!(count(&emu, "DELETE", "event-types/orders/clear-stats"), 1);
}
