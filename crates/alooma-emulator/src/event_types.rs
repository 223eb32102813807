//! Event types and mappings: `event-types`, `event-types/{name}`,
//! `event-types/{name}/mapping`, `mapping-mode`.

use serde_json::{json, Value};

use crate::reply::{kind, ApiError, Outcome, Reply, Req};
use crate::state::{State, MAPPING_MODES};

/// `GET event-types` → list of event types without their `fields`.
pub(crate) fn list(state: &State) -> Outcome {
    let list: Vec<Value> = state
        .event_types
        .values()
        .map(|et| {
            let mut et = et.clone();
            if let Some(obj) = et.as_object_mut() {
                obj.remove("fields");
            }
            et
        })
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET event-types/{name}` → the full event type.
pub(crate) fn get(state: &State, name: &str) -> Outcome {
    state
        .event_types
        .get(name)
        .cloned()
        .map(Reply::json)
        .ok_or_else(|| not_found(name))
}

/// `POST event-types/{name}/mapping`: the body (an event type) replaces the
/// mapping-related keys; the event type is created when missing.
/// Answers the stored event type.
pub(crate) fn set_mapping(state: &mut State, req: &Req<'_>, name: &str) -> Outcome {
    let body = req.json_object()?;
    if let Some(n) = body.get("name") {
        if n.as_str().is_some_and(|n| n != name) {
            return Err(ApiError::bad_request(format!(
                "the body's name {n} does not match the event type {name:?}"
            )));
        }
    }
    match body.get("fields") {
        None | Some(Value::Array(_)) => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`fields` must be a list, not {}",
                kind(other)
            )))
        }
    }
    if let Some(m) = body.get("mapping") {
        if !m.is_object() && !m.is_null() {
            return Err(ApiError::bad_request(format!(
                "`mapping` must be an object, not {}",
                kind(m)
            )));
        }
    }
    if let Some(mode) = body.get("mappingMode") {
        if !mode.as_str().is_some_and(|m| MAPPING_MODES.contains(&m)) {
            return Err(ApiError::bad_request(format!(
                "`mappingMode` must be one of {MAPPING_MODES:?}"
            )));
        }
    }
    let default_mode = state.mapping_mode.clone();
    let et = state
        .event_types
        .entry(name.to_owned())
        .or_insert_with(|| new_event_type(name, &default_mode));
    let Some(obj) = et.as_object_mut() else {
        return Err(ApiError::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "stored event type is not an object",
        ));
    };
    for (key, value) in body {
        if key == "stats" {
            continue;
        }
        if key == "mappingMode" {
            obj.insert("usingDefaultMappingMode".into(), json!(false));
        }
        obj.insert(key, value);
    }
    obj.insert("name".into(), json!(name));
    let discarded = obj
        .get("mapping")
        .and_then(|m| m.get("isDiscarded"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    obj.insert(
        "state".into(),
        json!(if discarded { "DISCARDED" } else { "MAPPED" }),
    );
    Ok(Reply::json(et.clone()))
}

/// `POST event-types/{name}/auto-map`: maps every unmapped field (a
/// `null` mapping, at any depth, that has no nested fields) to a column
/// named after its path, of type `VARCHAR(1024)`, marked
/// `machineGenerated`. Fields already mapped or discarded are left alone.
/// Answers the event type.
pub(crate) fn auto_map(state: &mut State, name: &str) -> Outcome {
    fn walk(fields: &mut [Value], prefix: &str) {
        for field in fields {
            let name = field["fieldName"].as_str().unwrap_or_default().to_owned();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}_{name}")
            };
            let has_children = field["fields"].as_array().is_some_and(|c| !c.is_empty());
            if has_children {
                if let Some(children) = field["fields"].as_array_mut() {
                    walk(children, &path);
                }
            } else if field.get("mapping").map_or(true, Value::is_null) {
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
                field["mapping"] = json!({
                    "columnName": column, "isDiscarded": false, "machineGenerated": true,
                    "subFields": null,
                    "columnType": {"type": "VARCHAR", "length": 1024, "nonNull": false, "truncate": false},
                });
            }
        }
    }
    let et = state
        .event_types
        .get_mut(name)
        .ok_or_else(|| not_found(name))?;
    if let Some(fields) = et.get_mut("fields").and_then(Value::as_array_mut) {
        walk(fields, "");
    }
    if et["mapping"]["isDiscarded"] != true {
        et["state"] = json!("MAPPED");
    }
    Ok(Reply::json(et.clone()))
}

/// `DELETE event-types/{name}/clear-stats`: forgets the event type's
/// counters (its `stats` and every field's become `null`).
pub(crate) fn clear_stats(state: &mut State, name: &str) -> Outcome {
    fn walk(fields: &mut [Value]) {
        for field in fields {
            if let Some(obj) = field.as_object_mut() {
                if obj.contains_key("stats") {
                    obj.insert("stats".into(), Value::Null);
                }
            }
            if let Some(children) = field.get_mut("fields").and_then(Value::as_array_mut) {
                walk(children);
            }
        }
    }
    let et = state
        .event_types
        .get_mut(name)
        .ok_or_else(|| not_found(name))?;
    et["stats"] = Value::Null;
    if let Some(fields) = et.get_mut("fields").and_then(Value::as_array_mut) {
        walk(fields);
    }
    Ok(Reply::empty())
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

/// `POST mapping-mode` with a JSON string body.
pub(crate) fn set_mode(state: &mut State, req: &Req<'_>) -> Outcome {
    let value = req.json()?;
    let mode = value
        .as_str()
        .filter(|m| MAPPING_MODES.contains(m))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "the body must be a JSON string, one of {MAPPING_MODES:?}"
            ))
        })?;
    state.mapping_mode = mode.to_owned();
    Ok(Reply::json(json!(mode)))
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("no event type named {name:?}"))
}

/// A new event type with a small mapping (an `id` and a `created_at`
/// field mapped to columns of a table named after the event type).
pub(crate) fn new_event_type(name: &str, mapping_mode: &str) -> Value {
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
    json!({
        "name": name,
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
        "fields": [
            {
                "fieldName": "id", "fields": [], "stats": null,
                "mapping": {
                    "columnName": "id", "isDiscarded": false,
                    "columnType": {"type": "VARCHAR", "length": 256, "nonNull": true, "truncate": false},
                },
            },
            {
                "fieldName": "created_at", "fields": [], "stats": null,
                "mapping": {
                    "columnName": "created_at", "isDiscarded": false,
                    "columnType": {"type": "TIMESTAMP", "nonNull": false},
                },
            },
        ],
    })
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "event-types" => |state, _req, _p| list(state),
    GET "event-types/{name}" => |state, _req, p| { let name = p[0]; get(state, name) },
    DELETE "event-types/{name}" => |state, _req, p| { let name = p[0]; delete(state, name) },
    POST "event-types/{name}/mapping" => |state, req, p| { let name = p[0]; set_mapping(state, req, name) },
    POST "event-types/{name}/auto-map" => |state, _req, p| { let name = p[0]; auto_map(state, name) },
    DELETE "event-types/{name}/clear-stats" => |state, _req, p| { let name = p[0]; clear_stats(state, name) },
    GET "mapping-mode" => |state, _req, _p| get_mode(state),
    POST "mapping-mode" => |state, req, _p| set_mode(state, req),
}
