//! The admin API under `/__emulator/` (never faulted, never logged).
//!
//! It needs the same credentials as the REST API (the API key, or a live
//! session cookie):
//!
//! | request | effect |
//! |---|---|
//! | `GET /__emulator/faults` | pending faults |
//! | `POST /__emulator/faults` | inject a fault (or a list of faults), see [`crate::faults`] |
//! | `DELETE /__emulator/faults` | clear every fault |
//! | `GET /__emulator/requests` | the request log, oldest first |
//! | `DELETE /__emulator/requests` | clear the request log |
//! | `DELETE /__emulator/sessions` | expire every login session |
//! | `GET /__emulator/state` | the state as JSON (secret values left out) |

use serde_json::{json, Value};

use crate::faults::Fault;
use crate::reply::{ApiError, Outcome, Reply};
use crate::server::{lock, Shared};

/// Runs an admin request; `body` is the already-read request body.
pub(crate) fn handle(shared: &Shared, method: &str, segs: &[&str], body: &[u8]) -> Outcome {
    match (method, segs) {
        ("GET", ["faults"]) => Ok(Reply::json(json!(*lock(&shared.faults)))),
        ("POST", ["faults"]) => {
            let value: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
            let faults: Vec<Fault> = match value {
                Value::Array(_) => serde_json::from_value(value),
                other => serde_json::from_value(other).map(|f| vec![f]),
            }
            .map_err(|e| ApiError::bad_request(format!("not a fault: {e}")))?;
            for f in &faults {
                f.validate().map_err(ApiError::bad_request)?;
            }
            let n = faults.len();
            lock(&shared.faults).extend(faults);
            Ok(Reply::json(json!({ "injected": n })))
        }
        ("DELETE", ["faults"]) => {
            lock(&shared.faults).clear();
            Ok(Reply::empty())
        }
        ("GET", ["requests"]) => Ok(Reply::json(json!(*lock(&shared.log)))),
        ("DELETE", ["requests"]) => {
            lock(&shared.log).clear();
            Ok(Reply::empty())
        }
        ("DELETE", ["sessions"]) => {
            lock(&shared.sessions).clear();
            Ok(Reply::empty())
        }
        ("GET", ["state"]) => Ok(Reply::json(lock(&shared.state).to_json())),
        _ => Err(ApiError::not_found(format!(
            "no such admin endpoint: {method} /__emulator/{}",
            segs.join("/")
        ))),
    }
}
