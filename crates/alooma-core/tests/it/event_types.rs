//! Requests (insta snapshots) and decoders of the event-types area.
//! Snapshots: `tests/snapshots/event_types__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::*;

use alooma_core::{event_types::*, render, Error, Operation, RetrySafety};
use alooma_types::{EventType, EventTypeState, MappingMode};
use std::time::Duration;

/// Bodies that are not the JSON an operation expects: each must be a
/// `Decode` error, never a panic.
const MALFORMED: &[&str] = &[
    "",
    "{\"name\": \"x\", \"fie",
    "[1, 2",
    "<html><body>502 Bad Gateway</body></html>",
    "null",
    "42",
];

const EVENT_TYPE: &str =
    include_str!("../../../alooma-types/tests/fixtures/event_type/get_event_type.json");

/// An event type with `stats` at every level, as `GET event-types/{name}` sends it.
const WITH_STATS: &str = r#"{"name":"web/clicks","stats":{"count":3},"mappingMode":"AUTO_MAP",
  "mapping":{"isDiscarded":false,"tableName":"clicks","schema":"public"},
  "fields":[{"fieldName":"user","stats":{"count":3},"mapping":null,"fields":[
    {"fieldName":"id","stats":{"count":3},"fields":[],
     "mapping":{"columnName":"user_id","columnType":{"type":"INT","nonNull":true},"isDiscarded":false}}]}]}"#;

#[test]
fn get_event_types() {
    let op = GetEventTypes;
    let list = op.decode(ok(&format!("[{EVENT_TYPE}]"))).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "MyEventType");
    assert!(op.decode(ok("[]")).unwrap().is_empty());
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["[{\"name\": 7}]", "{\"name\":\"x\"}"]);
}

#[test]
fn get_event_type() {
    let op = GetEventType::new("web/clicks?v=2 #1");
    let et = op.decode(ok(EVENT_TYPE)).unwrap();
    assert_eq!(et.state, alooma_types::Maybe::Value(EventTypeState::Mapped));
    assert!(matches!(
        op.decode(ok("{\"fields\":[]}")),
        Err(Error::Decode { .. })
    ));
    assert_decode_errors(&op, MALFORMED);
}

#[test]
fn get_mapping() {
    let op = GetMapping::new("événement 100%");
    let et = op.decode(ok(WITH_STATS)).unwrap();
    assert_eq!(et.fields()[0].children()[0].field_name, "id");
    assert_decode_errors(&op, MALFORMED);
    assert!(matches!(
        GetMapping::new("").build(),
        Err(Error::Build {
            operation: "get_mapping",
            ..
        })
    ));
}

#[test]
fn set_mapping() {
    let mapping: EventType = serde_json::from_str(WITH_STATS).unwrap();
    let op = SetMapping::new(mapping.clone(), "web/clicks");
    let req = op.build().unwrap();
    // The body is the mapping, unchanged (unknown keys included).
    let sent: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(
        sent,
        serde_json::from_str::<serde_json::Value>(WITH_STATS).unwrap()
    );
    assert_eq!(op.meta().timeout, Some(Duration::from_secs(300)));
    assert!(op.meta().retry.is_idempotent());
    op.decode(ok("")).unwrap();
    op.decode(ok("{\"anything\": true}")).unwrap();
    assert!(matches!(
        SetMapping::new(mapping, "").build(),
        Err(Error::Build { .. })
    ));
}

#[test]
fn discard_event_type() {
    let op = DiscardEventType::new("old type/v1");
    let req = op.build().unwrap();
    let sent: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"name": "old type/v1", "mapping": {"isDiscarded": true, "tableName": ""},
                           "fields": [], "mappingMode": "STRICT"})
    );
    assert_eq!(op.meta().timeout, Some(Duration::from_secs(300)));
    op.decode(ok("")).unwrap();
}

#[test]
fn delete_event_type() {
    let op = DeleteEventType::new("a/b?c#d%e");
    op.decode(ok("")).unwrap();
}

#[test]
fn auto_map_event_type() {
    let op = AutoMapEventType::new("a/b?c#d%e");
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    assert_eq!(op.decode(ok("")).unwrap(), None);
    assert_eq!(
        op.decode(ok(r#"{"name":"a/b?c#d%e","state":"MAPPED"}"#))
            .unwrap()
            .unwrap()["state"],
        "MAPPED"
    );
}

#[test]
fn clear_event_type_stats() {
    let op = ClearEventTypeStats::new("a/b?c#d%e");
    op.decode(ok("")).unwrap();
}

#[test]
fn delete_all_event_types() {
    // get_event_types, then one delete_event_type per name.
    let listed = GetEventTypes
        .decode(ok(
            r#"[{"name":"clicks"},{"name":"web/orders"},{"name":"..", "state":"NEW"}]"#,
        ))
        .unwrap();
    let names = event_type_names(&listed);
    assert_eq!(names, ["clicks", "web/orders", ".."]);
    let rendered: Vec<String> = names
        .iter()
        .map(|n| render(&DeleteEventType::new(n.as_str()).build().unwrap()))
        .collect();
    snapshot!(
        "delete_all_event_types",
        format!(
            "{}\n{}",
            render(&GetEventTypes.build().unwrap()),
            rendered.join("\n")
        )
    );
    assert!(event_type_names(&[]).is_empty());
}

#[test]
fn get_mapping_mode() {
    let op = GetMappingMode;
    assert_eq!(op.decode(ok("\"AUTO_MAP\"")).unwrap(), MappingMode::AutoMap);
    assert_eq!(op.decode(ok("\"STRICT\"")).unwrap(), MappingMode::Strict);
    assert_eq!(
        op.decode(ok(" \"SEMI\"\n")).unwrap(),
        MappingMode::Other("SEMI".into())
    );
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["STRICT", "[\"STRICT\"]"]);
}

#[test]
fn set_mapping_mode() {
    let op = SetMappingMode::new(MappingMode::Flexible);
    let req = op.build().unwrap();
    assert_eq!(&req.body()[..], b"\"FLEXIBLE\"");
    assert_eq!(
        &SetMappingMode::new(MappingMode::Other("NEW_MODE".into()))
            .build()
            .unwrap()
            .body()[..],
        b"\"NEW_MODE\""
    );
    op.decode(ok("")).unwrap();
    // Defect 9: the reference never checked this call's status.
}
