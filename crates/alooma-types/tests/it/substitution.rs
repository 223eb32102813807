//! The fidelity guarantee, for every model and every optional key: a value
//! of any JSON kind at an optional key decodes and is written back to the
//! same bytes.
//!
//! The keys come from the models' JSON Schemas (the ones the OpenAPI
//! description is built from), so a key added to a model is covered
//! without anyone listing it. The documents are the corpus of realistic
//! documents (`tests/corpus/<model>/`, the API reference's examples) and,
//! for every model, one document made from its schema with every key
//! filled. At each object of each document, every optional key of its
//! schema (present or not) is set to each value of [`substitutes`], and
//! the document must decode and encode to the same text. The counts are
//! printed (`cargo test -p alooma-types --all-features --test it
//! substitution -- --nocapture`).
#![allow(clippy::print_stdout)]

use alooma_types::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Map, Value};
use std::path::Path;

/// One model: its name (the corpus folder and the schema's name), how a
/// text round-trips through it, and its JSON Schema.
struct Model {
    name: &'static str,
    round_trip: fn(&str) -> Result<String, serde_json::Error>,
    schema: fn() -> Value,
}

fn rt<T: DeserializeOwned + Serialize>(text: &str) -> Result<String, serde_json::Error> {
    let typed: T = serde_json::from_str(text)?;
    serde_json::to_string(&typed)
}

macro_rules! models {
    ($($name:literal => $t:ty),+ $(,)?) => {
        vec![$(Model {
            name: $name,
            round_trip: rt::<$t>,
            schema: || serde_json::to_value(schemars::schema_for!($t)).unwrap(),
        }),+]
    };
}

/// Every wire model of the crate that is an object (scalars and enums have
/// no keys), under the name of its corpus folder where it has one.
fn models() -> Vec<Model> {
    models![
        "event_type" => EventType,
        "event_types" => Vec<EventType>,
        "EventTypeMapping" => EventTypeMapping,
        "Field" => Field,
        "FieldMapping" => FieldMapping,
        "ColumnType" => ColumnType,
        "Consolidation" => Consolidation,
        "EventTypeStats" => EventTypeStats,
        "structure" => Structure,
        "node" => Node,
        "NodeStats" => NodeStats,
        "RestreamStats" => RestreamStats,
        "inputs" => std::collections::BTreeMap<String, Node>,
        "input_spec" => InputSpec,
        "input_details" => InputDetails,
        "InputJob" => InputJob,
        "InputTask" => InputTask,
        "input_sleep_time" => InputSleepTime,
        "metrics" => Vec<MetricSeries>,
        "notifications" => Notifications,
        "Notification" => Notification,
        "CustomNotification" => CustomNotification,
        "redshift_config" => RedshiftConfig,
        "snowflake_config" => SnowflakeConfig,
        "bigquery_config" => BigQueryConfig,
        "OutputConfig" => OutputConfig,
        "OutputUpdate" => OutputUpdate,
        "scheduled_queries" => ScheduledQueries,
        "ScheduledQuery" => ScheduledQuery,
        "QueryConfiguration" => QueryConfiguration,
        "samples" => Vec<Sample>,
        "settings" => Settings,
        "EmailNotifications" => EmailNotifications,
        "S3Retention" => S3Retention,
        "table" => Table,
        "tables" => Vec<Table>,
        "columns" => Vec<Column>,
        "schemas" => Vec<Schema>,
        "users" => Vec<User>,
        "code_modules" => Vec<CodeModule>,
        "requirements" => Vec<Requirement>,
        "transform_result" => TransformResult,
        "company_credits" => CompanyCredits,
        "used_credits" => Vec<UsedCredits>,
        "loaded_events" => Vec<LoadedEventsSummary>,
        "deployment" => DeploymentInfo,
    ]
}

/// Each JSON kind: empty and non-empty strings, integers, floats, both
/// bools, `null`, lists (empty and of each scalar kind), objects (empty and
/// small).
fn substitutes() -> Vec<Value> {
    vec![
        json!(""),
        json!("word"),
        json!("ID"),
        json!(0),
        json!(7),
        json!(-3),
        json!(1.5),
        json!(true),
        json!(false),
        json!(null),
        json!([]),
        json!([""]),
        json!(["word"]),
        json!([7]),
        json!([1.5]),
        json!([true]),
        json!([false]),
        json!([null]),
        json!({}),
        json!({"k": "v"}),
    ]
}

/// A schema and the root document its `$ref`s point into.
#[derive(Clone, Copy)]
struct Schemas<'a> {
    root: &'a Value,
}

impl<'a> Schemas<'a> {
    /// Follows `$ref`s.
    fn resolve(&self, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => {
                    let name = r.rsplit('/').next().unwrap_or_default();
                    match self.root.get("$defs").and_then(|d| d.get(name)) {
                        Some(next) => s = next,
                        None => return s,
                    }
                }
                None => return s,
            }
        }
        s
    }

    /// The branches of a schema (`anyOf`, `oneOf`), resolved; the schema
    /// itself when it has none.
    fn branches(&self, s: &'a Value) -> Vec<&'a Value> {
        let s = self.resolve(s);
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = s.get(key).and_then(Value::as_array) {
                return list.iter().flat_map(|b| self.branches(b)).collect();
            }
        }
        vec![s]
    }

    /// The object schemas (with `properties`) among the branches.
    fn objects(&self, s: &'a Value) -> Vec<&'a Value> {
        self.branches(s)
            .into_iter()
            .filter(|b| b.get("properties").is_some())
            .collect()
    }

    /// The item schemas of the list branches.
    fn items(&self, s: &'a Value) -> Vec<&'a Value> {
        self.branches(s)
            .into_iter()
            .filter_map(|b| b.get("items"))
            .collect()
    }

    /// A value of the schema with every key filled (to `depth` levels).
    fn full(&self, s: &'a Value, depth: usize) -> Value {
        let branches = self.branches(s);
        let pick = branches
            .iter()
            .find(|b| b.get("properties").is_some())
            .or_else(|| {
                branches
                    .iter()
                    .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            })
            .copied()
            .unwrap_or(s);
        if let Some(props) = pick.get("properties").and_then(Value::as_object) {
            let mut out = Map::new();
            if depth == 0 {
                for key in required(pick) {
                    if let Some(p) = props.get(&key) {
                        out.insert(key, self.full(p, 0));
                    }
                }
            } else {
                for (key, p) in props {
                    out.insert(key.clone(), self.full(p, depth - 1));
                }
            }
            return Value::Object(out);
        }
        if let Some(example) = pick
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return example.clone();
        }
        if let Some(prefix) = pick.get("prefixItems").and_then(Value::as_array) {
            return Value::Array(prefix.iter().map(|p| self.full(p, 0)).collect());
        }
        if let Some(items) = pick.get("items") {
            if depth == 0 {
                return json!([]);
            }
            return json!([self.full(items, depth - 1)]);
        }
        let ty = match pick.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("string")
                .to_owned(),
            _ => String::new(),
        };
        match ty.as_str() {
            "integer" => json!(1),
            "number" => json!(2.5),
            "boolean" => json!(true),
            "object" => json!({}),
            "array" => json!([]),
            "null" => Value::Null,
            _ => json!("x"),
        }
    }
}

fn required(s: &Value) -> Vec<String> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Default)]
struct Counts {
    models: usize,
    documents: usize,
    optional_keys: usize,
    substitutions: usize,
}

/// A step of the path from the document's root to an object.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'v>(doc: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut v = doc;
    for step in path {
        v = match step {
            Step::Key(k) => v.get_mut(k)?,
            Step::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

fn show(path: &[Step], key: &str) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if !out.is_empty() {
        out.push('.');
    }
    out + key
}

/// Walks `value` (at `path` in `doc`) with its schema; at each object,
/// substitutes every optional key.
#[allow(clippy::too_many_arguments)]
fn walk(
    model: &Model,
    schemas: Schemas<'_>,
    doc: &Value,
    value: &Value,
    schema: &Value,
    path: &mut Vec<Step>,
    counts: &mut Counts,
    failures: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            for object in schemas.objects(schema) {
                let req = required(object);
                let Some(props) = object.get("properties").and_then(Value::as_object) else {
                    continue;
                };
                for (key, sub) in props {
                    if req.contains(key) {
                        continue;
                    }
                    counts.optional_keys += 1;
                    for s in substitutes() {
                        let mut changed = doc.clone();
                        let Some(Value::Object(target)) = at(&mut changed, path) else {
                            continue;
                        };
                        // A key the document has keeps its place; a new one
                        // goes last, and the model writes it in its place.
                        let present = target.contains_key(key);
                        target.insert(key.clone(), s.clone());
                        let text = serde_json::to_string(&changed).unwrap();
                        counts.substitutions += 1;
                        match (model.round_trip)(&text) {
                            Ok(back) if back == text => {}
                            Ok(back)
                                if !present
                                    && same_value_and_text(&back, &changed, path, key, &s) => {}
                            Ok(back) => failures.push(format!(
                                "{} `{}` = {s}: written back differently:\n  {text}\n  {back}",
                                model.name,
                                show(path, key)
                            )),
                            Err(e) => failures.push(format!(
                                "{} `{}` = {s}: does not decode: {e}",
                                model.name,
                                show(path, key)
                            )),
                        }
                    }
                    if let Some(inner) = map.get(key) {
                        path.push(Step::Key(key.clone()));
                        walk(model, schemas, doc, inner, sub, path, counts, failures);
                        path.pop();
                    }
                }
                for key in req {
                    if let (Some(inner), Some(sub)) = (map.get(&key), props.get(&key)) {
                        path.push(Step::Key(key.clone()));
                        walk(model, schemas, doc, inner, sub, path, counts, failures);
                        path.pop();
                    }
                }
            }
            // A map of entries (id → object): each entry with the schema of
            // its values.
            for branch in schemas.branches(schema) {
                if let Some(entry) = branch.get("additionalProperties").filter(|a| a.is_object()) {
                    for (key, inner) in map.iter().take(2) {
                        path.push(Step::Key(key.clone()));
                        walk(model, schemas, doc, inner, entry, path, counts, failures);
                        path.pop();
                    }
                }
            }
        }
        Value::Array(list) => {
            for items in schemas.items(schema) {
                for (i, inner) in list.iter().enumerate().take(2) {
                    path.push(Step::Index(i));
                    walk(model, schemas, doc, inner, items, path, counts, failures);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Whether `back` is the document `changed` (keys in any order) and holds
/// exactly the text of `value` at `key` of the object at `path`.
fn same_value_and_text(
    back: &str,
    changed: &Value,
    path: &[Step],
    key: &str,
    value: &Value,
) -> bool {
    let Ok(mut tree) = serde_json::from_str::<Value>(back) else {
        return false;
    };
    if tree != *changed {
        return false;
    }
    let Some(Value::Object(object)) = at(&mut tree, path) else {
        return false;
    };
    object.get(key).map(|v| serde_json::to_string(v).unwrap())
        == Some(serde_json::to_string(value).unwrap())
}

fn corpus_documents(name: &str) -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    let mut docs = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&p).unwrap();
                docs.push(serde_json::from_str(&text).unwrap());
            }
        }
    }
    docs
}

#[test]
fn every_kind_at_every_optional_key_is_written_back_as_read() {
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for model in models() {
        counts.models += 1;
        let root = (model.schema)();
        let schemas = Schemas { root: &root };
        let mut docs = corpus_documents(model.name);
        docs.push(schemas.full(&root, 3));
        for doc in docs {
            // The document as the model writes it (known keys in the
            // model's order): then every key it has stays in place.
            let text = serde_json::to_string(&doc).unwrap();
            let doc: Value = match (model.round_trip)(&text) {
                Ok(back) if serde_json::from_str::<Value>(&back).unwrap() == doc => {
                    serde_json::from_str(&back).unwrap()
                }
                other => {
                    failures.push(format!(
                        "{}: the document itself: {other:?}\n  {text}",
                        model.name
                    ));
                    continue;
                }
            };
            counts.documents += 1;
            walk(
                &model,
                schemas,
                &doc,
                &doc,
                &root,
                &mut Vec::new(),
                &mut counts,
                &mut failures,
            );
        }
    }
    println!("{counts:#?}");
    assert!(
        failures.is_empty(),
        "{} failures (of {} substitutions):\n{}",
        failures.len(),
        counts.substitutions,
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        counts.models >= 40 && counts.substitutions > 10_000,
        "{counts:?}"
    );
}

/// Every object schema of the OpenAPI description that is one of this
/// crate's models is in [`models`], so a new model cannot be left out.
#[test]
fn every_model_of_the_openapi_description_is_covered() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/alooma.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        // Packaged on its own, the crate has no OpenAPI file beside it.
        return;
    };
    let doc: Value = serde_json::from_str(&text).unwrap();
    let covered: Vec<Value> = models().iter().map(|m| (m.schema)()).collect();
    let covered_names: Vec<String> = covered
        .iter()
        .filter_map(|s| s.get("title").and_then(Value::as_str).map(String::from))
        .chain(covered.iter().flat_map(|s| {
            s.get("$defs")
                .and_then(Value::as_object)
                .map(|d| d.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        }))
        .collect();
    // Bodies of alooma-core's requests, not models of this crate.
    let bodies = [
        "CustomQueryBody",
        "ModuleBody",
        "TestCodeEngineBody",
        "TestTransformBody",
        "TransformBody",
        "ErrorBody",
        "ModuleCode",
        "Repository",
        "SleepTime",
    ];
    let mut missing = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let is_object = schema.get("properties").is_some();
        if is_object && !bodies.contains(&name.as_str()) && !covered_names.contains(name) {
            missing.push(name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "models without the substitution test: {missing:?}"
    );
}
