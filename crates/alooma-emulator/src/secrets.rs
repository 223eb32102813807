//! Secrets: `GET`/`PUT secrets`, `DELETE secrets/{name}`. Values are
//! stored but never answered.

use serde_json::{json, Value};

use crate::reply::{kind, ApiError, Outcome, Reply, Req};
use crate::state::State;

/// `GET secrets` → list of names.
pub(crate) fn list(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.secrets.keys().collect::<Vec<_>>())))
}

/// `PUT secrets` with an object name → string value (create or update).
pub(crate) fn set(state: &mut State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    let mut parsed = Vec::with_capacity(body.len());
    for (name, value) in body {
        if name.is_empty() {
            return Err(ApiError::bad_request("a secret name must not be empty"));
        }
        let value = match value {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                return Err(ApiError::bad_request(format!(
                    "secret {name:?} must have a string value, not {}",
                    kind(&other)
                )))
            }
        };
        parsed.push((name, value));
    }
    state.secrets.extend(parsed);
    Ok(Reply::empty())
}

/// `DELETE secrets/{name}`.
pub(crate) fn delete(state: &mut State, name: &str) -> Outcome {
    state
        .secrets
        .remove(name)
        .map(|_| Reply::empty())
        .ok_or_else(|| ApiError::not_found(format!("no secret named {name:?}")))
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "secrets" => |state, _req, _p| list(state),
    PUT "secrets" => |state, req, _p| set(state, req),
    DELETE "secrets/{name}" => |state, _req, p| { let name = p[0]; delete(state, name) },
}
