//! System structure: `plumbing/` (every node) and `deployInfo`.

use serde_json::{json, Value};

use crate::domain::model::Node;
use crate::domain::state::State;
use crate::http::reply::{Outcome, Reply};

/// What the service answers in place of a stored output password.
pub(crate) const MASK: &str = "**********";

/// A node as answered: an output's password masked.
pub(crate) fn shown(node: &Node) -> Value {
    let mut node = node.clone();
    if node.is_output() {
        if let Some(pw) = node.configuration.get_mut("password") {
            if pw.as_str().is_some_and(|s| !s.is_empty()) {
                *pw = json!(MASK);
            }
        }
    }
    json!(node)
}

/// `GET plumbing/` → `{"nodes": [...]}` (output passwords masked).
pub(crate) fn get_structure(state: &State) -> Outcome {
    let nodes: Vec<Value> = state.nodes.iter().map(shown).collect();
    Ok(Reply::json(json!({ "nodes": nodes })))
}

/// `GET deployInfo`.
pub(crate) fn deploy_info(state: &State) -> Outcome {
    Ok(Reply::json(Value::Object(state.deploy_info.clone())))
}

crate::http::route::route_table! {
    GET "plumbing" as get_structure => |state, _req, _p| get_structure(state),
    GET "deployInfo" as get_deployment_info => |state, _req, _p| deploy_info(state),
}
