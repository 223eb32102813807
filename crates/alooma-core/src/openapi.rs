//! The API's contract as an OpenAPI 3.1 document (feature `schema`),
//! generated from the one place operations are declared.
//!
//! Paths, methods, path and query parameters, summaries, retry safety
//! (`x-alooma-retry`), areas, deprecation and per-operation timeouts come
//! from the [registry](crate::operations) (query parameters from the
//! operations' examples); request and response schemas come from the wire
//! models, derived with `schemars` (see [`alooma_types::schema`]). Secrets
//! are `writeOnly` with `format: password`; every schema accepts the
//! variants the models read (a number or its text, `null` or absent).
//!
//! Operations that share a request (`get_event_type` and `get_mapping`)
//! are one OpenAPI operation, named by the first and listing the others in
//! `x-alooma-operations`. `cargo xtask openapi` writes the document to
//! `openapi/alooma.json`; a test keeps the committed file current.
//!
//! ```
//! let doc = alooma_core::openapi::document();
//! assert_eq!(doc["openapi"], "3.1.0");
//! assert!(doc["paths"]["/event-types/{name}"]["get"].is_object());
//! ```

use std::collections::BTreeMap;

use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::registry::Answer;
use crate::{operations, RetrySafety, Verb};

/// Links between operations, for stateful testing: (from operation, to
/// operation, the parameter, where its value comes from).
const LINKS: &[(&str, &str, &str, &str)] = &[
    (
        "create_input",
        "get_input_by_id",
        "id",
        "$response.body#/id",
    ),
    ("create_input", "edit_input", "id", "$response.body#/id"),
    (
        "create_input",
        "get_input_sleep_time",
        "id",
        "$response.body#/id",
    ),
    (
        "create_input",
        "pause_input_by_id",
        "id",
        "$response.body#/id",
    ),
    ("create_input", "remove_input", "id", "$response.body#/id"),
    ("schedule_query", "run_query", "id", "$response.body#/id"),
    (
        "schedule_query",
        "remove_scheduled_query",
        "id",
        "$response.body#/id",
    ),
    (
        "schedule_default_query",
        "run_query",
        "id",
        "$response.body#/id",
    ),
    (
        "schedule_default_query",
        "remove_scheduled_query",
        "id",
        "$response.body#/id",
    ),
    (
        "set_mapping",
        "get_event_type",
        "name",
        "$request.path.name",
    ),
    (
        "set_mapping",
        "delete_event_type",
        "name",
        "$request.path.name",
    ),
    (
        "create_table_in_schema",
        "get_table",
        "table",
        "$request.path.table",
    ),
    (
        "create_table_in_schema",
        "drop_table",
        "table",
        "$request.path.table",
    ),
];

/// One OpenAPI operation: the registry operations that share its request.
struct Group {
    verb: Verb,
    path: String,
    names: Vec<&'static str>,
}

/// The paths a registry template stands for: `a | b` is either, and an
/// optional segment `{schema?}` may be left out.
fn concrete_paths(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    for alternative in template.split(" | ") {
        // A trailing `/` is kept: it is part of what the client sends.
        let alternative = alternative.trim();
        let segs: Vec<&str> = alternative.split('/').collect();
        let optional = segs.iter().position(|s| s.ends_with("?}"));
        let render = |segs: &[&str]| {
            let body: Vec<String> = segs.iter().map(|s| s.replace("?}", "}")).collect();
            format!("/{}", body.join("/"))
        };
        match optional {
            Some(i) => {
                out.push(render(&segs[..i]));
                out.push(render(&segs));
            }
            None => out.push(render(&segs)),
        }
    }
    out
}

/// The path with its parameters' names left out (`/a/{}`): two templates
/// that differ only in those are the same OpenAPI path.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn method(verb: Verb) -> &'static str {
    match verb {
        Verb::Get => "get",
        Verb::Post => "post",
        Verb::Put => "put",
        Verb::Delete => "delete",
    }
}

/// The query parameters of an operation's examples (name → in every
/// one), whether every example sends a body, and how many do.
fn example_queries(name: &str) -> (BTreeMap<String, bool>, bool, usize) {
    let Some(info) = crate::operation(name) else {
        return (BTreeMap::new(), false, 0);
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let (mut with_body, mut n) = (0, 0);
    for example in info.examples() {
        let Ok(req) = example.operation.build() else {
            continue;
        };
        n += 1;
        if !req.body().is_empty() {
            with_body += 1;
        }
        let mut keys: Vec<String> = req
            .uri()
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split('=').next().unwrap_or(p).to_owned())
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let queries = seen.into_iter().map(|(k, c)| (k, c == n)).collect();
    (queries, with_body > 0 && with_body == n, with_body)
}

fn error_response() -> Value {
    json!({
        "description": "An error: the status, its reason and a message (the emulator's and the service's error body).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// The OpenAPI 3.1 document of the whole API.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();

    // Group the registry by request shape, keeping the registry's order.
    let mut groups: Vec<Group> = Vec::new();
    for info in operations() {
        let meta = info.meta();
        for path in concrete_paths(meta.path) {
            match groups
                .iter_mut()
                .find(|g| g.verb == meta.verb && shape(&g.path) == shape(&path))
            {
                Some(g) => g.names.push(meta.name),
                None => groups.push(Group {
                    verb: meta.verb,
                    path,
                    names: vec![meta.name],
                }),
            }
        }
    }

    let mut paths: Map<String, Value> = Map::new();
    let mut used_ids = std::collections::BTreeSet::new();
    for g in &groups {
        let Some(first) = crate::operation(g.names[0]) else {
            continue;
        };
        let meta = first.meta();
        // The same operation under a second path (`tables` and
        // `tables/{schema}`) gets an id of its own.
        let id = if used_ids.contains(meta.name) {
            format!("{}_{}", meta.name, g.path.matches('/').count())
        } else {
            meta.name.to_owned()
        };
        used_ids.insert(id.clone());
        let mut parameters: Vec<Value> = g
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|p| {
                json!({"name": p, "in": "path", "required": true,
                       "schema": {"type": "string", "minLength": 1}})
            })
            .collect();
        let per_op: Vec<_> = g.names.iter().map(|n| example_queries(n)).collect();
        let names: std::collections::BTreeSet<&String> =
            per_op.iter().flat_map(|(q, ..)| q.keys()).collect();
        for name in names {
            // The registry's examples show which parameters an operation
            // sends, not which the server needs: every one is optional.
            parameters.push(json!({"name": name, "in": "query", "required": false,
                                   "schema": {"type": "string"}}));
        }
        let body_required = per_op.iter().all(|(_, required, _)| *required);
        let any_body = per_op.iter().any(|(.., with_body)| *with_body > 0);
        let mut op = Map::new();
        op.insert("operationId".into(), json!(id));
        op.insert("summary".into(), json!(meta.summary));
        op.insert(
            "description".into(),
            json!(format!(
                "`{}` of the reference client{}. {}",
                meta.name,
                if g.names.len() > 1 {
                    format!(" (also {})", g.names[1..].join(", "))
                } else {
                    String::new()
                },
                match meta.retry {
                    RetrySafety::Idempotent =>
                        "Idempotent: safe to retry after it may have reached the server.",
                    RetrySafety::NotIdempotent =>
                        "Not idempotent: never re-sent once it may have reached the server.",
                }
            )),
        );
        op.insert("tags".into(), json!([meta.area]));
        if meta.deprecated {
            op.insert("deprecated".into(), json!(true));
        }
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        let body = g
            .names
            .iter()
            .find_map(|n| crate::operation(n).and_then(|info| info.body_schema(&mut generator)));
        match (body, any_body) {
            (Some(schema), _) => {
                op.insert(
                    "requestBody".into(),
                    json!({"required": body_required,
                           "content": {"application/json": {"schema": schema}}}),
                );
            }
            (None, true) => {
                op.insert(
                    "requestBody".into(),
                    json!({"required": body_required,
                           "content": {"application/json": {"schema": {}}}}),
                );
            }
            (None, false) => {}
        }
        let answer = match first.answer_schema(&mut generator) {
            // `()`: nothing is read of the body.
            Answer::Json(schema) if schema.as_value() == &json!({"type": "null"}) => Answer::Empty,
            other => other,
        };
        let mut ok = match answer {
            Answer::Json(schema) => json!({"description": "The answer.",
                "content": {"application/json": {"schema": schema}}}),
            Answer::JsonOrEmpty(schema) => {
                json!({"description": "The answer (possibly an empty body).",
                "content": {"application/json": {"schema": schema}}})
            }
            Answer::Empty => json!({"description": "Done: an empty body."}),
            _ => json!({"description": "The answer (JSON this document does not describe).",
                "content": {"application/json": {"schema": {}}}}),
        };
        let links: Map<String, Value> = LINKS
            .iter()
            .filter(|(from, ..)| g.names.contains(from))
            .map(|(_, to, param, expr)| {
                (
                    (*to).to_owned(),
                    json!({"operationId": to, "parameters": {*param: expr}}),
                )
            })
            .collect();
        if !links.is_empty() {
            if let Some(obj) = ok.as_object_mut() {
                obj.insert("links".into(), Value::Object(links));
            }
        }
        op.insert(
            "responses".into(),
            json!({"200": ok, "default": error_response()}),
        );
        op.insert(
            "x-alooma-retry".into(),
            json!(match meta.retry {
                RetrySafety::Idempotent => "idempotent",
                RetrySafety::NotIdempotent => "not-idempotent",
            }),
        );
        op.insert("x-alooma-operations".into(), json!(g.names));
        if let Some(t) = meta.timeout {
            op.insert("x-alooma-timeout-seconds".into(), json!(t.as_secs()));
        }
        let item = paths
            .entry(g.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(item) = item.as_object_mut() {
            item.insert(method(g.verb).into(), Value::Object(op));
        }
    }

    // The links point at operation ids that exist.
    let known: Vec<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut() {
            if let Some(links) = op
                .pointer_mut("/responses/200/links")
                .and_then(Value::as_object_mut)
            {
                links.retain(|to, _| known.contains(to));
            }
        }
    }

    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert(
        "ErrorBody".into(),
        json!({"type": "object",
               "properties": {"status": {"type": "integer"}, "error": {"type": "string"},
                              "message": {"type": "string"}},
               "additionalProperties": true}),
    );
    let schemas: BTreeMap<String, Value> = schemas.into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Alooma REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "The Alooma data-pipeline REST API, as the reference Python client (alooma 0.4.16) used it.",
            "description": "Generated by alooma-rs from its operation registry and wire models (`cargo xtask openapi`). Every path is under the account's REST root, `{base}/{account}/rest`.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "servers": [
            {"url": "https://app.alooma.com/{account}/rest", "description": "the hosted service (gone)",
             "variables": {"account": {"default": "acme"}}},
            {"url": "http://127.0.0.1:{port}/{account}/rest", "description": "alooma emulator serve",
             "variables": {"port": {"default": "8080"}, "account": {"default": "acme"}}}
        ],
        "security": [{"apiKey": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                           "description": "`API <key>`"}
            },
            "schemas": schemas
        }
    })
}

/// The document as the committed file holds it: pretty JSON, a trailing
/// newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
