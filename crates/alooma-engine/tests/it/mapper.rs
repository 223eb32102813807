//! The Mapper: event types learned from events, the three modes, names,
//! nesting, discards and conversions (data-path §3).

use alooma_engine::mapper::convert::Cell;
use alooma_engine::mapper::model::{
    ColumnType, EventType, FieldMapping, MappingMode, TableMapping,
};
use alooma_engine::mapper::{Discard, Mapper, Outcome, QueueReason, Row};
use serde_json::{json, Value};

fn event(event_type: &str, body: Value) -> Value {
    let mut e = body;
    e["_metadata"] = json!({
        "event_type": event_type,
        "input_label": "web",
        "@uuid": "7b8f2f8e-0b8f-4d5b-9a51-2f0e2f6d7a10",
        "@timestamp": "2015-10-16T15:26:57.027Z",
        "restream_count": 0
    });
    e
}

fn load(outcome: Outcome) -> Row {
    match outcome {
        Outcome::Load(row) => row,
        other => panic!("not loaded: {other:?}"),
    }
}

fn cell<'r>(row: &'r Row, column: &str) -> &'r Cell {
    &row.columns
        .iter()
        .find(|(c, _)| c == column)
        .unwrap_or_else(|| panic!("no column {column} in {:?}", row.columns))
        .1
}

/// An event type mapped to `public.orders` with `id` BIGINT and
/// `customer.email` VARCHAR(10).
fn orders() -> EventType {
    serde_json::from_value(json!({
        "name": "orders",
        "mapping": {"isDiscarded": false, "schema": "public", "tableName": "orders"},
        "fields": [
            {"fieldName": "id", "fields": [], "mapping": {"columnName": "id", "isDiscarded": false,
                "columnType": {"type": "BIGINT", "nonNull": true}}},
            {"fieldName": "customer", "fields": [
                {"fieldName": "email", "fields": [], "mapping": {"columnName": "customer_email",
                    "isDiscarded": false, "columnType": {"type": "VARCHAR", "length": 10, "truncate": false}}}
            ], "mapping": null}
        ],
        "state": "MAPPED"
    }))
    .unwrap()
}

#[test]
fn auto_map_creates_the_event_type_its_table_and_columns_from_the_first_event() {
    let mut m = Mapper::new(MappingMode::AutoMap);
    let row = load(m.map(&event(
        "Web Clicks",
        json!({"@id": 7, "price": 9.5, "ok": true, "at": "2024-02-29T08:00:00Z",
               "page": {"url": "/a", "/url": "/b"}, "tags": ["x", 1], "none": null}),
    )));
    assert!(row.new_table);
    assert_eq!(row.table, "web_clicks");
    assert_eq!(row.schema, None);
    let types: Vec<(&str, &str)> = row
        .new_columns
        .iter()
        .map(|(c, t)| (c.as_str(), t.type_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "BIGINT"),
            ("price", "FLOAT"),
            ("ok", "BOOLEAN"),
            ("at", "TIMESTAMP"),
            ("page_url", "VARCHAR"),
            ("page__url", "VARCHAR"),
            ("tags", "VARCHAR"),
            ("_metadata_event_type", "VARCHAR"),
            ("_metadata_input_label", "VARCHAR"),
            ("_metadata__uuid", "VARCHAR"),
            ("_metadata__timestamp", "TIMESTAMP"),
            ("_metadata_restream_count", "BIGINT"),
        ]
    );
    assert_eq!(cell(&row, "tags"), &Cell::Text(r#"["x",1]"#.into()));
    assert_eq!(cell(&row, "id"), &Cell::Int(7));
    // A null neither maps a field nor loads.
    assert!(row.columns.iter().all(|(c, _)| c != "none"));
    let et = &m.event_types["Web Clicks"];
    assert!(et
        .field(&["none".into()])
        .is_some_and(|f| f.mapping.is_none()));
    assert_eq!(
        et.field(&["page".into(), "url".into()])
            .unwrap()
            .mapping
            .as_ref()
            .unwrap()
            .machine_generated,
        Some(true)
    );

    // The next event reuses the columns and adds only what is new.
    let row = load(m.map(&event(
        "Web Clicks",
        json!({"@id": 8, "none": "now", "extra": 1}),
    )));
    assert!(!row.new_table);
    let added: Vec<&str> = row.new_columns.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(added, ["none", "extra"]);
}

#[test]
fn a_name_taken_gets_a_suffix() {
    let mut m = Mapper::new(MappingMode::AutoMap);
    let row = load(m.map(&event("t", json!({"test": 1, "@test": 2, "/test": 3}))));
    let names: Vec<&str> = row.new_columns.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(&names[..3], ["test", "test_1", "test_2"]);
}

#[test]
fn strict_queues_an_event_with_an_unmapped_value_and_lets_metadata_and_nulls_pass() {
    let mut m = Mapper::new(MappingMode::Strict);
    m.event_types.insert("orders".into(), orders());
    let row = load(m.map(&event(
        "orders",
        json!({"id": 1, "customer": {"email": "a@b.c"}, "note": null}),
    )));
    assert_eq!(row.schema.as_deref(), Some("public"));
    assert_eq!(
        row.columns,
        [
            ("id".into(), Cell::Int(1)),
            ("customer_email".into(), Cell::Text("a@b.c".into()))
        ]
    );
    match m.map(&event(
        "orders",
        json!({"id": 2, "coupon": "X", "customer": {"phone": 5}}),
    )) {
        Outcome::Queued(QueueReason::Unmapped { event_type, fields }) => {
            assert_eq!(event_type, "orders");
            assert_eq!(fields, ["customer.phone", "coupon"]);
        }
        other => panic!("{other:?}"),
    }
    // The event type learned the new fields, unmapped.
    let et = &m.event_types["orders"];
    assert!(et
        .field(&["coupon".into()])
        .is_some_and(|f| f.mapping.is_none()));
    // Fixed by mapping the field: the same event loads.
    let coupon = m
        .event_types
        .get_mut("orders")
        .unwrap()
        .fields
        .iter_mut()
        .find(|f| f.field_name == "coupon")
        .unwrap();
    coupon.mapping = Some(FieldMapping {
        column_name: "coupon".into(),
        column_type: Some(ColumnType::varchar(8)),
        ..FieldMapping::default()
    });
    let phone = m.event_types.get_mut("orders").unwrap().fields[1]
        .fields
        .iter_mut()
        .find(|f| f.field_name == "phone")
        .unwrap();
    phone.mapping = Some(FieldMapping {
        is_discarded: true,
        ..FieldMapping::default()
    });
    let row = load(m.map(&event(
        "orders",
        json!({"id": 2, "coupon": "X", "customer": {"phone": 5}}),
    )));
    assert_eq!(cell(&row, "coupon"), &Cell::Text("X".into()));
    assert!(row.columns.iter().all(|(c, _)| c != "customer_phone"));
}

#[test]
fn flexible_drops_unmapped_fields_and_the_event_types_own_mode_wins() {
    let mut m = Mapper::new(MappingMode::Strict);
    let mut et = orders();
    et.mode = Some(MappingMode::Flexible);
    m.event_types.insert("orders".into(), et);
    let row = load(m.map(&event("orders", json!({"id": 3, "coupon": "X"}))));
    assert_eq!(row.columns, [("id".into(), Cell::Int(3))]);
}

#[test]
fn a_discarded_event_type_drops_its_events_without_queueing() {
    let mut m = Mapper::new(MappingMode::AutoMap);
    let mut et = EventType::new("debug");
    et.mapping = Some(TableMapping {
        is_discarded: true,
        ..TableMapping::default()
    });
    m.event_types.insert("debug".into(), et);
    assert_eq!(
        m.map(&event("debug", json!({"x": 1}))),
        Outcome::Discarded(Discard::EventType("debug".into()))
    );
}

#[test]
fn conversions_truncate_refuse_and_respect_not_null() {
    let mut m = Mapper::new(MappingMode::Strict);
    m.event_types.insert("orders".into(), orders());
    match m.map(&event("orders", json!({"id": "seven"}))) {
        Outcome::Queued(QueueReason::Conversion {
            field,
            column,
            message,
        }) => {
            assert_eq!((field.as_str(), column.as_str()), ("id", "id"));
            assert_eq!(message, r#""seven" is not a BIGINT"#);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        m.map(&event("orders", json!({"id": null}))),
        Outcome::Queued(QueueReason::Conversion { .. })
    ));
    // A NOT NULL column whose field is absent gets null: refused too.
    match m.map(&event("orders", json!({"customer": {"email": "a@b.c"}}))) {
        Outcome::Queued(QueueReason::Conversion { field, message, .. }) => {
            assert_eq!(field, "id");
            assert!(message.contains("NOT NULL"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let long = json!({"id": "9", "customer": {"email": "someone@example.com"}});
    assert!(matches!(
        m.map(&event("orders", long.clone())),
        Outcome::Queued(QueueReason::Conversion { .. })
    ));
    let email = &mut m.event_types.get_mut("orders").unwrap().fields[1].fields[0];
    email
        .mapping
        .as_mut()
        .unwrap()
        .column_type
        .as_mut()
        .unwrap()
        .truncate = Some(json!("true"));
    let row = load(m.map(&event("orders", long)));
    assert_eq!(cell(&row, "id"), &Cell::Int(9));
    assert_eq!(
        cell(&row, "customer_email"),
        &Cell::Text("someone@ex".into())
    );
}

#[test]
fn an_event_type_without_a_table_waits_unless_auto_mapped() {
    let mut m = Mapper::new(MappingMode::Strict);
    assert_eq!(
        m.map(&event("new", json!({"a": 1}))),
        Outcome::Queued(QueueReason::NoTable {
            event_type: "new".into()
        })
    );
    assert_eq!(
        m.map(&json!([1])),
        Outcome::Queued(QueueReason::NotAnObject)
    );
    assert_eq!(
        m.map(&json!({"a": 1})),
        Outcome::Queued(QueueReason::NoEventType)
    );
}

#[test]
fn stats_count_kinds_and_keep_samples_and_the_model_round_trips() {
    let mut m = Mapper::new(MappingMode::Flexible);
    m.event_types.insert("orders".into(), orders());
    for v in [json!(1), json!("2"), json!(3), json!(4), json!(5)] {
        m.map(&event("orders", json!({"id": v})));
    }
    let et = &m.event_types["orders"];
    let stats = et.field(&["id".into()]).unwrap().stats.clone().unwrap();
    assert_eq!(stats["totalCount"], 5);
    assert_eq!(stats["numberStats"]["count"], 4);
    assert_eq!(stats["numberStats"]["sample"].as_array().unwrap().len(), 3);
    assert_eq!(stats["stringStats"]["sample"][0]["value"], "2");
    // Unknown keys are kept through a read and a write.
    let json = serde_json::to_value(et).unwrap();
    assert_eq!(json["state"], "MAPPED");
    let back: EventType = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), json);
}

#[test]
fn nulls_where_the_service_writes_them_read_as_their_defaults() {
    let et: EventType = serde_json::from_value(json!({
        "name": "e", "mapping": {"isDiscarded": null, "tableName": "e"}, "fields": null
    }))
    .unwrap();
    assert!(!et.is_discarded());
    let f: alooma_engine::mapper::model::Field = serde_json::from_value(json!({
        "fieldName": "a", "fields": null, "mapping": {"isDiscarded": null, "columnName": null, "columnType": null}
    }))
    .unwrap();
    assert!(!f.is_discarded() && f.column().is_none());
    // A long non-ASCII name made unique is cut on a character boundary.
    let mut taken = std::collections::BTreeSet::from(["é".repeat(100)]);
    let name = alooma_engine::mapper::naming::unique(&"é".repeat(100), &mut taken, 127);
    assert!(name.ends_with("_1") && name.len() <= 127, "{name}");
}
