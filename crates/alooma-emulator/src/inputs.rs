//! Inputs: `inputs`, `inputs/{id}`, `inputs/{id}/pause`, `plumbing/inputs`,
//! `inputSleepTime/{id}`.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::reply::{kind, required_str, ApiError, Outcome, Reply, Req};
use crate::state::{is_user_input, normalize_node, InputMeta, State};

/// `GET inputs` → object id → input node.
pub(crate) fn list(state: &State) -> Outcome {
    let map: Map<String, Value> = state
        .nodes
        .iter()
        .filter(|n| is_user_input(n))
        .filter_map(|n| Some((n["id"].as_str()?.to_owned(), n.clone())))
        .collect();
    Ok(Reply::json(Value::Object(map)))
}

/// `GET inputs/{id}` → `{"job": …, "tasks": {…}}`.
pub(crate) fn get(state: &State, id: &str) -> Outcome {
    let (node, meta) = input(state, id)?;
    Ok(Reply::json(job_view(state, node, meta)))
}

/// `POST plumbing/inputs` and `POST inputs[?validate=false]`: create an input.
/// Answers the created node, with its `id`.
pub(crate) fn create(state: &mut State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    let name = required_str(&body, "name")?.to_owned();
    if name.trim().is_empty() {
        return Err(ApiError::bad_request("`name` must not be empty"));
    }
    let input_type = required_str(&body, "type")?.to_owned();
    if input_type == "RESTREAM" || input_type == "AGENT" {
        return Err(ApiError::bad_request(format!(
            "inputs of type {input_type} cannot be created"
        )));
    }
    let configuration = match body.get("configuration") {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(c)) => Value::Object(c.clone()),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`configuration` must be an object, not {}",
                kind(other)
            )))
        }
    };
    let id = state.new_id();
    let task_id = state.new_id();
    let auto_map = configuration["auto_map"].as_str() == Some("true");
    let mut node = body.clone();
    node.insert("id".into(), json!(id));
    node.insert("name".into(), json!(name));
    node.insert("type".into(), json!(input_type));
    node.insert("category".into(), json!("INPUT"));
    node.insert("configuration".into(), configuration);
    node.insert("deleted".into(), json!(false));
    node.insert("stats".into(), json!({"latency": 0, "throughput": 0.0}));
    node.insert(
        "state".into(),
        json!({"autoMapping": {"inputLabel": name, "state": null, "enabled": auto_map.to_string()}}),
    );
    let node = normalize_node(node);
    state.nodes.push(node.clone());
    state.input_meta.insert(
        id,
        InputMeta {
            created_at: clock::iso_micros(clock::now_millis()),
            sleep_time: 60.0,
            paused: false,
            task_id,
        },
    );
    if !state.event_types.contains_key(&name) {
        let et = crate::event_types::new_event_type(&name, &state.mapping_mode);
        state.event_types.insert(name, et);
    }
    Ok(Reply::json(node))
}

/// `PUT inputs/{id}`: edit an input's name, type-specific configuration
/// and other keys. Answers the updated node.
pub(crate) fn edit(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let body = req.json_object()?;
    if let Some(body_id) = body.get("id") {
        if body_id != id {
            return Err(ApiError::bad_request(
                "the body's `id` does not match the path",
            ));
        }
    }
    input(state, id)?;
    if let Some(c) = body.get("configuration") {
        if !c.is_object() {
            return Err(ApiError::bad_request(format!(
                "`configuration` must be an object, not {}",
                kind(c)
            )));
        }
    }
    if let Some(n) = body.get("name") {
        if !n.as_str().is_some_and(|s| !s.trim().is_empty()) {
            return Err(ApiError::bad_request("`name` must be a non-empty string"));
        }
    }
    let node = state
        .node_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    if let Some(t) = body.get("type") {
        if *t != node["type"] {
            return Err(ApiError::bad_request("an input's type cannot be changed"));
        }
    }
    for (key, value) in body {
        if matches!(key.as_str(), "id" | "category" | "stats" | "deleted") {
            continue;
        }
        node[key.as_str()] = value;
    }
    Ok(Reply::json(node.clone()))
}

/// `PUT inputs/{id}/pause?pause=true|false` → the input's job.
pub(crate) fn pause(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let paused = match req.query.get("pause") {
        Some("true") => true,
        Some("false") => false,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`pause` must be true or false, not {other:?}"
            )))
        }
        None => {
            return Err(ApiError::bad_request(
                "the `pause` query parameter is required",
            ))
        }
    };
    input(state, id)?;
    if let Some(meta) = state.input_meta.get_mut(id) {
        meta.paused = paused;
    }
    let (node, meta) = input(state, id)?;
    Ok(Reply::json(job_view(state, node, meta)["job"].clone()))
}

/// `GET inputSleepTime/{id}` → `{"inputSleepTime": n}`.
pub(crate) fn get_sleep_time(state: &State, id: &str) -> Outcome {
    let (_, meta) = input(state, id)?;
    Ok(Reply::json(json!({ "inputSleepTime": meta.sleep_time })))
}

/// `PUT inputSleepTime/{id}` with a bare JSON number.
pub(crate) fn set_sleep_time(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let value = req.json()?;
    let seconds = value
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "the body must be a non-negative number of seconds, not {}",
                kind(&value)
            ))
        })?;
    input(state, id)?;
    if let Some(meta) = state.input_meta.get_mut(id) {
        meta.sleep_time = seconds;
    }
    Ok(Reply::json(json!({ "inputSleepTime": seconds })))
}

fn input<'s>(state: &'s State, id: &str) -> Result<(&'s Value, &'s InputMeta), ApiError> {
    let node = state
        .node(id)
        .filter(|n| is_user_input(n))
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    let meta = state
        .input_meta
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    Ok((node, meta))
}

fn job_view(state: &State, node: &Value, meta: &InputMeta) -> Value {
    let deployment = state.deploy_info["deploymentName"]
        .as_str()
        .unwrap_or("alooma-emulator");
    let status = if meta.paused { "paused" } else { "active" };
    let mut tasks = Map::new();
    tasks.insert(
        meta.task_id.clone(),
        json!({
            "category": "inputs",
            "status": status,
            "error_stack": "",
            "name": node["name"],
            "deployment_name": deployment,
            "error_message": "",
            "next_processing_time": clock::iso_micros(clock::now_millis() + (meta.sleep_time * 1000.0) as i64),
            "last_success_time": meta.created_at,
            "error_count": 0,
            "state_id": meta.task_id,
            "module_name": format!("inputs.pullers.{}", node["type"].as_str().unwrap_or("input").to_lowercase()),
            "last_processing_time": meta.created_at,
            "task_state": {"received_events": 0, "batch_offset": 0, "input_state": {}},
            "type": node["type"],
            "id": meta.task_id,
        }),
    );
    json!({
        "job": {
            "validated": true,
            "name": node["name"],
            "created_at": meta.created_at,
            "configuration": node["configuration"],
            "type": node["type"],
            "id": node["id"],
            "paused": meta.paused,
        },
        "tasks": tasks,
    })
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    POST "plumbing/inputs" => |state, req, _p| create(state, req),
    POST "inputs" => |state, req, _p| create(state, req),
    GET "inputs" => |state, _req, _p| list(state),
    GET "inputs/{id}" => |state, _req, p| { let id = p[0]; get(state, id) },
    PUT "inputs/{id}" => |state, req, p| { let id = p[0]; edit(state, req, id) },
    PUT "inputs/{id}/pause" => |state, req, p| { let id = p[0]; pause(state, req, id) },
    GET "inputSleepTime/{id}" => |state, _req, p| { let id = p[0]; get_sleep_time(state, id) },
    PUT "inputSleepTime/{id}" => |state, req, p| { let id = p[0]; set_sleep_time(state, req, id) },
}
