//! Samples: `samples`, `samples/stats`, `status-types`.

use serde_json::{json, Map, Value};

use crate::domain::model::Sample;
use crate::domain::state::State;
use crate::http::reply::{Outcome, Reply, Req};

/// `GET samples?eventType=…&status=…&status=…` → the matching samples.
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let event_type = req.query.get("eventType").filter(|t| !t.is_empty());
    let statuses = req.query.all("status");
    let list: Vec<&Sample> = state
        .samples
        .iter()
        .filter(|s| event_type.is_none_or(|t| s.event_type.as_deref() == Some(t)))
        .filter(|s| {
            statuses.is_empty() || statuses.iter().any(|st| s.status.as_deref() == Some(*st))
        })
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET samples/stats` → event type → status → count.
pub(crate) fn stats(state: &State) -> Outcome {
    let mut out = Map::new();
    for s in &state.samples {
        let (Some(t), Some(st)) = (s.event_type.as_deref(), s.status.as_deref()) else {
            continue;
        };
        let per_type = out
            .entry(t.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(per_type) = per_type.as_object_mut() {
            let n = per_type.get(st).and_then(Value::as_u64).unwrap_or(0);
            per_type.insert(st.to_owned(), json!(n + 1));
        }
    }
    Ok(Reply::json(Value::Object(out)))
}

/// `GET status-types` → code → description.
pub(crate) fn status_types(state: &State) -> Outcome {
    Ok(Reply::json(Value::Object(state.status_types.clone())))
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::http::route::route_table! {
    GET "samples" as get_samples => |state, req, _p| list(state, req),
    GET "samples/stats" as get_samples_stats => |state, _req, _p| stats(state),
    GET "status-types" as get_samples_status_codes => |state, _req, _p| status_types(state),
}
