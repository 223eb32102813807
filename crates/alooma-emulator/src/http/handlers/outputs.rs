//! Outputs: `plumbing/outputs`, and `PUT plumbing/nodes/{id}`, which sets
//! an output's configuration (or the restream node's streaming flag:
//! `start_restream`).

use serde::Deserialize;
use serde_json::{json, Value};

use super::structure::{shown, MASK};
use crate::domain::model::{absent_or_null, Object};
use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// The body of `PUT plumbing/nodes/{id}`: any of a node's keys.
#[derive(Deserialize)]
struct NodeUpdate {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "absent_or_null")]
    node_type: Option<Option<String>>,
    #[serde(default)]
    configuration: Option<Object>,
}

/// `GET plumbing/outputs` → the output nodes.
pub(crate) fn get_outputs(state: &State) -> Outcome {
    let outputs: Vec<Value> = state
        .nodes
        .iter()
        .filter(|n| n.is_output())
        .map(shown)
        .collect();
    Ok(Reply::json(json!(outputs)))
}

/// `PUT plumbing/nodes/{id}`: updates a node (an output's configuration,
/// the restream node's streaming flag …). The type cannot change; an
/// output's password sent back as the mask keeps the stored one.
pub(crate) fn put_node(state: &mut State, req: &Req<'_>, id: &str) -> Outcome {
    let body: NodeUpdate = req.body()?;
    if body.id.as_deref().is_some_and(|body_id| body_id != id) {
        return Err(ApiError::bad_request(
            "the body's `id` does not match the path",
        ));
    }
    let node = state
        .node_mut(id)
        .ok_or_else(|| ApiError::not_found(format!("no node with id {id}")))?;
    if let Some(Some(t)) = &body.node_type {
        if *t != node.node_type {
            return Err(ApiError::bad_request(format!(
                "changing the node type from {} to {t} is not supported",
                node.node_type
            )));
        }
    }
    if let Some(mut config) = body.configuration {
        if node.is_output() {
            if let Some(sink) = config.get("sinkType").and_then(Value::as_str) {
                if !sink.eq_ignore_ascii_case(&node.node_type) {
                    return Err(ApiError::bad_request(format!(
                        "changing the output type from {} to {sink} is not supported",
                        node.node_type
                    )));
                }
            }
            if config.get("password").and_then(Value::as_str) == Some(MASK) {
                // The mask the service answered with: keep the stored password.
                match node.configuration.get("password").cloned() {
                    Some(stored) => config.insert("password".into(), stored),
                    None => config.remove("password"),
                };
            }
            node.configuration = config;
        } else {
            node.configuration.extend(config);
        }
    }
    if let Some(name) = body.name {
        node.name = name;
    }
    let answer = shown(node);
    let restream = node.node_type == "RESTREAM";
    let streaming = crate::domain::advance::is_streaming(&node.configuration);
    if restream {
        crate::domain::advance::restream_changed(state);
        // Events that flowed: the queue goes through the data path again.
        if streaming && state.has_data() {
            state.restream_events();
        }
    }
    Ok(Reply::json(answer))
}

crate::http::route::route_table! {
    GET "plumbing/outputs" as get_output_node => |state, _req, _p| get_outputs(state),
    PUT "plumbing/nodes/{id}" as set_output => |state, req, p| { let id = p[0]; put_node(state, req, id) },
}
