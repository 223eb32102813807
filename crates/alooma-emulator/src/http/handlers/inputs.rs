//! Inputs: `inputs`, `inputs/{id}`, `inputs/{id}/pause`, `plumbing/inputs`,
//! `inputSleepTime/{id}`.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::domain::clock;
use crate::domain::model::{absent_or_null, Node, Object};
use crate::domain::state::{InputMeta, State};
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// The body of `POST plumbing/inputs`.
#[derive(Deserialize)]
struct NewInput {
    name: String,
    #[serde(rename = "type")]
    input_type: String,
    #[serde(default, deserialize_with = "crate::domain::model::null_as_default")]
    configuration: Object,
    #[serde(flatten)]
    rest: Object,
}

/// The body of `PUT inputs/{id}`: any of a node's keys.
#[derive(Deserialize)]
struct InputEdit {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "absent_or_null")]
    input_type: Option<Option<String>>,
    #[serde(default)]
    configuration: Option<Object>,
    #[serde(flatten)]
    rest: Object,
}

/// `GET inputs` → object id → input node.
pub(crate) fn list(state: &State) -> Outcome {
    let map: Map<String, Value> = state
        .nodes
        .iter()
        .filter(|n| n.is_user_input())
        .map(|n| (n.id.clone(), json!(n)))
        .collect();
    Ok(Reply::json(Value::Object(map)))
}

/// `GET inputs/{id}` → `{"job": …, "tasks": {…}}`; a read counts towards
/// a starting input's start (see [`crate::transitions`]).
pub(crate) fn get(state: &mut State, id: &str) -> Outcome {
    input(state, id)?;
    crate::domain::advance::count_read(state, id);
    let (node, meta) = input(state, id)?;
    Ok(Reply::json(job_view(state, node, meta)))
}

/// `POST plumbing/inputs` and `POST inputs[?validate=false]`: create an input.
/// Answers the created node, with its `id`.
pub(crate) fn create(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: NewInput = req.body()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::bad_request("`name` must not be empty"));
    }
    if body.input_type == "RESTREAM" || body.input_type == "AGENT" {
        return Err(ApiError::bad_request(format!(
            "inputs of type {} cannot be created",
            body.input_type
        )));
    }
    let id = state.new_id();
    let task_id = state.new_id();
    let auto_map = body.configuration.get("auto_map").and_then(Value::as_str) == Some("true");
    let mut rest = body.rest;
    for key in ["id", "category", "deleted", "stats", "state"] {
        rest.remove(key);
    }
    let mut node = Node::system(id.clone(), &body.name, &body.input_type, "INPUT");
    node.configuration = body.configuration;
    node.state = json!({"autoMapping": {"inputLabel": body.name, "state": null, "enabled": auto_map.to_string()}});
    node.rest = rest;
    state.nodes.push(node.clone());
    let now = state.now_millis();
    let waits =
        state.transitions.input_start_reads > 0 || state.transitions.input_start_secs.is_some();
    state.input_meta.insert(
        id,
        InputMeta {
            created_at: clock::iso_micros(now),
            sleep_time: 60.0,
            paused: false,
            task_id,
            created_ms: now,
            reads: 0,
            running: !waits,
            token: Some(crate::domain::data::mint_token(
                &state.account,
                &body.name,
                &body.input_type,
            )),
        },
    );
    if !state.event_types.contains_key(&body.name) {
        let et = crate::http::handlers::event_types::new_event_type(&body.name, state.mapping_mode);
        state.event_types.insert(body.name, et);
    }
    Ok(Reply::json(json!(node)))
}

/// `PUT inputs/{id}`: edit an input's name, type-specific configuration
/// and other keys. Answers the updated node.
pub(crate) fn edit(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let body: InputEdit = req.body()?;
    if body.id.as_deref().is_some_and(|body_id| body_id != id) {
        return Err(ApiError::bad_request(
            "the body's `id` does not match the path",
        ));
    }
    if body.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_request("`name` must not be empty"));
    }
    input(state, id)?;
    let node = state
        .node_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    if let Some(Some(t)) = &body.input_type {
        if *t != node.node_type {
            return Err(ApiError::bad_request("an input's type cannot be changed"));
        }
    }
    if let Some(name) = body.name {
        node.name = name;
    }
    if let Some(configuration) = body.configuration {
        node.configuration = configuration;
    }
    for (key, value) in body.rest {
        match key.as_str() {
            "category" | "stats" | "deleted" => {}
            "state" => node.state = value,
            _ => {
                node.rest.insert(key, value);
            }
        }
    }
    Ok(Reply::json(json!(node)))
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
    let seconds: f64 = req.body()?;
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(ApiError::bad_request(format!(
            "the sleep time must be a non-negative number of seconds, not {seconds}"
        )));
    }
    input(state, id)?;
    if let Some(meta) = state.input_meta.get_mut(id) {
        meta.sleep_time = seconds;
    }
    Ok(Reply::json(json!({ "inputSleepTime": seconds })))
}

fn input<'s>(state: &'s State, id: &str) -> Result<(&'s Node, &'s InputMeta), ApiError> {
    let node = state
        .node(id)
        .filter(|n| n.is_user_input())
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    let meta = state
        .input_meta
        .get(id)
        .ok_or_else(|| ApiError::not_found(format!("no input with id {id}")))?;
    Ok((node, meta))
}

fn job_view(state: &State, node: &Node, meta: &InputMeta) -> Value {
    let deployment = state.deployment_name();
    let phase = if meta.running { "running" } else { "starting" };
    let status = match (meta.paused, meta.running) {
        (true, _) => "paused",
        (false, true) => "active",
        (false, false) => "starting",
    };
    let now = state.now_millis();
    let mut tasks = Map::new();
    tasks.insert(
        meta.task_id.clone(),
        json!({
            "category": "inputs",
            "status": status,
            "error_stack": "",
            "name": node.name,
            "deployment_name": deployment,
            "error_message": "",
            "next_processing_time": clock::iso_micros(now.saturating_add((meta.sleep_time * 1000.0) as i64)),
            "last_success_time": meta.created_at,
            "error_count": 0,
            "state_id": meta.task_id,
            "module_name": format!("inputs.pullers.{}", node.node_type.to_lowercase()),
            "last_processing_time": meta.created_at,
            "task_state": {"received_events": 0, "batch_offset": 0, "input_state": {}},
            "type": node.node_type,
            "id": meta.task_id,
        }),
    );
    json!({
        "job": {
            "validated": true,
            "name": node.name,
            "created_at": meta.created_at,
            "configuration": node.configuration,
            "type": node.node_type,
            "id": node.id,
            "paused": meta.paused,
            "state": phase,
        },
        "tasks": tasks,
    })
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
/// `POST plumbing/nodes/remove/{id}`: removes an input (system nodes
/// cannot be removed).
pub(crate) fn remove_node(state: &mut State, id: &str) -> Outcome {
    let node = state
        .node(id)
        .ok_or_else(|| ApiError::not_found(format!("no node with id {id}")))?;
    if !node.is_user_input() {
        return Err(ApiError::bad_request(format!(
            "node {id} is a {} node and cannot be removed",
            node.node_type
        )));
    }
    state.nodes.retain(|n| n.id != id);
    state.input_meta.remove(id);
    Ok(Reply::empty())
}

crate::http::route::route_table! {
    POST "plumbing/nodes/remove/{id}" as remove_input => |state, _req, p| { let id = p[0]; remove_node(state, id) },
    POST "plumbing/inputs" as create_input => |state, req, _p| create(state, req),
    POST "inputs" as create_input => |state, req, _p| create(state, req),
    GET "inputs" as get_inputs => |state, _req, _p| list(state),
    GET "inputs/{id}" as get_input_by_id => |state, _req, p| { let id = p[0]; get(state, id) },
    PUT "inputs/{id}" as edit_input => |state, req, p| { let id = p[0]; edit(state, req, id) },
    PUT "inputs/{id}/pause" as pause_input_by_id => |state, req, p| { let id = p[0]; pause(state, req, id) },
    GET "inputSleepTime/{id}" as get_input_sleep_time => |state, _req, p| { let id = p[0]; get_sleep_time(state, id) },
    PUT "inputSleepTime/{id}" as set_input_sleep_time => |state, req, p| { let id = p[0]; set_sleep_time(state, req, id) },
}
