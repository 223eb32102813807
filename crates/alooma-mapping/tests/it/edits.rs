//! Unit tests of every single edit, the batch and the diff, including the
//! reference client's own examples (api-reference.txt, copied here).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use alooma_mapping::*;
use alooma_types::{ColumnType, EventType, Field};
use serde_json::{json, Value};

const REFERENCE_EVENT_TYPE: &str = include_str!("../data/reference_event_type.json");
const NESTED: &str = include_str!("../data/nested_event_type.json");

fn nested() -> EventType {
    serde_json::from_str(NESTED).unwrap()
}

fn p(s: &str) -> FieldPath {
    s.parse().unwrap()
}

fn to_value(et: &EventType) -> Value {
    serde_json::to_value(et).unwrap()
}

/// The reference docs' example: `mapping == {"a":1, b:{c:3}}`, `field_path
/// == "a.b.c"` — in the field model, field `c` inside `b` inside `a`.
fn reference_abc() -> EventType {
    serde_json::from_value(json!({"name": "example", "fields": [
        {"fieldName": "a", "mapping": null, "fields": [
            {"fieldName": "b", "mapping": null, "fields": [
                {"fieldName": "c", "mapping": {"columnName": "c", "isDiscarded": false,
                    "columnType": {"type": "INT", "nonNull": false}}, "fields": []}]}]}]}))
    .unwrap()
}

#[test]
fn reference_example_discard_a_b_c() {
    // "the mapping would be the same as the old one except the c field would be discarded"
    let mut et = reference_abc();
    let before = to_value(&et);
    discard_field(&mut et, &p("a.b.c")).unwrap();
    let mut expected = before;
    expected["fields"][0]["fields"][0]["fields"][0]["mapping"] =
        json!({"columnName": "", "columnType": null, "isDiscarded": true});
    assert_eq!(to_value(&et), expected);
}

#[test]
fn reference_example_unmap_a_b_c() {
    // "the c field would be removed -> {"a":1, b:{}}" (defect 5: nested paths work).
    let mut et = reference_abc();
    let removed = unmap_field(&mut et, &p("a.b.c")).unwrap();
    assert_eq!(removed.field_name, "c");
    assert_eq!(
        to_value(&et)["fields"],
        json!([{"fieldName": "a", "mapping": null, "fields": [
            {"fieldName": "b", "mapping": null, "fields": []}]}])
    );
}

#[test]
fn reference_get_event_type_example_remove_stats_and_edit() {
    let mut et: EventType = serde_json::from_str(REFERENCE_EVENT_TYPE).unwrap();
    let mut expected: Value = serde_json::from_str(REFERENCE_EVENT_TYPE).unwrap();
    remove_stats(&mut et);
    expected.as_object_mut().unwrap().remove("stats");
    assert_eq!(to_value(&et), expected);
    // An event type with `"fields": []` gets a mapped field; everything else is kept.
    map_field(
        &mut et,
        &p("id"),
        "id",
        ColumnType::new("BIGINT").with_non_null(true),
    )
    .unwrap();
    expected["fields"] = json!([{"fieldName": "id", "fields": [], "mapping": {
        "columnName": "id", "columnType": {"type": "BIGINT", "nonNull": true}, "isDiscarded": false,
        "machineGenerated": false, "subFields": null}}]);
    assert_eq!(to_value(&et), expected);
}

#[test]
fn find_nested_dotted_and_missing() {
    let et = nested();
    assert_eq!(find_field(&et, &p("b.c")).unwrap().field_name, "c");
    assert_eq!(find_field(&et, &p(r"b.d\.e")).unwrap().field_name, "d.e");
    assert_eq!(
        find_field(&et, &p("b.payload.id")).unwrap().field_name,
        "id"
    );
    // `b.d.e` is three segments: there is no field `d` in `b`.
    let err = find_field(&et, &p("b.d.e")).unwrap_err();
    assert_eq!(
        err,
        MappingError::NotFound {
            path: p("b.d.e"),
            matched: 1
        }
    );
    assert_eq!(err.deepest_match(), Some(p("b")));
    assert_eq!(
        err.to_string(),
        "field `b.d.e` not found: `b` has no field `d`"
    );
    let err = find_field(&et, &p(r"zz\.top.x")).unwrap_err();
    assert_eq!(err.deepest_match(), None);
    assert_eq!(
        err.to_string(),
        r"field `zz\.top.x` not found: no top-level field `zz\.top`"
    );
    // A list without fields (as `GET event-types` sends) finds nothing.
    let bare: EventType = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
    assert!(matches!(
        find_field(&bare, &p("a")),
        Err(MappingError::NotFound { matched: 0, .. })
    ));
}

#[test]
fn find_mut_adds_every_missing_level() {
    // Defect 4: the reference forgets add_if_missing below the first level.
    let mut et = nested();
    let before = to_value(&et);
    assert!(find_field_mut(&mut et, &p("b.new.deeper"), false).is_err());
    assert_eq!(to_value(&et), before, "a failed lookup changes nothing");
    let f = find_field_mut(&mut et, &p("b.new.deeper"), true).unwrap();
    assert_eq!(f.field_name, "deeper");
    let b = &to_value(&et)["fields"][1]["fields"];
    assert_eq!(
        b[3],
        json!({"fieldName": "new", "fields": [
            {"fieldName": "deeper", "fields": [], "mapping": null}], "mapping": null})
    );
    // Finding an existing path adds nothing.
    let n = et.fields()[1].children().len();
    find_field_mut(&mut et, &p("b.c"), true).unwrap();
    assert_eq!(et.fields()[1].children().len(), n);
    // No `fields` at all: created on demand, only when adding.
    let mut bare = EventType::new("x");
    assert!(find_field_mut(&mut bare, &p("a"), false).is_err());
    assert!(bare.fields.is_none());
    find_field_mut(&mut bare, &p("a.b"), true).unwrap();
    assert_eq!(bare.fields()[0].children()[0].field_name, "b");
}

#[test]
fn add_field_appends_a_new_unmapped_field() {
    let mut et = nested();
    let f = add_field(et.fields_mut()[1].children_mut(), "x.y");
    assert_eq!(
        serde_json::to_value(&*f).unwrap(),
        json!({"fieldName": "x.y", "fields": [], "mapping": null})
    );
    assert!(find_field(&et, &p(r"b.x\.y")).is_ok());
}

#[test]
fn discard_keeps_unknown_keys_and_handles_null_mapping() {
    let mut et = nested();
    discard_field(&mut et, &p("b.c")).unwrap();
    assert_eq!(
        to_value(&et)["fields"][1]["fields"][0],
        json!({"fieldName": "c", "fields": [], "stats": {"count": 3},
               "mapping": {"columnName": "", "isDiscarded": true, "machineGenerated": false,
                           "subFields": null, "columnType": null}})
    );
    // A null mapping becomes a new mapping first, with the service's defaults.
    discard_field(&mut et, &p(r"b.d\.e")).unwrap();
    assert_eq!(
        to_value(&et)["fields"][1]["fields"][1]["mapping"],
        json!({"columnName": "", "columnType": null, "isDiscarded": true,
               "machineGenerated": false, "subFields": null})
    );
    // Idempotent.
    let once = to_value(&et);
    discard_field(&mut et, &p("b.c")).unwrap();
    assert_eq!(to_value(&et), once);
    // Missing path: error, nothing changed.
    let err = discard_field(&mut et, &p("b.c.x")).unwrap_err();
    assert_eq!(err.deepest_match(), Some(p("b.c")));
    assert_eq!(to_value(&et), once);
}

#[test]
fn unmap_at_every_depth() {
    let mut et = nested();
    assert_eq!(unmap_field(&mut et, &p("a")).unwrap().field_name, "a");
    assert_eq!(
        unmap_field(&mut et, &p("b.payload.id")).unwrap().field_name,
        "id"
    );
    assert!(find_field(&et, &p("b.payload"))
        .unwrap()
        .children()
        .is_empty());
    assert_eq!(
        unmap_field(&mut et, &p(r"b.d\.e")).unwrap().field_name,
        "d.e"
    );
    let names: Vec<_> = et.fields()[0]
        .children()
        .iter()
        .map(|f| f.field_name.as_str())
        .collect();
    assert_eq!(names, ["c", "payload"]);
    let before = to_value(&et);
    let err = unmap_field(&mut et, &p("b.zz")).unwrap_err();
    assert_eq!(
        err,
        MappingError::NotFound {
            path: p("b.zz"),
            matched: 1
        }
    );
    let err = unmap_field(&mut et, &p("q.zz")).unwrap_err();
    assert_eq!(
        err,
        MappingError::NotFound {
            path: p("q.zz"),
            matched: 0
        }
    );
    assert_eq!(to_value(&et), before);
}

#[test]
fn map_sets_the_wire_shape_and_keeps_unknown_mapping_keys() {
    let mut et = nested();
    map_field(
        &mut et,
        &p("b.c"),
        "c_text",
        ColumnType::new("VARCHAR")
            .with_length(1024)
            .with_non_null(true),
    )
    .unwrap();
    assert_eq!(
        to_value(&et)["fields"][1]["fields"][0]["mapping"],
        json!({"columnName": "c_text", "isDiscarded": false, "machineGenerated": false, "subFields": null,
               "columnType": {"type": "VARCHAR", "nonNull": true, "length": 1024}})
    );
    // Map a new nested path with a dotted name: every level is created.
    let f = map_field(&mut et, &p(r"new.ver\.2"), "v2", ColumnType::new("FLOAT")).unwrap();
    assert_eq!(f.field_name, "ver.2");
    assert_eq!(
        to_value(&et)["fields"][2],
        json!({"fieldName": "new", "mapping": null, "fields": [
            {"fieldName": "ver.2", "fields": [], "mapping": {
                "columnName": "v2", "columnType": {"type": "FLOAT", "nonNull": false}, "isDiscarded": false,
                "machineGenerated": false, "subFields": null}}]})
    );
}

#[test]
fn set_mapping_for_field_on_a_null_mapping() {
    let mut f = Field::new("x");
    set_mapping_for_field(&mut f, "x", ColumnType::new("TIMESTAMP"));
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"fieldName": "x", "fields": [], "mapping": {"columnName": "x",
               "columnType": {"type": "TIMESTAMP", "nonNull": false}, "isDiscarded": false,
               "machineGenerated": false, "subFields": null}})
    );
}

#[test]
fn remove_stats_everywhere_keeps_everything_else() {
    let mut et = nested();
    remove_stats(&mut et);
    let v = to_value(&et);
    assert!(!fuzzing::has_stats(&v));
    let mut raw: Value = serde_json::from_str(NESTED).unwrap();
    remove_stats_value(&mut raw);
    assert_eq!(v, raw);
    assert_eq!(v["fields"][1]["fieldType"], "OBJECT");
    assert_eq!(v["state"], "MAPPED");
    assert_eq!(
        v["fields"][1]["fields"][2]["fields"][0]["mapping"]["columnType"],
        json!({"type": "BIGINT", "nonNull": true})
    );
}

#[test]
fn unknown_keys_survive_every_edit() {
    let mut et = nested();
    discard_field(&mut et, &p("a")).unwrap();
    map_field(&mut et, &p("b.payload.id"), "pid", ColumnType::new("INT")).unwrap();
    unmap_field(&mut et, &p("b.c")).unwrap();
    let v = to_value(&et);
    assert_eq!(v["state"], "MAPPED");
    assert_eq!(v["mapping"]["readOnly"], false);
    assert_eq!(v["fields"][0]["stats"], json!({"count": 1200}));
    assert_eq!(v["fields"][1]["fieldType"], "OBJECT");
    assert_eq!(
        v["fields"][1]["fields"][1]["fields"][0]["stats"],
        json!({"count": 9})
    );
}

#[test]
fn paths_reject_empty_and_bad_escapes() {
    assert_eq!("".parse::<FieldPath>(), Err(PathError::Empty));
    assert_eq!(
        "a..b".parse::<FieldPath>(),
        Err(PathError::EmptySegment { index: 1 })
    );
    assert!(FieldPath::from_segments(["a", ""]).is_err());
    let err: MappingError = "a.".parse::<FieldPath>().unwrap_err().into();
    assert_eq!(err.to_string(), "empty segment #1 in field path");
}

#[test]
fn batch_applies_in_order_like_one_by_one() {
    let mut batch = Batch::new();
    batch
        .discard(p("b.c"))
        .unmap(p("b")) // b.c was discarded first: fine
        .map(p("b.z"), "z", ColumnType::new("INT")) // b is re-created
        .unmap(p("a"))
        .add(p("n.m"))
        .map(p("a"), "a2", ColumnType::new("BIGINT"));
    let mut batched = nested();
    batch.apply(&mut batched).unwrap();
    let mut sequential = nested();
    for edit in batch.edits() {
        edit.apply(&mut sequential).unwrap();
    }
    assert_eq!(batched, sequential);
    let names: Vec<_> = batched
        .fields()
        .iter()
        .map(|f| f.field_name.as_str())
        .collect();
    // Created fields are appended in the order of the edits that created them.
    assert_eq!(names, ["b", "n", "a"]);
    assert_eq!(batched.fields()[0].children()[0].field_name, "z");
}

#[test]
fn batch_reports_every_failure_and_changes_nothing() {
    let mut et = nested();
    let before = et.clone();
    let mut batch = Batch::new();
    batch
        .unmap(p("b"))
        .discard(p("b.c")) // b is gone by now
        .discard(p("a"))
        .unmap(p("nope.x"))
        .map(p("fine"), "fine", ColumnType::new("INT"))
        .discard(p("fine.child"));
    let err = batch.apply(&mut et).unwrap_err();
    assert_eq!(et, before);
    let got: Vec<(usize, String)> = err
        .failures
        .iter()
        .map(|f| (f.index, f.error.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "field `b.c` not found: no top-level field `b`".to_owned()
            ),
            (
                3,
                "field `nope.x` not found: no top-level field `nope`".to_owned()
            ),
            (
                5,
                "field `fine.child` not found: `fine` has no field `child`".to_owned()
            ),
        ]
    );
    assert_eq!(batch.validate(&et), Err(err.clone()));
    assert_eq!(
        err.to_string(),
        "3 of 6 edits failed; the mapping was not changed\n  \
         #1 discard: field `b.c` not found: no top-level field `b`\n  \
         #3 unmap: field `nope.x` not found: no top-level field `nope`\n  \
         #5 discard: field `fine.child` not found: `fine` has no field `child`"
    );
}

#[test]
fn batch_on_duplicate_names_follows_first_match() {
    let mut et: EventType = serde_json::from_value(json!({"name": "d", "fields": [
        {"fieldName": "x", "mapping": null, "fields": [], "n": 1},
        {"fieldName": "y", "mapping": null, "fields": []},
        {"fieldName": "x", "mapping": null, "fields": [], "n": 2}]}))
    .unwrap();
    let batch: Batch = [
        Edit::Unmap(p("x")),
        Edit::Discard(p("x")),
        Edit::Unmap(p("x")),
        Edit::Unmap(p("x")),
    ]
    .into_iter()
    .collect();
    let mut sequential = et.clone();
    let failed: Vec<usize> = batch
        .edits()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.apply(&mut sequential).err().map(|_| i))
        .collect();
    assert_eq!(failed, [3]);
    let err = batch.apply(&mut et).unwrap_err();
    assert_eq!(
        err.failures.iter().map(|f| f.index).collect::<Vec<_>>(),
        [3]
    );
    // Without the failing edit the batch applies and matches.
    let ok: Batch = batch.edits()[..3].iter().cloned().collect();
    ok.apply(&mut et).unwrap();
    assert_eq!(et, sequential);
    assert_eq!(
        to_value(&et)["fields"],
        json!([{"fieldName": "y", "mapping": null, "fields": []}])
    );
}

#[test]
fn batch_on_event_type_without_fields() {
    let mut bare = EventType::new("x");
    let err = Batch::from_iter([Edit::Discard(p("a"))])
        .apply(&mut bare)
        .unwrap_err();
    assert_eq!(err.failures.len(), 1);
    assert!(bare.fields.is_none());
    Batch::from_iter([Edit::Add(p("a")), Edit::Unmap(p("a"))])
        .apply(&mut bare)
        .unwrap();
    assert_eq!(bare.fields, alooma_types::Maybe::Value(vec![]));
    assert!(Batch::new().apply(&mut bare).is_ok());
}

#[test]
fn diff_lists_changes_by_path() {
    let before = nested();
    let mut after = before.clone();
    discard_field(&mut after, &p("b.c")).unwrap();
    unmap_field(&mut after, &p("b.payload")).unwrap();
    map_field(
        &mut after,
        &p("a"),
        "a",
        ColumnType::new("BIGINT").with_non_null(true),
    )
    .unwrap();
    map_field(
        &mut after,
        &p(r"b.d\.e"),
        "de",
        ColumnType::new("NUMERIC").with_attribute("precision", 12.into()),
    )
    .unwrap();
    map_field(
        &mut after,
        &p("n.m"),
        "m",
        ColumnType::new("VARCHAR").with_length(10),
    )
    .unwrap();
    after.mapping.as_mut().unwrap().table_name = alooma_types::Maybe::Value("orders_v2".into());
    let d = diff(&before, &after);
    assert_eq!(
        d.to_string(),
        "~ (event type): table public.orders -> public.orders_v2\n\
         ~ a: a INT -> a BIGINT NOT NULL\n\
         x b.c (was b_c VARCHAR(256))\n\
         ~ b.d\\.e: unmapped -> de NUMERIC(precision=12)\n\
         - b.payload (and 1 nested field)\n\
         + n\n\
         + n.m -> m VARCHAR(10)\n"
    );
    let back = diff(&after, &before);
    assert!(back.to_string().contains("o b.c -> b_c VARCHAR(256)\n"));
    assert!(back.to_string().contains("- n (and 1 nested field)\n"));
    assert_eq!(d.len(), 7);
    assert!(diff(&before, &before).is_empty());
}

#[test]
fn streaming_decoder_matches_serde_on_fixtures_and_errors() {
    for doc in [NESTED, REFERENCE_EVENT_TYPE] {
        let serde: EventType = serde_json::from_str(doc).unwrap();
        assert_eq!(decode::from_str(doc).unwrap(), serde);
    }
    for bad in [
        r#"{"fields":[]}"#,
        r#"{"name":"a","name":"b"}"#,
        r#"{"name":"a","fields":[{"fields":[]}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x","mapping":{"columnName":"a","columnName":"b"}}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x","fields":[{"fieldName":1}]}]}"#,
        r#"{"name":"a"} trailing"#,
        r#"["name"]"#,
    ] {
        assert!(serde_json::from_str::<EventType>(bad).is_err(), "{bad}");
        assert!(decode::from_str(bad).is_err(), "{bad}");
        assert!(decode::from_str_without_stats(bad).is_err(), "{bad}");
    }
    // Values of other types at optional keys are kept by both decoders, and
    // written back as read.
    for odd in [
        r#"{"name":"a","fields":[{"fieldName":"x","mapping":{"columnType":{"nonNull":"maybe"}}}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x","fields":7}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x","mapping":{"columnType":{"type":"T","length":-1}}}]}"#,
        r#"{"name":"a","state":7}"#,
        r#"{"name":"a","consolidation":{"viewSchema":[]}}"#,
        r#"{"name":"a","consolidation":{"consolidationKeys":"ID"}}"#,
    ] {
        let serde: EventType = serde_json::from_str(odd).unwrap();
        assert_eq!(decode::from_str(odd).unwrap(), serde, "{odd}");
        assert_eq!(decode::from_str_without_stats(odd).unwrap(), serde, "{odd}");
        assert_eq!(serde_json::to_string(&serde).unwrap(), odd);
    }
    // `stats` values are skipped unread by the stats-less decoder: a
    // repeated one is no error there (it is dropped either way), and one
    // of another type is kept by the full decoder.
    assert!(decode::from_str(r#"{"name":"a","stats":5}"#)
        .unwrap()
        .stats
        .is_mistyped());
    for bad_stats in [
        r#"{"name":"a","stats":5}"#,
        r#"{"name":"a","stats":null,"stats":null}"#,
    ] {
        assert_eq!(
            decode::from_str_without_stats(bad_stats).unwrap(),
            EventType::new("a")
        );
    }
    let odd = r#"{"name":"a","mapping":null,"fields":[{"fieldName":"x","fields":[],
        "mapping":{"columnName":null,"columnType":null,"isDiscarded":null,"k":[{"stats":1}]}}]}"#;
    assert_eq!(
        decode::from_str(odd).unwrap(),
        serde_json::from_str::<EventType>(odd).unwrap()
    );
    assert_eq!(
        to_value(&decode::from_str_without_stats(odd).unwrap())["fields"][0]["mapping"],
        json!({"columnName": null, "columnType": null, "isDiscarded": null, "k": [{}]})
    );
    // Sparse documents the service and real tools wrote decode, and round-trip.
    for sparse in [
        r#"{"name":"a","fields":[{"fieldName":"x","fields":null}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x","mapping":{"columnType":{"nonNull":true}}}]}"#,
        r#"{"name":"a","fields":[{"fieldName":"x"}]}"#,
    ] {
        let et = decode::from_str(sparse).unwrap();
        assert_eq!(
            to_value(&et),
            serde_json::from_str::<Value>(sparse).unwrap()
        );
    }
}

#[test]
fn typed_event_type_keys_lose_their_stats_too() {
    let doc = r#"{"name":"a","stats":{"count":3},"state":"MAPPED","origInputLabel":"in",
        "autoMappingError":{"stats":1,"why":"x"},"usingDefaultMappingMode":false,
        "consolidation":{"viewSchema":null,"consolidationKeys":["id"],"stats":{}},
        "inputObjects":{"in":[{"stats":2,"k":"id"}]},
        "schemaUrls":[{"stats":0,"url":"u"}],"mapping":{"readOnly":true,"stats":4},"fields":[]}"#;
    let expected = json!({"name":"a","state":"MAPPED","origInputLabel":"in",
        "autoMappingError":{"why":"x"},"usingDefaultMappingMode":false,
        "consolidation":{"viewSchema":null,"consolidationKeys":["id"]},
        "inputObjects":{"in":[{"k":"id"}]},
        "schemaUrls":[{"url":"u"}],"mapping":{"readOnly":true},"fields":[]});
    let mut plain: EventType = serde_json::from_str(doc).unwrap();
    remove_stats(&mut plain);
    assert_eq!(to_value(&plain), expected);
    assert_eq!(decode::from_str_without_stats(doc).unwrap(), plain);
}
