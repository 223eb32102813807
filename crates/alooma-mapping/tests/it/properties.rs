//! Property tests on random mapping trees (unique sibling names, dotted and
//! backslashed names, null / mapped / discarded mappings, `stats` anywhere).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use alooma_mapping::*;
use alooma_types::{ColumnType, EventType, Field};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just("c".to_owned()),
        Just("d.e".to_owned()),
        Just(r"x\y".to_owned()),
        "[a-z.]{1,3}",
    ]
}

fn mapping() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        ("[a-z]{1,6}", 1u64..500, any::<bool>(), any::<bool>()).prop_map(|(c, len, nn, extra)| {
            let mut m = json!({"columnName": c, "isDiscarded": false,
                "columnType": {"type": "VARCHAR", "length": len, "nonNull": nn}});
            if extra {
                m["machineGenerated"] = json!(true);
                m["stats"] = json!({"n": len});
            }
            m
        }),
        Just(json!({"columnName": "", "columnType": null, "isDiscarded": true})),
    ]
}

fn field_json(name: String, mapping: Value, stats: bool, children: Vec<Value>) -> Value {
    let mut f = json!({"fieldName": name, "mapping": mapping, "fields": dedup(children)});
    if stats {
        f["stats"] = json!({"count": 3, "nested": {"stats": 1}});
        f["fieldType"] = json!("STRING");
    }
    f
}

fn dedup(fields: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    fields
        .into_iter()
        .filter(|f| seen.insert(f["fieldName"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn field() -> impl Strategy<Value = Value> {
    let leaf = (name(), mapping(), any::<bool>()).prop_map(|(n, m, s)| field_json(n, m, s, vec![]));
    leaf.prop_recursive(3, 48, 4, |inner| {
        (
            name(),
            mapping(),
            any::<bool>(),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(n, m, s, c)| field_json(n, m, s, c))
    })
}

fn event_type() -> impl Strategy<Value = EventType> {
    (prop::collection::vec(field(), 0..5), any::<bool>()).prop_map(|(fields, stats)| {
        let mut v = json!({"name": "e", "mappingMode": "STRICT", "fields": dedup(fields),
            "mapping": {"isDiscarded": false, "tableName": "t", "readOnly": false}});
        if stats {
            v["stats"] = json!({"count": 1});
        }
        serde_json::from_value(v).unwrap()
    })
}

fn all_paths(et: &EventType) -> Vec<FieldPath> {
    fn go(parent: Option<&FieldPath>, fields: &[Field], out: &mut Vec<FieldPath>) {
        for f in fields {
            let path = match parent {
                None => FieldPath::from_segments([f.field_name.clone()]).unwrap(),
                Some(p) => p.child(f.field_name.clone()).unwrap(),
            };
            out.push(path.clone());
            go(Some(&path), f.children(), out);
        }
    }
    let mut out = Vec::new();
    go(None, et.fields(), &mut out);
    out
}

/// An existing path (when there is one and `existing`), else a random one.
fn pick(et: &EventType, existing: bool, index: &Index, random: &[String]) -> FieldPath {
    let paths = all_paths(et);
    if existing && !paths.is_empty() {
        paths[index.index(paths.len())].clone()
    } else {
        FieldPath::from_segments(random.to_vec()).unwrap()
    }
}

fn random_path() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 1..4)
}

#[derive(Debug, Clone)]
struct EditChoice {
    kind: u8,
    existing: bool,
    index: Index,
    random: Vec<String>,
    column: String,
}

fn edit_choice() -> impl Strategy<Value = EditChoice> {
    (
        0u8..4,
        any::<bool>(),
        any::<Index>(),
        random_path(),
        "[a-z]{1,4}",
    )
        .prop_map(|(kind, existing, index, random, column)| EditChoice {
            kind,
            existing,
            index,
            random,
            column,
        })
}

fn make_edit(et: &EventType, c: &EditChoice) -> Edit {
    let path = pick(et, c.existing, &c.index, &c.random);
    match c.kind {
        0 => Edit::Discard(path),
        1 => Edit::Unmap(path),
        2 => Edit::Add(path),
        _ => Edit::Map {
            path,
            column_name: c.column.clone(),
            column_type: ColumnType::new("VARCHAR").with_length(64),
        },
    }
}

/// A field without its children (what an edit of a descendant may not touch).
fn shallow(f: &Field) -> Value {
    let mut v = serde_json::to_value(f).unwrap();
    v.as_object_mut().unwrap().remove("fields");
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn unmap_then_find_fails(et in event_type(), i in any::<Index>()) {
        let paths = all_paths(&et);
        prop_assume!(!paths.is_empty());
        let path = &paths[i.index(paths.len())];
        let mut et = et.clone();
        let removed = unmap_field(&mut et, path).unwrap();
        prop_assert_eq!(&removed.field_name, path.name());
        prop_assert!(find_field(&et, path).is_err());
    }

    #[test]
    fn map_then_find_returns_the_mapping(et in event_type(), c in edit_choice()) {
        let mut et = et;
        let path = pick(&et, c.existing, &c.index, &c.random);
        let t = ColumnType::new("NUMERIC").with_attribute("scale", 2.into());
        map_field(&mut et, &path, c.column.clone(), t.clone()).unwrap();
        let m = find_field(&et, &path).unwrap().mapping.clone().into_option().unwrap();
        prop_assert_eq!(m.column_name.as_deref(), Some(c.column.as_str()));
        prop_assert_eq!(m.column_type(), Some(&t));
        prop_assert!(!m.discarded());
    }

    #[test]
    fn discard_is_idempotent(et in event_type(), c in edit_choice()) {
        let path = pick(&et, c.existing, &c.index, &c.random);
        let mut once = et.clone();
        let first = discard_field(&mut once, &path);
        let mut twice = once.clone();
        let second = discard_field(&mut twice, &path);
        prop_assert_eq!(first.is_ok(), second.is_ok());
        prop_assert_eq!(&once, &twice);
        if first.is_err() {
            prop_assert_eq!(&once, &et);
        } else {
            let m = find_field(&once, &path).unwrap().mapping.clone().into_option().unwrap();
            prop_assert!(m.discarded());
            prop_assert_eq!(m.column_type, alooma_types::Maybe::Null);
        }
    }

    #[test]
    fn remove_stats_leaves_no_stats(et in event_type()) {
        let mut et = et;
        remove_stats(&mut et);
        prop_assert!(!fuzzing::has_stats(&serde_json::to_value(&et).unwrap()));
    }

    #[test]
    fn batch_equals_one_by_one(et in event_type(), choices in prop::collection::vec(edit_choice(), 1..16)) {
        // Paths are picked on the evolving mapping, so later edits hit
        // fields that earlier ones added or removed.
        let mut sequential = et.clone();
        let mut edits = Vec::new();
        let mut failed = Vec::new();
        for (i, c) in choices.iter().enumerate() {
            let edit = make_edit(&sequential, c);
            if edit.apply(&mut sequential).is_err() {
                failed.push(i);
            }
            edits.push(edit);
        }
        let batch: Batch = edits.into_iter().collect();
        let mut batched = et.clone();
        match batch.apply(&mut batched) {
            Ok(()) => {
                prop_assert!(failed.is_empty());
                prop_assert_eq!(&batched, &sequential);
            }
            Err(e) => {
                let got: Vec<usize> = e.failures.iter().map(|f| f.index).collect();
                prop_assert_eq!(got, failed);
                prop_assert_eq!(&batched, &et);
            }
        }
    }

    #[test]
    fn edits_preserve_fields_off_their_path(et in event_type(), c in edit_choice()) {
        let edit = make_edit(&et, &c);
        let target = edit.path().clone();
        let mut after = et.clone();
        let _ = edit.apply(&mut after);
        for q in all_paths(&et) {
            let before_field = find_field(&et, &q).unwrap();
            if target.starts_with(&q) && q != target {
                // An ancestor: only its children may change.
                let now = find_field(&after, &q).unwrap();
                prop_assert_eq!(shallow(now), shallow(before_field));
            } else if !q.starts_with(&target) {
                prop_assert_eq!(find_field(&after, &q).ok(), Some(before_field), "{}", q);
            }
        }
        prop_assert_eq!(&after.extra, &et.extra);
        prop_assert_eq!(&after.mapping, &et.mapping);
    }

    #[test]
    fn streaming_decoder_matches_serde(et in event_type()) {
        let json = serde_json::to_string(&et).unwrap();
        prop_assert_eq!(decode::from_str(&json).unwrap(), et.clone());
        prop_assert_eq!(decode::from_slice(json.as_bytes()).unwrap(), et.clone());
        let mut stripped = et;
        remove_stats(&mut stripped);
        prop_assert_eq!(decode::from_str_without_stats(&json).unwrap(), stripped.clone());
        prop_assert_eq!(decode::from_slice_without_stats(json.as_bytes()).unwrap(), stripped);
    }

    #[test]
    fn field_path_display_parses_back(segments in prop::collection::vec(".{1,6}", 1..5)) {
        let path = FieldPath::from_segments(segments.clone()).unwrap();
        let shown = path.to_string();
        prop_assert_eq!(FieldPath::parse(&shown), Ok(path.clone()));
        prop_assert_eq!(path.segments(), segments.as_slice());
    }

    #[test]
    fn field_path_parse_then_display_is_stable(text in r"[a-c.\\]{0,10}") {
        if let Ok(path) = FieldPath::parse(&text) {
            prop_assert_eq!(path.to_string(), text.clone());
            prop_assert_eq!(FieldPath::parse(&path.to_string()), Ok(path));
        }
    }
}
