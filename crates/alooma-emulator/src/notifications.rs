//! Notifications: `GET notifications?from=…`, `POST notifications/custom`.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock;
use crate::model::Object;
use crate::reply::{ApiError, Outcome, Reply, Req};
use crate::state::State;

/// `GET notifications?from=<epoch seconds>` → `{"messages": […]}` with a
/// `timestamp` (milliseconds) at or after `from`.
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let from_ms = match req.query.get("from") {
        None | Some("") => f64::NEG_INFINITY,
        Some(s) => {
            let secs: f64 = s.parse().map_err(|_| {
                ApiError::bad_request(format!("`from` must be epoch seconds, not {s:?}"))
            })?;
            secs * 1000.0
        }
    };
    let messages: Vec<&Object> = state
        .notifications
        .iter()
        .filter(|m| {
            m.get("timestamp")
                .and_then(Value::as_f64)
                .is_some_and(|t| t >= from_ms)
        })
        .collect();
    Ok(Reply::json(json!({ "messages": messages })))
}

/// `POST notifications/custom` with `{"level","description","data"}`.
pub(crate) fn publish(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: Publish = req.body()?;
    let level = body.level.to_ascii_lowercase();
    if !matches!(level.as_str(), "info" | "warning" | "error") {
        return Err(ApiError::bad_request(
            "`level` must be one of info, warning, error",
        ));
    }
    let (description, data) = (body.description, body.data);
    let n = state.next_number();
    let message = json!({
        "id": format!("alooma-notifications+0+{n}"),
        "type": "CUSTOM",
        "typeDescription": "Custom Notification",
        "severity": level,
        "description": description,
        "message": description,
        "params": [],
        "data": data,
        "state": "NEW",
        "aggregatedCount": 1,
        "timestamp": clock::now_millis(),
    });
    state
        .notifications
        .insert(0, crate::state::object(message.clone()));
    Ok(Reply::json(message))
}

/// The body of `POST notifications/custom`.
#[derive(Deserialize)]
struct Publish {
    level: String,
    description: String,
    #[serde(default)]
    data: Value,
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "notifications" => |state, req, _p| list(state, req),
    POST "notifications/custom" => |state, req, _p| publish(state, req),
}
