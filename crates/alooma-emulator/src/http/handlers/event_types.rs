//! Event types and mappings: `event-types`, `event-types/{name}`,
//! `event-types/{name}/mapping`, `event-types/{name}/auto-map`,
//! `event-types/{name}/clear-stats`, `mapping-mode`.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::model::{absent_or_null, EventType, Field, MappingMode, Object};
use crate::domain::state::{object, State};
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// The body of `POST event-types/{name}/mapping`: an event type, every key
/// optional.
#[derive(Deserialize)]
struct MappingBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    fields: Option<Vec<Field>>,
    #[serde(default, deserialize_with = "absent_or_null")]
    mapping: Option<Option<Object>>,
    #[serde(rename = "mappingMode", default)]
    mapping_mode: Option<MappingMode>,
    #[serde(flatten)]
    rest: Object,
}

/// `GET event-types` → list of event types without their `fields`.
pub(crate) fn list(state: &State) -> Outcome {
    let list: Vec<Value> = state
        .event_types
        .values()
        .map(|et| {
            let mut v = json!(et);
            if let Some(obj) = v.as_object_mut() {
                obj.remove("fields");
            }
            v
        })
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET event-types/{name}` → the full event type.
pub(crate) fn get(state: &State, name: &str) -> Outcome {
    state
        .event_types
        .get(name)
        .map(|et| Reply::json(json!(et)))
        .ok_or_else(|| not_found(name))
}

/// `POST event-types/{name}/mapping`: the body (an event type) replaces the
/// mapping-related keys; the event type is created when missing.
/// Answers the stored event type.
pub(crate) fn set_mapping(state: &mut State, req: &Req<'_>, name: &str) -> Outcome {
    let body: MappingBody = req.body()?;
    if body.name.as_deref().is_some_and(|n| n != name) {
        return Err(ApiError::bad_request(format!(
            "the body's name {:?} does not match the event type {name:?}",
            body.name.unwrap_or_default()
        )));
    }
    let default_mode = state.mapping_mode;
    let et = state
        .event_types
        .entry(name.to_owned())
        .or_insert_with(|| new_event_type(name, default_mode));
    if let Some(fields) = body.fields {
        et.fields = fields;
    }
    match body.mapping {
        Some(Some(mapping)) => {
            et.rest.insert("mapping".into(), Value::Object(mapping));
        }
        Some(None) => {
            et.rest.insert("mapping".into(), Value::Null);
        }
        None => {}
    }
    if let Some(mode) = body.mapping_mode {
        et.rest.insert("mappingMode".into(), json!(mode));
        et.rest
            .insert("usingDefaultMappingMode".into(), json!(false));
    }
    for (key, value) in body.rest {
        if key != "stats" {
            et.rest.insert(key, value);
        }
    }
    let discarded = et
        .rest
        .get("mapping")
        .and_then(|m| m.get("isDiscarded"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    et.rest.insert(
        "state".into(),
        json!(if discarded { "DISCARDED" } else { "MAPPED" }),
    );
    Ok(Reply::json(json!(et)))
}

/// `POST event-types/{name}/auto-map`: maps every unmapped field (a
/// `null` mapping, at any depth, that has no nested fields) to a column
/// named after its path, of type `VARCHAR(1024)`, marked
/// `machineGenerated`. Fields already mapped or discarded are left alone.
/// Answers the event type.
pub(crate) fn auto_map(state: &mut State, name: &str) -> Outcome {
    let et = state
        .event_types
        .get_mut(name)
        .ok_or_else(|| not_found(name))?;
    Field::walk_mut(&mut et.fields, "", &mut |path, field| {
        let unmapped = field.rest.get("mapping").is_none_or(Value::is_null);
        if field.fields.is_empty() && unmapped {
            let column: String = path
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            field.rest.insert(
                "mapping".into(),
                json!({
                    "columnName": column, "isDiscarded": false, "machineGenerated": true,
                    "subFields": null,
                    "columnType": {"type": "VARCHAR", "length": 1024, "nonNull": false, "truncate": false},
                }),
            );
        }
    });
    let discarded = et
        .rest
        .get("mapping")
        .and_then(|m| m.get("isDiscarded"))
        .is_some_and(|d| *d == true);
    if !discarded {
        et.rest.insert("state".into(), json!("MAPPED"));
    }
    Ok(Reply::json(json!(et)))
}

/// `DELETE event-types/{name}/clear-stats`: forgets the event type's
/// counters (its `stats` and every field's become `null`).
pub(crate) fn clear_stats(state: &mut State, name: &str) -> Outcome {
    let et = state
        .event_types
        .get_mut(name)
        .ok_or_else(|| not_found(name))?;
    et.rest.insert("stats".into(), Value::Null);
    Field::walk_mut(&mut et.fields, "", &mut |_, field| {
        if field.rest.contains_key("stats") {
            field.rest.insert("stats".into(), Value::Null);
        }
    });
    Ok(Reply::no_content())
}

/// `DELETE event-types/{name}`.
pub(crate) fn delete(state: &mut State, name: &str) -> Outcome {
    state
        .event_types
        .remove(name)
        .map(|_| Reply::empty())
        .ok_or_else(|| not_found(name))
}

/// `GET mapping-mode` → a JSON string.
pub(crate) fn get_mode(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.mapping_mode)))
}

/// `POST mapping-mode` with a JSON string body (`"STRICT"`).
pub(crate) fn set_mode(state: &mut State, req: &Req<'_>) -> Outcome {
    let mode: MappingMode = req.body()?;
    state.mapping_mode = mode;
    Ok(Reply::json(json!(mode)))
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("no event type named {name:?}"))
}

/// A new event type with a small mapping (an `id` and a `created_at`
/// field mapped to columns of a table named after the event type).
pub(crate) fn new_event_type(name: &str, mapping_mode: MappingMode) -> EventType {
    let table: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let field = |name: &str, column_type: Value| Field {
        field_name: name.to_owned(),
        fields: Vec::new(),
        rest: object(json!({
            "stats": null,
            "mapping": {"columnName": name, "isDiscarded": false, "columnType": column_type},
        })),
    };
    EventType {
        name: name.to_owned(),
        fields: vec![
            field(
                "id",
                json!({"type": "VARCHAR", "length": 256, "nonNull": true, "truncate": false}),
            ),
            field("created_at", json!({"type": "TIMESTAMP", "nonNull": false})),
        ],
        rest: object(json!({
            "origInputLabel": name,
            "autoMappingError": null,
            "stats": null,
            "state": "MAPPED",
            "usingDefaultMappingMode": true,
            "mappingMode": mapping_mode,
            "schemaUrls": [],
            "consolidation": {
                "consolidatedSchema": null, "consolidatedTableName": null,
                "viewSchema": null, "consolidationKeys": null,
            },
            "mapping": {"isDiscarded": false, "tableName": table, "readOnly": false, "schema": "public"},
        })),
    }
}

crate::http::route::route_table! {
    GET "event-types" as get_event_types => |state, _req, _p| list(state),
    GET "event-types/{name}" as get_event_type => |state, _req, p| { let name = p[0]; get(state, name) },
    DELETE "event-types/{name}" as delete_event_type => |state, _req, p| { let name = p[0]; delete(state, name) },
    POST "event-types/{name}/mapping" as set_mapping => |state, req, p| { let name = p[0]; set_mapping(state, req, name) },
    POST "event-types/{name}/auto-map" as auto_map_event_type => |state, _req, p| { let name = p[0]; auto_map(state, name) },
    DELETE "event-types/{name}/clear-stats" as clear_event_type_stats => |state, _req, p| { let name = p[0]; clear_stats(state, name) },
    GET "mapping-mode" as get_mapping_mode => |state, _req, _p| get_mode(state),
    POST "mapping-mode" as set_mapping_mode => |state, req, _p| set_mode(state, req),
}
