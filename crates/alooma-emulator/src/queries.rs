//! Scheduled (consolidation) queries: `v2/consolidation…` and the v1
//! `consolidation` listing.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::reply::{kind, required_str, ApiError, Outcome, Reply, Req};
use crate::state::State;

/// `GET v2/consolidation[?event_type=…]` → list of queries.
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let event_type = req.query.get("event_type");
    let list: Vec<&Value> = state
        .queries
        .iter()
        .filter(|q| event_type.map_or(true, |t| q["configuration"]["event_type"] == t))
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET consolidation` (v1) → object id → query.
pub(crate) fn list_v1(state: &State) -> Outcome {
    let map: Map<String, Value> = state
        .queries
        .iter()
        .map(|q| (id_key(&q["id"]), q.clone()))
        .collect();
    Ok(Reply::json(Value::Object(map)))
}

/// `POST v2/consolidation`: schedule the default query of a configuration.
pub(crate) fn schedule_default(state: &mut State, req: &Req<'_>) -> Outcome {
    let mut config = req.json_object()?;
    let event_type = required_str(&config, "event_type")?.to_owned();
    check_event_type(state, &event_type)?;
    if let Some(cv) = config.get("custom_variables") {
        if !cv.is_object() {
            return Err(ApiError::bad_request(format!(
                "`custom_variables` must be an object, not {}",
                kind(cv)
            )));
        }
    }
    config.insert("query_type".into(), json!("default"));
    config.entry("frequency").or_insert(json!(8));
    config.entry("run_at").or_insert(Value::Null);
    let table = state.event_types[&event_type]["mapping"]["tableName"]
        .as_str()
        .unwrap_or(&event_type)
        .to_owned();
    let sql = format!(
        "-- default consolidation of {event_type}\nINSERT INTO {table} SELECT * FROM {table}_log;"
    );
    let query = new_query(state, config, sql);
    Ok(Reply::json(query))
}

/// `POST v2/consolidation/custom`: schedule a custom query
/// (`custom_query`, `event_type`, and `frequency` or `run_at`).
pub(crate) fn schedule_custom(state: &mut State, req: &Req<'_>) -> Outcome {
    let mut config = req.json_object()?;
    let sql = required_str(&config, "custom_query")?.to_owned();
    let event_type = required_str(&config, "event_type")?.to_owned();
    check_event_type(state, &event_type)?;
    let frequency = config.get("frequency").filter(|v| !v.is_null());
    let run_at = config.get("run_at").filter(|v| !v.is_null());
    match (frequency, run_at) {
        (None, None) => {
            return Err(ApiError::bad_request(
                "either `frequency` (hours) or `run_at` (cron) is required",
            ))
        }
        (Some(f), _) if !f.as_f64().is_some_and(|h| h > 0.0) => {
            return Err(ApiError::bad_request(
                "`frequency` must be a positive number of hours",
            ))
        }
        (_, Some(r)) if !r.is_string() => {
            return Err(ApiError::bad_request("`run_at` must be a cron string"))
        }
        _ => {}
    }
    config.insert("query_type".into(), json!("custom"));
    config.entry("frequency").or_insert(Value::Null);
    config.entry("run_at").or_insert(Value::Null);
    let query = new_query(state, config, sql);
    Ok(Reply::json(query))
}

/// `DELETE v2/consolidation/{id}`.
pub(crate) fn remove(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    state.queries.remove(i);
    Ok(Reply::empty())
}

/// `POST v2/consolidation/{id}/run`: run now; updates the processing times.
pub(crate) fn run(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    let now = clock::now_millis();
    let q = &mut state.queries[i];
    let hours = q["configuration"]["frequency"].as_f64().unwrap_or(8.0);
    q["last_processing_time"] = json!(clock::iso_micros(now));
    q["last_success_time"] = json!(clock::iso_micros(now));
    q["next_processing_time"] = json!(clock::iso_micros(now + (hours * 3_600_000.0) as i64));
    q["status"] = json!("active");
    q["error_message"] = json!("");
    q["error_stack"] = json!("");
    q["error_count"] = json!(0);
    Ok(Reply::json(q.clone()))
}

fn new_query(state: &mut State, mut config: Map<String, Value>, sql: String) -> Value {
    let deployment = state.deploy_info["deploymentName"]
        .as_str()
        .unwrap_or("alooma-emulator")
        .to_owned();
    config.insert("deployment_name".into(), json!(deployment));
    let id = state.next_number();
    let hours = config
        .get("frequency")
        .and_then(Value::as_f64)
        .unwrap_or(8.0);
    let now = clock::now_millis();
    let query = json!({
        "id": id,
        "state_id": id.to_string(),
        "status": "active",
        "error_message": "",
        "error_stack": "",
        "error_count": 0,
        "deployment_name": deployment,
        "module_name": "consolidation.consolidation",
        "consolidation_query": sql,
        "configuration": config,
        "last_processing_time": null,
        "last_success_time": null,
        "next_processing_time": clock::iso_micros(now + (hours * 3_600_000.0) as i64),
    });
    state.queries.push(query.clone());
    query
}

fn check_event_type(state: &State, name: &str) -> Result<(), ApiError> {
    if state.event_types.contains_key(name) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "event type {name:?} does not exist"
        )))
    }
}

fn position(state: &State, id: &str) -> Result<usize, ApiError> {
    state
        .queries
        .iter()
        .position(|q| id_key(&q["id"]) == id)
        .ok_or_else(|| ApiError::not_found(format!("no scheduled query with id {id}")))
}

fn id_key(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "v2/consolidation" => |state, req, _p| list(state, req),
    POST "v2/consolidation" => |state, req, _p| schedule_default(state, req),
    POST "v2/consolidation/custom" => |state, req, _p| schedule_custom(state, req),
    DELETE "v2/consolidation/{id}" => |state, _req, p| { let id = p[0]; remove(state, id) },
    POST "v2/consolidation/{id}/run" => |state, _req, p| { let id = p[0]; run(state, id) },
    GET "consolidation" => |state, _req, _p| list_v1(state),
}
