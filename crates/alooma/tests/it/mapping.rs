//! The client's offline mapping helpers (`discard_field`, `unmap_field`,
//! `map_field`, `find_field_name`, `add_field`, `set_mapping_for_field`,
//! `remove_stats`), including the reference client's defects 4, 5 and 6.
// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]

use alooma::mapping::{FieldPath, MappingError, PathError};
use alooma::mock::MockService;
use alooma::types::{ColumnType, EventType, Field};
use alooma::Client;
use serde_json::{json, Value};

fn client() -> Client<MockService> {
    Client::with_service(MockService::new())
}

/// An event type with a nested field, stats at every level and keys this
/// SDK does not model.
fn orders() -> EventType {
    serde_json::from_value(json!({
        "name": "orders",
        "mappingMode": "STRICT",
        "stats": {"count": 10},
        "origInputLabel": "shop",
        "fields": [
            {"fieldName": "customer", "mapping": null, "stats": {"count": 3},
             "fields": [
                {"fieldName": "email", "fields": [], "stats": {"count": 1},
                 "mapping": {"columnName": "email", "isDiscarded": false, "machineGenerated": true,
                             "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}}},
                {"fieldName": "address", "mapping": null, "fields": [
                    {"fieldName": "zip", "mapping": null, "fields": []}]}]},
            {"fieldName": "total", "fields": [],
             "mapping": {"columnName": "total", "isDiscarded": false,
                         "columnType": {"type": "FLOAT", "nonNull": true}}}
        ]
    }))
    .unwrap()
}

fn value(et: &EventType) -> Value {
    serde_json::to_value(et).unwrap()
}

#[test]
fn discard_field_edits_the_callers_event_type_in_place() {
    // Defect 6: the reference documents a new mapping but edits in place;
    // here the in-place edit is the contract and the result says success.
    let mut et = orders();
    let result: Result<(), MappingError> = client().discard_field(&mut et, "customer.email");
    result.unwrap();
    let v = value(&et);
    assert_eq!(
        v["fields"][0]["fields"][0]["mapping"],
        json!({"columnName": "", "columnType": null, "isDiscarded": true, "machineGenerated": false})
    );
    // Everything else is untouched, unknown keys included.
    assert_eq!(v["origInputLabel"], "shop");
    assert_eq!(v["fields"][1], value(&orders())["fields"][1]);
}

#[test]
fn discard_field_on_a_null_mapping_creates_one() {
    let mut et = orders();
    client()
        .discard_field(&mut et, "customer.address.zip")
        .unwrap();
    assert_eq!(
        value(&et)["fields"][0]["fields"][1]["fields"][0]["mapping"],
        json!({"columnName": "", "columnType": null, "isDiscarded": true,
               "machineGenerated": false, "subFields": null})
    );
}

#[test]
fn map_field_creates_a_new_nested_path() {
    // Defect 4: with `customer` present, the reference recursed without
    // add_if_missing and failed on `customer.address.city`'s missing levels.
    let mut et = orders();
    let field = client()
        .map_field(
            &mut et,
            "customer.billing.city",
            "billing_city",
            ColumnType::new("VARCHAR").with_length(64),
        )
        .unwrap();
    assert_eq!(field.field_name, "city");
    let customer = &value(&et)["fields"][0];
    assert_eq!(customer["fields"].as_array().unwrap().len(), 3);
    assert_eq!(
        customer["fields"][2],
        json!({"fieldName": "billing", "mapping": null, "fields": [
            {"fieldName": "city", "fields": [], "mapping": {
                "columnName": "billing_city", "isDiscarded": false,
                "machineGenerated": false, "subFields": null,
                "columnType": {"type": "VARCHAR", "nonNull": false, "length": 64}}}]})
    );
}

#[test]
fn map_field_remaps_an_existing_field_keeping_unknown_keys() {
    let mut et = orders();
    client()
        .map_field(
            &mut et,
            "customer.email",
            "contact",
            ColumnType::new("VARCHAR")
                .with_length(512)
                .with_non_null(true),
        )
        .unwrap();
    assert_eq!(
        value(&et)["fields"][0]["fields"][0]["mapping"],
        json!({"columnName": "contact", "isDiscarded": false, "machineGenerated": false,
               "columnType": {"type": "VARCHAR", "nonNull": true, "length": 512}})
    );
}

#[test]
fn unmap_field_removes_a_nested_field() {
    // Defect 5: the reference only removed top-level fields.
    let mut et = orders();
    let removed = client()
        .unmap_field(&mut et, "customer.address.zip")
        .unwrap();
    assert_eq!(removed.field_name, "zip");
    assert_eq!(
        value(&et)["fields"][0]["fields"][1],
        json!({"fieldName": "address", "mapping": null, "fields": []})
    );
    // A top-level field works too.
    let removed = client().unmap_field(&mut et, "total").unwrap();
    assert_eq!(removed.field_name, "total");
    assert_eq!(et.fields().len(), 1);
}

#[test]
fn failed_edits_leave_the_event_type_unchanged() {
    let mut et = orders();
    let before = value(&et);
    let c = client();
    let err = c.unmap_field(&mut et, "customer.phone").unwrap_err();
    assert_eq!(err.deepest_match().unwrap().to_string(), "customer");
    assert!(matches!(
        c.discard_field(&mut et, "nope.x"),
        Err(MappingError::NotFound { matched: 0, .. })
    ));
    assert!(matches!(
        c.find_field_name(&mut et, "customer..email", true),
        Err(MappingError::Path(PathError::EmptySegment { index: 1 }))
    ));
    assert!(c.find_field_name(&mut et, "customer.phone", false).is_err());
    assert_eq!(value(&et), before);
}

#[test]
fn find_field_name_walks_and_optionally_adds() {
    let mut et = orders();
    let c = client();
    let path: FieldPath = "customer.email".parse().unwrap();
    let email = c.find_field_name(&mut et, &path, false).unwrap();
    assert_eq!(
        email.mapping.get().unwrap().column_name.as_deref(),
        Some("email")
    );
    let added = c
        .find_field_name(&mut et, "customer.address.geo.lat", true)
        .unwrap();
    assert_eq!(added.field_name, "lat");
    assert!(added.mapping.is_none());
    assert!(c
        .find_field_name(&mut et, String::from("customer.address.geo.lat"), false)
        .is_ok());
}

#[test]
fn field_names_with_dots_are_escaped_in_paths() {
    let mut et = EventType::new("e");
    let c = client();
    c.map_field(&mut et, r"http\.status", "status", ColumnType::new("INT"))
        .unwrap();
    assert_eq!(et.fields()[0].field_name, "http.status");
    c.discard_field(&mut et, FieldPath::from_segments(["http.status"]).unwrap())
        .unwrap();
    assert!(et.fields()[0].mapping.get().unwrap().discarded());
}

#[test]
fn add_field_and_set_mapping_for_field() {
    let c = client();
    let mut et = EventType::new("e");
    let parent = c.add_field(et.fields_mut(), "a");
    let child = c.add_field(parent.children_mut(), "b");
    c.set_mapping_for_field(child, "a_b", ColumnType::new("BOOLEAN").with_non_null(true));
    assert_eq!(
        value(&et)["fields"],
        json!([{"fieldName": "a", "mapping": null, "fields": [
            {"fieldName": "b", "fields": [], "mapping": {"columnName": "a_b", "isDiscarded": false,
                "machineGenerated": false, "subFields": null,
                "columnType": {"type": "BOOLEAN", "nonNull": true}}}]}])
    );
    let mut lone = Field::new("x");
    c.set_mapping_for_field(&mut lone, "x", ColumnType::new("INT"));
    assert_eq!(
        lone.mapping.get().unwrap().column_name.as_deref(),
        Some("x")
    );
}

#[test]
fn remove_stats_strips_every_level() {
    let mut et = orders();
    client().remove_stats(&mut et);
    let text = serde_json::to_string(&et).unwrap();
    assert!(!text.contains("stats"), "{text}");
    assert!(text.contains("origInputLabel"));
}

#[test]
fn helpers_do_no_io() {
    let mock = MockService::new();
    let c = Client::with_service(mock.clone());
    let mut et = orders();
    c.discard_field(&mut et, "total").unwrap();
    c.map_field(&mut et, "a.b", "b", ColumnType::new("INT"))
        .unwrap();
    c.unmap_field(&mut et, "a.b").unwrap();
    c.remove_stats(&mut et);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn round_trip_get_edit_set() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/event-types/web%2Forders",
        200,
        serde_json::to_vec(&orders()).unwrap(),
    )
    .on("POST", "/event-types/web%2Forders/mapping", 200, "");
    let client = Client::with_service(mock.clone());
    let mut et = client.get_mapping("web/orders").await.unwrap();
    client.discard_field(&mut et, "customer.email").unwrap();
    client.unmap_field(&mut et, "customer.address.zip").unwrap();
    client
        .map_field(
            &mut et,
            "meta.source.ip",
            "source_ip",
            ColumnType::new("VARCHAR").with_length(45),
        )
        .unwrap();
    client.set_mapping(&et, "web/orders").await.unwrap();

    let sent = mock.requests()[1].json();
    assert!(
        !sent.to_string().contains("stats"),
        "get_mapping strips stats"
    );
    assert_eq!(sent["origInputLabel"], "shop");
    assert_eq!(
        sent["fields"][0]["fields"][0]["mapping"]["isDiscarded"],
        true
    );
    assert_eq!(sent["fields"][0]["fields"][1]["fields"], json!([]));
    assert_eq!(
        sent["fields"][2],
        json!({"fieldName": "meta", "mapping": null, "fields": [
            {"fieldName": "source", "mapping": null, "fields": [
                {"fieldName": "ip", "fields": [], "mapping": {"columnName": "source_ip",
                 "isDiscarded": false, "machineGenerated": false, "subFields": null,
                 "columnType": {"type": "VARCHAR", "nonNull": false, "length": 45}}}]}]})
    );
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn mapping_errors_convert_into_the_sdk_error_with_question_mark() {
    async fn edit_and_send(
        client: &alooma::Client<alooma::mock::MockService>,
    ) -> Result<(), alooma::Error> {
        let mut et = EventType::new("e");
        alooma::mapping::discard_field(&mut et, &"missing".parse()?)?;
        client.set_mapping(&et, "e").await
    }
    let mock = alooma::mock::MockService::new();
    let client = alooma::Client::with_service(mock.clone());
    let err = edit_and_send(&client).await.unwrap_err();
    assert!(matches!(err, alooma::Error::Offline { .. }), "{err:?}");
    assert_eq!(err.phase(), alooma::ErrorPhase::Build);
    assert!(err.to_string().contains("missing"), "{err}");
    assert!(mock.requests().is_empty(), "nothing was sent");
}
