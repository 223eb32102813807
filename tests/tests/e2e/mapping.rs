//! The client's offline mapping helpers, end to end: each edit is made on a
//! mapping read with `get_mapping`, stored with `set_mapping`, and checked
//! by reading it back from the emulator.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::mapping::MappingError;
use alooma::types::{ColumnType, EventType, Field};
use alooma::Client;
use alooma_emulator::Emulator;
use alooma_tests::{client, start};
use serde_json::json;

/// Stores `et` as `name` and reads it back.
async fn store_and_reload(c: &Client, et: &EventType, name: &str) -> EventType {
    c.set_mapping(et, name).await.unwrap();
    c.get_mapping(name).await.unwrap()
}

/// The stored field at a path of names, as JSON.
fn stored_field(emu: &Emulator, event_type: &str, path: &[&str]) -> Option<serde_json::Value> {
    emu.with_state(|s| {
        let et = serde_json::to_value(s.event_types.get(event_type)?).unwrap();
        let mut fields = et["fields"].as_array()?.clone();
        let mut found = None;
        for name in path {
            let f = fields.iter().find(|f| f["fieldName"] == *name)?.clone();
            fields = f["fields"].as_array().cloned().unwrap_or_default();
            found = Some(f);
        }
        found
    })
}

#[tokio::test]
async fn find_field_name_finds_and_adds_nested_fields() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("page_view").await.unwrap();
    let country = c
        .find_field_name(&mut et, "user.geo.country", false)
        .unwrap();
    assert_eq!(
        country.mapping.get().unwrap().column_name.as_deref(),
        Some("user_geo_country")
    );
    let missing = c.find_field_name(&mut et, "user.geo.zip", false);
    assert!(matches!(missing, Err(MappingError::NotFound { .. })));
    // add_if_missing creates every level (defect 4).
    c.find_field_name(&mut et, "device.os.name", true).unwrap();
    let back = store_and_reload(&c, &et, "page_view").await;
    let mut back = back;
    assert!(c
        .find_field_name(&mut back, "device.os.name", false)
        .is_ok());
    assert_eq!(
        stored_field(&emu, "page_view", &["device", "os", "name"]).unwrap()["mapping"],
        json!(null)
    );
}

#[tokio::test]
async fn discard_field_discards_a_nested_field() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("page_view").await.unwrap();
    c.discard_field(&mut et, "user.email").unwrap();
    store_and_reload(&c, &et, "page_view").await;
    let field = stored_field(&emu, "page_view", &["user", "email"]).unwrap();
    assert_eq!(field["mapping"]["isDiscarded"], true);
    assert_eq!(field["mapping"]["columnName"], "");
    assert_eq!(field["mapping"]["columnType"], json!(null));
    // Siblings untouched.
    let id = stored_field(&emu, "page_view", &["user", "id"]).unwrap();
    assert_eq!(id["mapping"]["columnName"], "user_id");
}

#[tokio::test]
async fn unmap_field_removes_a_nested_field() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("checkout").await.unwrap();
    let removed = c.unmap_field(&mut et, "customer.segment").unwrap();
    assert_eq!(removed.field_name, "segment");
    store_and_reload(&c, &et, "checkout").await;
    assert!(stored_field(&emu, "checkout", &["customer", "segment"]).is_none());
    assert!(stored_field(&emu, "checkout", &["customer", "id"]).is_some());
    // Unmapping a missing field is an error and leaves the mapping alone.
    let before = et.clone();
    assert!(c.unmap_field(&mut et, "customer.segment").is_err());
    assert_eq!(et, before);
}

#[tokio::test]
async fn map_field_maps_a_new_nested_path() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("checkout").await.unwrap();
    c.map_field(
        &mut et,
        "customer.address.city",
        "customer_city",
        ColumnType::new("VARCHAR").with_length(64),
    )
    .unwrap();
    store_and_reload(&c, &et, "checkout").await;
    let field = stored_field(&emu, "checkout", &["customer", "address", "city"]).unwrap();
    assert_eq!(
        field["mapping"],
        json!({
            "columnName": "customer_city",
            "columnType": {"type": "VARCHAR", "nonNull": false, "length": 64},
            "isDiscarded": false,
            "machineGenerated": false,
            "subFields": null
        })
    );
}

#[tokio::test]
async fn set_mapping_for_field_maps_one_field() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("orders").await.unwrap();
    let amount = c.find_field_name(&mut et, "amount", false).unwrap();
    c.set_mapping_for_field(
        amount,
        "amount_usd",
        ColumnType::new("FLOAT").with_non_null(true),
    );
    store_and_reload(&c, &et, "orders").await;
    let field = stored_field(&emu, "orders", &["amount"]).unwrap();
    assert_eq!(field["mapping"]["columnName"], "amount_usd");
    assert_eq!(field["mapping"]["columnType"]["type"], "FLOAT");
    assert_eq!(field["mapping"]["columnType"]["nonNull"], true);
    assert_eq!(field["mapping"]["isDiscarded"], false);
}

#[tokio::test]
async fn add_field_appends_unmapped_fields() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_mapping("orders").await.unwrap();
    let coupon = c.add_field(et.fields_mut(), "coupon");
    c.add_field(coupon.children_mut(), "code");
    let back = store_and_reload(&c, &et, "orders").await;
    let coupon: &Field = back
        .fields()
        .iter()
        .find(|f| f.field_name == "coupon")
        .unwrap();
    assert_eq!(coupon.children().len(), 1);
    assert_eq!(coupon.children()[0].field_name, "code");
    assert!(coupon.children()[0].mapping.is_none());
    assert!(stored_field(&emu, "orders", &["coupon", "code"]).is_some());
}

#[tokio::test]
async fn remove_stats_strips_stats_before_set_mapping() {
    let emu = start().await;
    let c = client(&emu);
    let mut et = c.get_event_type("page_view").await.unwrap();
    assert!(serde_json::to_string(&et).unwrap().contains("\"stats\""));
    c.remove_stats(&mut et);
    assert!(!serde_json::to_string(&et).unwrap().contains("\"stats\""));
    c.set_mapping(&et, "page_view").await.unwrap();
    // What the emulator stored has no field stats left.
    let url = stored_field(&emu, "page_view", &["url"]).unwrap();
    assert!(url.get("stats").is_none(), "{url}");
    let geo_city = stored_field(&emu, "page_view", &["user", "geo", "city"]).unwrap();
    assert!(geo_city.get("stats").is_none(), "{geo_city}");
}
