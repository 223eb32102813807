//! Notifications: `GET notifications?from=…`, `POST notifications/custom`.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::model::Object;
use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// A `from` larger than this is in milliseconds, not seconds: as seconds
/// it would be after the year 5000.
pub(crate) const MILLIS_THRESHOLD: f64 = 100_000_000_000.0;

/// `GET notifications?from=<epoch>` → `{"messages": […]}` with a
/// `timestamp` (milliseconds) at or after `from`. The docs say seconds;
/// real scripts sent milliseconds, so a value above
/// [`MILLIS_THRESHOLD`] is read as milliseconds.
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let from_ms = match req.query.get("from") {
        None | Some("") => f64::NEG_INFINITY,
        Some(s) => {
            let from: f64 = s
                .trim()
                .parse()
                .ok()
                .filter(|f: &f64| f.is_finite())
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`from` must be an epoch time in seconds (or milliseconds), not {s:?}"
                    ))
                })?;
            if from.abs() > MILLIS_THRESHOLD {
                from
            } else {
                from * 1000.0
            }
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
    let message = state.notify(
        "CUSTOM",
        "Custom Notification",
        &level,
        &body.description,
        body.data,
    );
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
crate::http::route::route_table! {
    GET "notifications" as get_notifications => |state, req, _p| list(state, req),
    POST "notifications/custom" as publish_notification => |state, req, _p| publish(state, req),
}
