//! Secrets: `GET`/`PUT secrets`, `DELETE secrets/{name}`. Values are
//! stored but never answered.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// `GET secrets` → list of names.
pub(crate) fn list(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.secrets.keys().collect::<Vec<_>>())))
}

/// `PUT secrets` with an object name → string value (create or update).
pub(crate) fn set(state: &mut State, req: &Req<'_>) -> Outcome {
    let secrets: BTreeMap<String, SecretValue> = req.body()?;
    if secrets.keys().any(String::is_empty) {
        return Err(ApiError::bad_request("a secret name must not be empty"));
    }
    state
        .secrets
        .extend(secrets.into_iter().map(|(name, value)| (name, value.0)));
    Ok(Reply::empty())
}

/// A secret's value: a string (a number or a boolean is taken as its text).
struct SecretValue(String);

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(SecretValue(s)),
            Value::Number(n) => Ok(SecretValue(n.to_string())),
            Value::Bool(b) => Ok(SecretValue(b.to_string())),
            _ => Err(serde::de::Error::custom(
                "a secret's value must be a string",
            )),
        }
    }
}

pub(crate) fn delete(state: &mut State, name: &str) -> Outcome {
    state
        .secrets
        .remove(name)
        .map(|_| Reply::empty())
        .ok_or_else(|| ApiError::not_found(format!("no secret named {name:?}")))
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::http::route::route_table! {
    GET "secrets" as get_secrets => |state, _req, _p| list(state),
    PUT "secrets" as set_secrets => |state, req, _p| set(state, req),
    DELETE "secrets/{name}" as delete_secret => |state, _req, p| { let name = p[0]; delete(state, name) },
}
