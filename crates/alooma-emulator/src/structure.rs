//! System structure: `plumbing/…` (nodes, outputs, restream queue).

use serde_json::{json, Value};

use crate::reply::{kind, ApiError, Outcome, Reply, Req};
use crate::state::{is_user_input, State};

/// Mask the service puts over output passwords in its answers. The real
/// password is stored; a configuration sent back with the mask keeps it.
const MASK: &str = "**********";

/// A node as the service shows it: an output's password masked.
fn shown(node: &Value) -> Value {
    let mut node = node.clone();
    if node["category"] == "OUTPUT" {
        if let Some(pw) = node
            .get_mut("configuration")
            .and_then(|c| c.get_mut("password"))
        {
            if pw.as_str().is_some_and(|s| !s.is_empty()) {
                *pw = json!(MASK);
            }
        }
    }
    node
}

/// `GET plumbing/?resolution=…` → `{"nodes": […]}`.
pub(crate) fn get_structure(state: &State) -> Outcome {
    let nodes: Vec<Value> = state.nodes.iter().map(shown).collect();
    Ok(Reply::json(json!({ "nodes": nodes })))
}

/// `GET plumbing/outputs` → the OUTPUT nodes.
pub(crate) fn get_outputs(state: &State) -> Outcome {
    let outputs: Vec<Value> = state
        .nodes
        .iter()
        .filter(|n| n["category"] == "OUTPUT")
        .map(shown)
        .collect();
    Ok(Reply::json(json!(outputs)))
}

/// `PUT plumbing/nodes/{id}`: update a node's name and configuration
/// (output settings, restream start). Changing a node's type is refused.
pub(crate) fn put_node(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let body = req.json_object()?;
    if let Some(body_id) = body.get("id") {
        if body_id != id {
            return Err(ApiError::bad_request(
                "the body's `id` does not match the path",
            ));
        }
    }
    let node = state
        .node_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no node with id {id}")))?;
    if let Some(t) = body.get("type") {
        if !t.is_null() && *t != node["type"] {
            return Err(ApiError::bad_request(format!(
                "changing the node type from {} to {t} is not supported",
                node["type"]
            )));
        }
    }
    let is_output = node["category"] == "OUTPUT";
    if let Some(config) = body.get("configuration") {
        let Value::Object(config) = config else {
            return Err(ApiError::bad_request(format!(
                "`configuration` must be an object, not {}",
                kind(config)
            )));
        };
        let mut config = config.clone();
        if is_output {
            if let Some(sink) = config.get("sinkType").and_then(Value::as_str) {
                let current = node["type"].as_str().unwrap_or_default();
                if !sink.eq_ignore_ascii_case(current) {
                    return Err(ApiError::bad_request(format!(
                        "changing the output type from {current} to {sink} is not supported"
                    )));
                }
            }
            if config.get("password").and_then(Value::as_str) == Some(MASK) {
                // The mask the service answered with: keep the stored password.
                match node["configuration"].get("password").cloned() {
                    Some(stored) => config.insert("password".into(), stored),
                    None => config.remove("password"),
                };
            }
            node["configuration"] = Value::Object(config);
        } else if let Some(existing) = node["configuration"].as_object_mut() {
            existing.extend(config);
        } else {
            node["configuration"] = Value::Object(config);
        }
    }
    if let Some(name) = body.get("name") {
        let Some(name) = name.as_str() else {
            return Err(ApiError::bad_request("`name` must be a string"));
        };
        node["name"] = json!(name);
    }
    Ok(Reply::json(shown(node)))
}

/// `POST plumbing/nodes/remove/{id}`: remove an input node.
pub(crate) fn remove_node(state: &mut State, id: &str) -> Outcome {
    let node = state
        .node(id)
        .ok_or_else(|| ApiError::not_found(format!("no node with id {id}")))?;
    if !is_user_input(node) {
        return Err(ApiError::bad_request(format!(
            "node {id} is a {} node and cannot be removed",
            node["type"].as_str().unwrap_or("system")
        )));
    }
    state.nodes.retain(|n| n["id"] != id);
    state.input_meta.remove(id);
    Ok(Reply::empty())
}

/// `DELETE plumbing/purge/restream`: empty the restream queue.
pub(crate) fn purge_restream(state: &mut State) -> Outcome {
    let node = state
        .node_of_type_mut("RESTREAM")
        .ok_or_else(|| ApiError::not_found("this account has no restream node"))?;
    if let Some(stats) = node["stats"].as_object_mut() {
        stats.insert("availbleForRestream".into(), json!(0));
        if stats.contains_key("size_used") {
            stats.insert("size_used".into(), json!(0));
        }
    } else {
        node["stats"] = json!({"latency": 0, "throughput": 0.0, "availbleForRestream": 0});
    }
    Ok(Reply::empty())
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "plumbing" => |state, _req, _p| get_structure(state),
    GET "plumbing/outputs" => |state, _req, _p| get_outputs(state),
    PUT "plumbing/nodes/{id}" => |state, req, p| { let id = p[0]; put_node(state, req, id) },
    POST "plumbing/nodes/remove/{id}" => |state, _req, p| { let id = p[0]; remove_node(state, id) },
    DELETE "plumbing/purge/restream" => |state, _req, _p| purge_restream(state),
}
