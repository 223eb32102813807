//! Events through the whole data path with real parts: the transform in
//! CPython, the Mapper, and a SQLite file; every accepted event ends
//! loaded, dropped by a rule, or in the Restream Queue, none twice.

use alooma_engine::code_engine::{CodeEngine, Config, Modules};
use alooma_engine::flow::DataPath;
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::model::{ColumnType, FieldMapping, MappingMode, TableMapping};
use alooma_engine::mapper::Mapper;
use alooma_engine::warehouse::sqlite::Sqlite;
use alooma_engine::warehouse::{Column, TableName, Warehouse};
use serde_json::{json, Value};
use std::sync::Arc;

const TRANSFORM: &str = r#"
def transform(event):
    if event.get("debug"):
        return None
    if event.get("boom"):
        raise ValueError("boom " + str(event["boom"]))
    if "items" in event:
        parts = []
        for item in event.pop("items"):
            part = dict(event)
            part["item"] = item
            parts.append(part)
        return parts
    event["seen"] = True
    return event
"#;

fn input() -> Input {
    Input {
        id: "i-1".into(),
        label: "shop".into(),
        input_type: "REST_ENDPOINT".into(),
    }
}

fn stamped(events: Vec<Value>) -> Vec<Value> {
    events
        .into_iter()
        .map(|e| stamp(e, &input(), 1_700_000_000_000).unwrap())
        .collect()
}

fn uuid(e: &Value) -> String {
    e["_metadata"]["@uuid"].as_str().unwrap().to_owned()
}

fn path_with_code(dir: &std::path::Path, mode: MappingMode) -> (DataPath, std::path::PathBuf) {
    let file = dir.join("warehouse.sqlite");
    let mut path = DataPath::new(Mapper::new(mode), Box::new(Sqlite::open(&file).unwrap()));
    let engine = Arc::new(CodeEngine::new(Config::default().workers(1)));
    let deployment = engine.deploy(&Modules::main(TRANSFORM)).unwrap();
    path.code = Some((engine, deployment));
    (path, file)
}

fn query(file: &std::path::Path, sql: &str) -> Value {
    Sqlite::open(file).unwrap().query_json(sql).unwrap()
}

#[test]
fn a_transform_drops_splits_and_fails_events_and_the_rest_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut path, file) = path_with_code(dir.path(), MappingMode::AutoMap);
    let events = stamped(vec![
        json!({"id": 1, "customer": {"email": "a@b.c"}}),
        json!({"id": 2, "debug": true}),
        json!({"id": 3, "items": ["x", "y", "z"]}),
        json!({"id": 4, "boom": 7}),
    ]);
    let report = path.process(events.clone());
    assert_eq!(report.received, 4);
    assert_eq!(report.loaded, 4, "{report:?}"); // 1, and 3's three parts
    assert_eq!(report.dropped_by_code, 1);
    assert_eq!(report.split_into, 2);
    assert_eq!(report.queued, [("code_engine".to_owned(), 1)].into());
    assert_eq!(
        report.statuses,
        ["VALID", "DROP", "VALID", "TRANSFORM_ERROR"]
    );

    let rows = query(
        &file,
        "SELECT id, customer_email, item, seen, _metadata__parent_uuid AS parent
         FROM public.shop ORDER BY id, item",
    );
    assert_eq!(
        rows,
        json!([
            {"id": 1, "customer_email": "a@b.c", "item": null, "seen": 1, "parent": null},
            {"id": 3, "customer_email": null, "item": "x", "seen": null, "parent": uuid(&events[2])},
            {"id": 3, "customer_email": null, "item": "y", "seen": null, "parent": uuid(&events[2])},
            {"id": 3, "customer_email": null, "item": "z", "seen": null, "parent": uuid(&events[2])},
        ])
    );
    let queued: Vec<_> = path.queue.iter().collect();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].kind, "code_engine");
    assert!(
        queued[0].reason.contains("ValueError: boom 7"),
        "{}",
        queued[0].reason
    );
    assert_eq!(queued[0].event, events[3], "the event waits as it entered");

    // The same batch again (a replay): nothing loads twice, and the split
    // parts have the same ids as before.
    let again = path.process(events);
    assert_eq!((again.loaded, again.already_loaded), (0, 4), "{again:?}");
    assert_eq!(
        query(&file, "SELECT count(*) AS n FROM public.shop"),
        json!([{"n": 4}])
    );
}

#[test]
fn strict_holds_an_unmapped_event_until_the_mapping_is_fixed_and_a_restream_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.sqlite");
    let mut warehouse = Sqlite::open(&file).unwrap();
    let orders = TableName::new(None, "orders");
    let mut id_type = ColumnType::new("BIGINT");
    id_type.non_null = Some(json!(true));
    warehouse
        .create_table(
            &orders,
            &[
                Column {
                    name: "id".into(),
                    column_type: id_type.clone(),
                },
                Column {
                    name: "restreams".into(),
                    column_type: ColumnType::new("BIGINT"),
                },
            ],
        )
        .unwrap();
    let mut mapper = Mapper::new(MappingMode::Strict);
    let mut et = alooma_engine::mapper::model::EventType::new("shop");
    et.mapping = Some(TableMapping {
        table_name: Some("orders".into()),
        ..TableMapping::default()
    });
    mapper.event_types.insert("shop".into(), et);
    let mut path = DataPath::new(mapper, Box::new(warehouse));

    let events = stamped(vec![json!({"id": 10}), json!({"id": 11, "coupon": "X"})]);
    let first = path.process(events.clone());
    // `id` is not mapped yet either: both wait.
    assert_eq!(
        first.queued,
        [("unmapped".to_owned(), 2)].into(),
        "{first:?}"
    );
    assert!(path.queue.iter().all(|q| q.reason.contains("not mapped")));

    // Map `id` and the restream count, discard `coupon`: a restream loads both.
    let et = path.mapper.event_types.get_mut("shop").unwrap();
    for field in &mut et.fields {
        field.mapping = Some(match field.field_name.as_str() {
            "id" => FieldMapping {
                column_name: "id".into(),
                column_type: Some(id_type.clone()),
                ..FieldMapping::default()
            },
            _ => FieldMapping {
                is_discarded: true,
                ..FieldMapping::default()
            },
        });
        if field.field_name == "_metadata" {
            field.mapping = None;
            for sub in &mut field.fields {
                if sub.field_name == "restream_count" {
                    sub.mapping = Some(FieldMapping {
                        column_name: "restreams".into(),
                        column_type: Some(ColumnType::new("BIGINT")),
                        ..FieldMapping::default()
                    });
                }
            }
        }
    }
    let second = path.restream();
    assert_eq!((second.received, second.loaded), (2, 2), "{second:?}");
    assert!(path.queue.is_empty());
    assert_eq!(
        query(&file, "SELECT id, restreams FROM public.orders ORDER BY id"),
        json!([{"id": 10, "restreams": 1}, {"id": 11, "restreams": 1}])
    );
    // Nothing left to restream; the originals sent again load nothing.
    assert_eq!(path.restream().received, 0);
    assert_eq!(path.process(events).already_loaded, 2);
}

#[test]
fn a_row_the_warehouse_refuses_waits_alone_and_the_others_load() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.sqlite");
    let mut warehouse = Sqlite::open(&file).unwrap();
    // The table says NOT NULL; the mapping does not (the warehouse finds it).
    let mut strict = ColumnType::new("BIGINT");
    strict.non_null = Some(json!(true));
    let t = TableName::new(None, "t");
    warehouse
        .create_table(
            &t,
            &[Column {
                name: "n".into(),
                column_type: strict,
            }],
        )
        .unwrap();
    let mut mapper = Mapper::new(MappingMode::Flexible);
    let et: alooma_engine::mapper::model::EventType = serde_json::from_value(json!({
        "name": "shop", "mapping": {"tableName": "t"},
        "fields": [{"fieldName": "n", "fields": [], "mapping": {"columnName": "n", "columnType": {"type": "BIGINT"}}}]
    }))
    .unwrap();
    mapper.event_types.insert("shop".into(), et);
    let mut path = DataPath::new(mapper, Box::new(warehouse));
    let events = stamped(vec![json!({"n": 1}), json!({"n": null}), json!({"n": 3})]);
    let report = path.process(events.clone());
    assert_eq!(report.loaded, 2, "{report:?}");
    assert_eq!(report.queued, [("warehouse".to_owned(), 1)].into());
    let q: Vec<_> = path.queue.iter().collect();
    assert_eq!(uuid(&q[0].event), uuid(&events[1]));
    assert!(q[0].reason.contains("NOT NULL"), "{}", q[0].reason);
}

#[test]
fn every_accepted_event_is_loaded_dropped_or_queued_and_none_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (mut path, file) = path_with_code(dir.path(), MappingMode::AutoMap);
    // Seed the event type's `n` as BIGINT, then send values of every kind.
    let mut events = Vec::new();
    for i in 0..60 {
        let body = match i % 6 {
            0 => json!({"n": i}),
            1 => json!({"n": format!("{i}")}),
            2 => json!({"n": "not a number"}),
            3 => json!({"n": i, "debug": true}),
            4 => json!({"n": i, "boom": i}),
            _ => json!({"n": i, "items": [1, 2]}),
        };
        events.push(body);
    }
    let events = stamped(events);
    let first = path.process(events[..1].to_vec());
    assert_eq!(first.loaded, 1);
    let report = path.process(events[1..].to_vec());
    let loaded_rows = query(&file, "SELECT count(*) AS n FROM public.shop")[0]["n"]
        .as_u64()
        .unwrap() as usize;
    let queued = path.queue.len();
    let dropped = path.totals.dropped_by_code + path.totals.discarded;
    // Each original: all its rows loaded, dropped, or it waits (a split
    // counts once per part).
    assert_eq!(
        loaded_rows + dropped + queued,
        events.len() + path.totals.split_into,
        "{report:?}"
    );
    for e in &events {
        let id = uuid(e);
        let waits = path.queue.iter().any(|q| uuid(&q.event) == id);
        let n = e["n"].as_i64().unwrap_or(-1);
        let bad = e["n"] == "not a number" || e.get("boom").is_some();
        assert_eq!(waits, bad, "event {n}: waits {waits}");
    }
    // A restream changes nothing for events that fail again.
    let again = path.restream();
    assert_eq!(again.loaded, 0);
    assert_eq!(path.queue.len(), queued);
    assert!(path
        .queue
        .iter()
        .all(|q| q.event["_metadata"]["restream_count"] == 1));
}

#[test]
fn without_an_interpreter_every_event_waits() {
    let dir = tempfile::tempdir().unwrap();
    let mut path = DataPath::new(
        Mapper::new(MappingMode::AutoMap),
        Box::new(Sqlite::open(&dir.path().join("w.sqlite")).unwrap()),
    );
    let engine = Arc::new(CodeEngine::new(
        Config::default().python(dir.path().join("no-such-python")),
    ));
    let deployment = match engine.deploy(&Modules::main(TRANSFORM)) {
        Ok(d) => d,
        // Deploying checks the interpreter: build the deployment through a
        // working one and run it on the missing one.
        Err(_) => CodeEngine::new(Config::default())
            .deploy(&Modules::main(TRANSFORM))
            .unwrap(),
    };
    path.code = Some((engine, deployment));
    let report = path.process(stamped(vec![json!({"a": 1}), json!({"a": 2})]));
    assert_eq!(
        report.queued,
        [("code_engine".to_owned(), 2)].into(),
        "{report:?}"
    );
    assert_eq!(path.queue.len(), 2);
}

#[test]
fn a_transform_that_replaces_metadata_keeps_each_event_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.sqlite");
    let mut path = DataPath::new(
        Mapper::new(MappingMode::AutoMap),
        Box::new(Sqlite::open(&file).unwrap()),
    );
    let engine = Arc::new(CodeEngine::new(Config::default().workers(1)));
    let code = "def transform(event):\n    event['_metadata'] = {'event_type': 'shop'}\n    return event\n";
    path.code = Some((
        Arc::clone(&engine),
        engine.deploy(&Modules::main(code)).unwrap(),
    ));
    let events = stamped(vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]);
    let report = path.process(events.clone());
    assert_eq!((report.loaded, report.already_loaded), (3, 0), "{report:?}");
    assert_eq!(path.process(events).already_loaded, 3);
    assert_eq!(
        query(&file, "SELECT count(*) AS n FROM public.shop"),
        json!([{"n": 3}])
    );
}

#[test]
fn a_column_a_failed_event_left_unmade_is_made_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w.sqlite");
    let mut path = DataPath::new(
        Mapper::new(MappingMode::AutoMap),
        Box::new(Sqlite::open(&file).unwrap()),
    );
    path.create_tables = true;
    let long = "x".repeat(300);
    // `s` is auto-mapped VARCHAR(256) and this value does not fit: queued,
    // the table never made; the next event still loads.
    let first = path.process(stamped(vec![json!({"a": 1, "s": long})]));
    assert_eq!(first.queued_total(), 1, "{first:?}");
    let next = path.process(stamped(vec![json!({"a": 2})]));
    assert_eq!(next.loaded, 1, "{next:?}");
}

#[test]
fn intake_keeps_the_order_of_an_events_keys_with_its_metadata_where_it_was() {
    let e = stamp(
        json!({"_metadata": {"event_type": "t"}, "a": 1, "b": 2, "c": 3}),
        &input(),
        0,
    )
    .unwrap();
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["_metadata", "a", "b", "c"]);
    let meta: Vec<&str> = e["_metadata"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(meta[0], "event_type", "{meta:?}");
    // Without one, `_metadata` comes last; one that is not an object is
    // kept under `original_metadata`, in its place.
    let e = stamp(json!({"a": 1, "_metadata": 7, "b": 2}), &input(), 0).unwrap();
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["a", "_metadata", "b"]);
    assert_eq!(e["_metadata"]["original_metadata"], 7);
    let e = stamp(json!({"b": 1, "a": 2}), &input(), 0).unwrap();
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["b", "a", "_metadata"]);
}

/// Mixed events: loaded, dropped, split, failing in the transform, and
/// fields that appear late (auto-mapped as they come).
fn mixed_batches() -> Vec<Vec<Value>> {
    (0..6)
        .map(|b| {
            stamped(
                (0..40)
                    .map(|i| {
                        let n = b * 40 + i;
                        match n % 8 {
                            0 => json!({"n": n, "debug": true}),
                            1 => json!({"n": n, "boom": n}),
                            2 => json!({"n": n, "items": [1, 2]}),
                            3 if b > 2 => json!({"n": n, format!("late_{}", n % 3): n}),
                            _ => json!({"n": n, "page": format!("/p{n}")}),
                        }
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn overlapped_stages_load_what_one_batch_after_another_loads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let batches = mixed_batches();

    let (mut serial, serial_file) = path_with_code(&one, MappingMode::AutoMap);
    let mut serial_reports = Vec::new();
    for batch in batches.clone() {
        serial_reports.push(serial.process(batch));
    }

    let (mut overlapped, overlapped_file) = path_with_code(&two, MappingMode::AutoMap);
    let mut reports = Vec::new();
    overlapped
        .process_stream(
            |feed| {
                for (i, batch) in batches.clone().into_iter().enumerate() {
                    feed.send(batch, i).unwrap();
                }
                Ok::<(), String>(())
            },
            |_, i, report| {
                reports.push((i, report));
                Ok(())
            },
        )
        .unwrap();
    let tags: Vec<usize> = reports.iter().map(|(i, _)| *i).collect();
    assert_eq!(tags, [0, 1, 2, 3, 4, 5]);
    let reports: Vec<_> = reports.into_iter().map(|(_, r)| r).collect();
    assert_eq!(reports, serial_reports);
    assert_eq!(overlapped.totals, serial.totals);
    assert!(serial.totals.loaded > 0 && serial.totals.queued_total() > 0);
    assert_eq!(
        format!("{:?}", overlapped.mapper.event_types),
        format!("{:?}", serial.mapper.event_types)
    );
    let queue = |p: &mut DataPath| -> Vec<(Value, String)> {
        p.queue
            .take()
            .into_iter()
            .map(|q| (q.event, q.reason))
            .collect()
    };
    assert_eq!(queue(&mut overlapped), queue(&mut serial));
    let rows = "SELECT * FROM shop ORDER BY n, item";
    assert_eq!(query(&overlapped_file, rows), query(&serial_file, rows));
}

#[test]
fn a_stream_stops_when_its_consumer_fails_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (mut path, _) = path_with_code(dir.path(), MappingMode::AutoMap);
    let mut sent = 0;
    let mut seen = 0;
    let outcome = path.process_stream(
        |feed| {
            for batch in (0..100).map(|i| stamped(vec![json!({"n": i})])) {
                if feed.send(batch, ()).is_err() {
                    return Err("stopped".to_owned());
                }
                sent += 1;
            }
            Ok(())
        },
        |_, (), _| {
            seen += 1;
            if seen == 2 {
                Err("the consumer failed".to_owned())
            } else {
                Ok(())
            }
        },
    );
    assert_eq!(outcome, Err("the consumer failed".to_owned()));
    assert_eq!(seen, 2);
    // The feed stopped within the few batches in flight.
    assert!(sent < 10, "{sent}");
    // What was loaded is what the consumer saw, at most the batches in
    // flight more.
    assert!(
        path.totals.loaded >= 2 && path.totals.loaded <= 6,
        "{:?}",
        path.totals
    );
}

#[test]
fn a_feed_error_ends_the_stream_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut path, _) = path_with_code(dir.path(), MappingMode::AutoMap);
    let outcome = path.process_stream(
        |feed| {
            feed.send(stamped(vec![json!({"n": 1})]), ()).unwrap();
            Err("unreadable file".to_owned())
        },
        |_, (), _| Ok(()),
    );
    assert_eq!(outcome, Err("unreadable file".to_owned()));
    assert_eq!(path.totals.loaded, 1);
}
