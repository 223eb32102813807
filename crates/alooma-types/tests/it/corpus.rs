//! The decoding policy, checked on a corpus of realistic documents: the
//! API reference's examples (`tests/fixtures/<model>/`, each file named for the operation that answered it), the emulator's demo seed
//! and shapes real users' tools wrote (`tests/corpus/<model>/`).
//!
//! For every document:
//! 1. decode → encode is the identity on JSON values;
//! 2. every optional key removed, and every optional key set to `null`,
//!    still decodes, and round-trips to the changed document;
//! 3. every number and bool written as a string (the second form real
//!    tools use) round-trips when it decodes, and decodes wherever the
//!    model reads that key leniently;
//! 4. no variant that decodes is changed by a round trip.
//!
//! Required keys (the policy's short list) are the only removals allowed to
//! fail, and then only with "missing field". The counts are printed
//! (`cargo test -p alooma-types --test corpus -- --nocapture`).
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stdout)]

use alooma_types::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A path of object keys from the document's root (array indices left out).
type Keys<'a> = [&'a str];

/// How a model treats its keys.
struct Model {
    /// The corpus folder's name.
    name: &'static str,
    /// Decodes then encodes a document.
    round_trip: fn(&Value) -> Result<Value, serde_json::Error>,
    /// Whether the key at this path is required.
    required: fn(&Keys<'_>) -> bool,
    /// Whether the object holding the key at this path is a map of entries
    /// (id → input, task id → task), whose values cannot be `null`.
    map_entry: fn(&Keys<'_>) -> bool,
}

fn rt<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_value(v.clone())?;
    serde_json::to_value(&typed)
}

fn none(_: &Keys<'_>) -> bool {
    false
}

fn event_type_required(k: &Keys<'_>) -> bool {
    k == ["name"] || k.last() == Some(&"fieldName")
}

fn models() -> Vec<Model> {
    vec![
        Model {
            name: "event_type",
            round_trip: rt::<EventType>,
            required: event_type_required,
            map_entry: none,
        },
        Model {
            name: "event_types",
            round_trip: rt::<Vec<EventType>>,
            required: event_type_required,
            map_entry: none,
        },
        Model {
            name: "structure",
            round_trip: rt::<Structure>,
            required: |k| k == ["nodes", "id"],
            map_entry: none,
        },
        Model {
            name: "node",
            round_trip: rt::<Node>,
            required: |k| k == ["id"],
            map_entry: none,
        },
        Model {
            name: "inputs",
            round_trip: rt::<BTreeMap<String, Node>>,
            required: |k| k.len() == 2 && k[1] == "id",
            map_entry: |k| k.len() == 1,
        },
        Model {
            name: "input_details",
            round_trip: rt::<InputDetails>,
            required: none,
            map_entry: |k| k.len() == 2 && k[0] == "tasks",
        },
        Model {
            name: "input_spec",
            round_trip: rt::<InputSpec>,
            required: |k| k == ["name"] || k == ["type"],
            map_entry: none,
        },
        Model {
            name: "input_sleep_time",
            round_trip: rt::<InputSleepTime>,
            required: |k| k == ["inputSleepTime"],
            map_entry: none,
        },
        Model {
            name: "redshift_config",
            round_trip: rt::<RedshiftConfig>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "snowflake_config",
            round_trip: rt::<SnowflakeConfig>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "bigquery_config",
            round_trip: rt::<BigQueryConfig>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "table",
            round_trip: rt::<Table>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "tables",
            round_trip: rt::<Vec<Table>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "columns",
            round_trip: rt::<Vec<Column>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "schemas",
            round_trip: rt::<Vec<Schema>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "code_modules",
            round_trip: rt::<Vec<CodeModule>>,
            required: |k| k == ["functionName"],
            map_entry: none,
        },
        Model {
            name: "module_code",
            round_trip: rt::<BTreeMap<String, String>>,
            required: none,
            map_entry: |k| k.len() == 1,
        },
        Model {
            name: "requirements",
            round_trip: rt::<Vec<Requirement>>,
            required: |k| k == ["name"],
            map_entry: none,
        },
        Model {
            name: "transform_result",
            round_trip: rt::<TransformResult>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "samples",
            round_trip: rt::<Vec<Sample>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "settings",
            round_trip: rt::<Settings>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "scheduled_queries",
            round_trip: rt::<ScheduledQueries>,
            required: none,
            // The v1 listing is an object of id → query.
            map_entry: |k| k.len() == 1 && k[0].chars().all(|c| c.is_ascii_digit()),
        },
        Model {
            name: "notifications",
            round_trip: rt::<Notifications>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "users",
            round_trip: rt::<Vec<User>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "company_credits",
            round_trip: rt::<CompanyCredits>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "used_credits",
            round_trip: rt::<Vec<UsedCredits>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "loaded_events",
            round_trip: rt::<Vec<LoadedEventsSummary>>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "deployment",
            round_trip: rt::<DeploymentInfo>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "status_codes",
            round_trip: rt::<StatusCodes>,
            required: none,
            // A map of status → description.
            map_entry: |k| k.len() == 1,
        },
        Model {
            name: "email_notifications",
            round_trip: rt::<EmailNotifications>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "module_text",
            round_trip: rt::<String>,
            required: none,
            map_entry: none,
        },
        Model {
            name: "metrics",
            round_trip: rt::<Vec<MetricSeries>>,
            required: |k| k == ["target"],
            map_entry: none,
        },
    ]
}

/// Keys that some model reads leniently: a string form of their number or
/// bool must decode (and round-trip) wherever they appear.
const LENIENT_KEYS: &[&str] = &[
    "length",
    "precision",
    "scale",
    "nonNull",
    "isDiscarded",
    "machineGenerated",
    "readOnly",
    "usingDefaultMappingMode",
    "count",
    "port",
    "skipValidation",
    "deleted",
    "throughput",
    "latency",
    "availbleForRestream",
    "validated",
    "paused",
    "error_count",
    "is_active",
    "avoid_duplicates",
    "distKey",
    "primaryKey",
    "sortKeyIndex",
    "default",
    "digestInfo",
    "digestWarning",
    "digestError",
    "recipientsChanged",
    "digestSendHour",
    "notificationsInDigest",
    "runtime",
    "inputSleepTime",
    "total_credits",
    "used_credits",
    "value",
    "isPending",
    "timestamp",
    "saveMetadata",
    "gzip",
    "serverSideEncryption",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn documents() -> Vec<(String, &'static str, Value)> {
    let mut docs = Vec::new();
    let read = |path: &Path| -> Value {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    for (place, model) in ["fixtures", "corpus"]
        .into_iter()
        .flat_map(|place| models().into_iter().map(move |m| (place, m)))
    {
        let folder = dir().join(place).join(model.name);
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files {
            let label = format!(
                "{place}/{}/{}",
                model.name,
                path.file_name().unwrap().to_string_lossy()
            );
            docs.push((label, model.name, read(&path)));
        }
    }
    docs
}

/// A change to one place of a document.
enum Change {
    Remove,
    Null,
    Text,
}

/// Every object key of `value`, with its keys-only path and its full path
/// (a list of steps to find it again).
fn places(value: &Value) -> Vec<(Vec<String>, Vec<Step>)> {
    fn walk(
        v: &Value,
        keys: &mut Vec<String>,
        steps: &mut Vec<Step>,
        out: &mut Vec<(Vec<String>, Vec<Step>)>,
    ) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    keys.push(k.clone());
                    steps.push(Step::Key(k.clone()));
                    out.push((keys.clone(), steps.clone()));
                    walk(child, keys, steps, out);
                    steps.pop();
                    keys.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    steps.push(Step::Index(i));
                    walk(child, keys, steps, out);
                    steps.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The document with `change` applied at `steps` (`None` when it does not apply).
fn changed(doc: &Value, steps: &[Step], change: &Change) -> Option<Value> {
    let mut out = doc.clone();
    let (last, parent) = steps.split_last()?;
    let mut slot = &mut out;
    for step in parent {
        slot = match step {
            Step::Key(k) => slot.get_mut(k.as_str())?,
            Step::Index(i) => slot.get_mut(*i)?,
        };
    }
    let Step::Key(key) = last else { return None };
    let map = slot.as_object_mut()?;
    match change {
        Change::Remove => {
            map.remove(key);
        }
        Change::Null => {
            let v = map.get_mut(key)?;
            if v.is_null() {
                return None;
            }
            *v = Value::Null;
        }
        Change::Text => {
            let v = map.get_mut(key)?;
            let text = match v {
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            *v = Value::String(text);
        }
    }
    Some(out)
}

#[derive(Default, Debug)]
struct Counts {
    documents: usize,
    removals: usize,
    nulls: usize,
    texts: usize,
    text_decoded: usize,
    required_refused: usize,
}

#[test]
fn the_corpus_round_trips_under_every_variant() {
    let models = models();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for (label, model_name, doc) in documents() {
        let model = models.iter().find(|m| m.name == model_name).unwrap();
        counts.documents += 1;
        match (model.round_trip)(&doc) {
            Ok(back) if back == doc => {}
            Ok(back) => failures.push(format!("{label}: changed by a round trip:\n  {back}")),
            Err(e) => failures.push(format!("{label}: does not decode: {e}")),
        }
        for (keys, steps) in places(&doc) {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let required = (model.required)(&keys);
            let entry = (model.map_entry)(&keys);
            let key = keys.last().copied().unwrap_or_default();
            for change in [Change::Remove, Change::Null, Change::Text] {
                let Some(variant) = changed(&doc, &steps, &change) else {
                    continue;
                };
                let what = match change {
                    Change::Remove => "without",
                    Change::Null => "with null",
                    Change::Text => "with text",
                };
                match &change {
                    Change::Remove => counts.removals += 1,
                    Change::Null => counts.nulls += 1,
                    Change::Text => counts.texts += 1,
                }
                let at = keys.join(".");
                match ((model.round_trip)(&variant), &change) {
                    (Ok(back), _) if back == variant => {
                        if matches!(change, Change::Text) {
                            counts.text_decoded += 1;
                        }
                    }
                    (Ok(back), _) => failures.push(format!(
                        "{label} {what} `{at}`: changed by a round trip: {back}"
                    )),
                    (Err(e), Change::Remove | Change::Null) if required => {
                        counts.required_refused += 1;
                        assert!(
                            e.to_string().contains("missing field")
                                || e.to_string().contains("invalid type: null"),
                            "{label} {what} `{at}`: {e}"
                        );
                    }
                    (Err(_), Change::Null) if entry => {}
                    (Err(_), Change::Text) if !LENIENT_KEYS.contains(&key) => {}
                    (Err(e), _) => {
                        failures.push(format!("{label} {what} `{at}`: does not decode: {e}"))
                    }
                }
            }
        }
    }
    println!("{counts:#?}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(counts.documents >= 50, "{counts:?}");
}

#[test]
fn wrong_types_are_kept_with_their_path() {
    for (json, path) in [
        (
            r#"{"name":"e","fields":[{"fieldName":"a","mapping":{"columnType":{"length":"long"}}}]}"#,
            "fields[0].mapping.columnType.length",
        ),
        (
            r#"{"name":"e","fields":[{"fieldName":"a","fields":5}]}"#,
            "fields[0].fields",
        ),
        (
            r#"{"name":"e","mapping":{"isDiscarded":"perhaps"}}"#,
            "mapping.isDiscarded",
        ),
        (r#"{"name":"e","stats":{"count":-3}}"#, "stats.count"),
    ] {
        let et: EventType = serde_json::from_str(json).unwrap();
        let found = mistyped_in(&et);
        assert_eq!(found.len(), 1, "{json}");
        assert_eq!(found[0].path, path, "{json}");
        assert_eq!(serde_json::to_string(&et).unwrap(), json);
    }
}

#[test]
fn required_keys_stay_errors_with_their_path() {
    for (json, path) in [
        (
            r#"[{"name":"e"},{"name":"f","fields":[{"fieldName":"a"},{"fields":[]}]}]"#,
            "[1].fields[1]",
        ),
        (r#"[{"name":"e"},{"name":5}]"#, "[1].name"),
        (
            r#"[{"name":"e","fields":[{"fieldName":["a"]}]}]"#,
            "[0].fields[0].fieldName",
        ),
    ] {
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Vec<EventType>>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), path, "{json}");
    }
}

#[test]
fn a_credential_of_another_type_is_sent_back_but_never_shown() {
    let c: RedshiftConfig = serde_json::from_str(
        r#"{"hostname":"h","password":918273645,"ssh":{"privateKey":"KEYMATERIAL"}}"#,
    )
    .unwrap();
    let shown = format!("{c:?} {:?}", c.password);
    assert!(
        !shown.contains("918273645") && !shown.contains("KEYMATERIAL"),
        "{shown}"
    );
    assert!(c.password.mistyped().unwrap().is_secret());
    let back = serde_json::to_string(&c).unwrap();
    assert!(
        back.contains("918273645") && back.contains("KEYMATERIAL"),
        "{back}"
    );
}

#[test]
fn a_panic_while_collecting_leaves_serialization_alone() {
    struct Boom;
    impl serde::Serialize for Boom {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            panic!("boom")
        }
    }
    let caught = std::panic::catch_unwind(|| mistyped_in(&Boom));
    assert!(caught.is_err());
    let kept: Consolidation = serde_json::from_str(r#"{"consolidationKeys":"ID"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&kept).unwrap(),
        r#"{"consolidationKeys":"ID"}"#
    );
}

#[test]
fn an_emptied_extra_equals_no_extra() {
    let mut a = Extra::new();
    a.insert("k".into(), 1.into());
    a.shift_remove("k");
    assert_eq!(a, Extra::new());
}
