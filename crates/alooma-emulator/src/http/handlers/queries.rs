//! Scheduled (consolidation) queries: `v2/consolidation…` and the v1
//! `consolidation` listing.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::domain::clock;
use crate::domain::model::{Object, Query};
use crate::domain::queries::{frequency_hours, normalized, number};
use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// The body of `POST v2/consolidation`: a query configuration.
#[derive(Deserialize)]
struct DefaultQuery {
    event_type: String,
    #[serde(default)]
    custom_variables: Option<Object>,
    #[serde(flatten)]
    rest: Object,
}

/// The body of `POST v2/consolidation/custom`.
#[derive(Deserialize)]
struct CustomQuery {
    custom_query: String,
    event_type: String,
    /// Hours, as a number or its text (kept as sent).
    #[serde(default)]
    frequency: Option<Value>,
    #[serde(default)]
    run_at: Option<String>,
    #[serde(flatten)]
    rest: Object,
}

/// Whether a query belongs to the event type `wanted`.
fn of_event_type(q: &Query, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|t| q.rest.get("event_type").and_then(Value::as_str) == Some(t))
}

/// `GET v2/consolidation[?event_type=…]` → the queries (of that event type).
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let event_type = req.query.get("event_type");
    let list: Vec<&Query> = state
        .queries
        .iter()
        .filter(|q| of_event_type(q, event_type))
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET consolidation[?event_type=…]` → object id → query.
pub(crate) fn list_v1(state: &State, req: &Req<'_>) -> Outcome {
    let event_type = req.query.get("event_type");
    let map: Map<String, Value> = state
        .queries
        .iter()
        .filter(|q| of_event_type(q, event_type))
        .map(|q| (q.id.to_string(), json!(q)))
        .collect();
    Ok(Reply::json(Value::Object(map)))
}

/// `POST v2/consolidation`: schedules an event type's default query.
pub(crate) fn schedule_default(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: DefaultQuery = req.body()?;
    check_event_type(state, &body.event_type)?;
    let mut config = body.rest;
    config.insert("event_type".into(), json!(body.event_type));
    if let Some(cv) = body.custom_variables {
        config.insert("custom_variables".into(), Value::Object(cv));
    }
    // The client's query type (`incremental`, `full` …) is kept.
    config.entry("query_type").or_insert(json!("default"));
    config.entry("frequency").or_insert(json!(8));
    config.entry("run_at").or_insert(Value::Null);
    let table = state.event_types[&body.event_type]
        .rest
        .get("mapping")
        .and_then(|m| m.get("tableName"))
        .and_then(Value::as_str)
        .unwrap_or(&body.event_type)
        .to_owned();
    let sql = format!(
        "-- default consolidation of {}\nINSERT INTO {table} SELECT * FROM {table}_log;",
        body.event_type
    );
    let query = new_query(state, config, sql);
    Ok(Reply::json(json!(query)))
}

/// `POST v2/consolidation/custom`: schedules a custom query, every few
/// hours (`frequency`) or by cron (`run_at`).
pub(crate) fn schedule_custom(state: &mut State, req: &Req<'_>) -> Outcome {
    let body: CustomQuery = req.body()?;
    check_event_type(state, &body.event_type)?;
    match (&body.frequency, &body.run_at) {
        (None, None) => {
            return Err(ApiError::bad_request(
                "either `frequency` (hours) or `run_at` (cron) is required",
            ))
        }
        (Some(hours), _) if !number(hours).is_some_and(|h| h > 0.0) => {
            return Err(ApiError::bad_request(
                "`frequency` must be a positive number of hours",
            ))
        }
        _ => {}
    }
    let mut config = body.rest;
    config.insert("custom_query".into(), json!(body.custom_query));
    config.insert("event_type".into(), json!(body.event_type));
    config.entry("query_type").or_insert(json!("custom"));
    config.insert("frequency".into(), json!(body.frequency));
    config.insert("run_at".into(), json!(body.run_at));
    let query = new_query(state, config, body.custom_query);
    Ok(Reply::json(json!(query)))
}

/// `DELETE v2/consolidation/{id}`.
pub(crate) fn remove(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    let removed = state.queries.remove(i);
    state.query_runs.remove(&removed.id);
    Ok(Reply::empty())
}

/// `POST v2/consolidation/{id}/run`: runs a query now.
pub(crate) fn run(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    let now = state.now_millis();
    let q = &mut state.queries[i];
    let hours = frequency_hours(q).unwrap_or(8.0);
    let runs = state.query_runs.entry(q.id).or_default();
    runs.runs += 1;
    let run_count = runs.runs;
    for (key, value) in [
        ("last_processing_time", json!(clock::iso_micros(now))),
        ("last_success_time", json!(clock::iso_micros(now))),
        (
            "next_processing_time",
            json!(clock::iso_micros(
                now.saturating_add((hours * 3_600_000.0) as i64)
            )),
        ),
        ("status", json!("active")),
        ("error_message", json!("")),
        ("error_stack", json!("")),
        ("error_count", json!(0)),
        ("run_count", json!(run_count)),
    ] {
        q.rest.insert(key.into(), value);
    }
    crate::domain::advance::record_run(&mut q.rest, now, false);
    Ok(Reply::json(json!(q)))
}

fn new_query(state: &mut State, config: Object, sql: String) -> Query {
    let deployment = state.deployment_name();
    let id = state.next_number();
    let now = state.now_millis();
    let mut rest = crate::domain::state::object(json!({
        "state_id": id.to_string(),
        "status": "active",
        "is_active": true,
        "error_message": "",
        "error_stack": "",
        "error_count": 0,
        "run_count": 0,
        "deployment_name": deployment,
        "module_name": "consolidation.consolidation",
        "consolidation_query": sql,
        "last_processing_time": null,
        "last_success_time": null,
    }));
    rest.insert("configuration".into(), Value::Object(config));
    let mut query = normalized(id, rest, &deployment);
    state.queries.push(query.clone());
    crate::domain::advance::schedule_all(state, now);
    let next = state
        .query_runs
        .get(&id)
        .map_or(now.saturating_add(8 * 3_600_000), |r| r.next_ms);
    query.rest.insert(
        "next_processing_time".into(),
        json!(clock::iso_micros(next)),
    );
    query
        .rest
        .insert("next_run_time".into(), json!(clock::iso_micros(next)));
    query
        .rest
        .insert("start_time".into(), json!(clock::iso_micros(now)));
    if let Some(stored) = state.queries.iter_mut().find(|q| q.id == id) {
        *stored = query.clone();
    }
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
        .position(|q| q.id.to_string() == id)
        .ok_or_else(|| ApiError::not_found(format!("no scheduled query with id {id}")))
}

crate::http::route::route_table! {
    GET "v2/consolidation" as get_queries => |state, req, _p| list(state, req),
    POST "v2/consolidation" as schedule_default_query => |state, req, _p| schedule_default(state, req),
    POST "v2/consolidation/custom" as schedule_query => |state, req, _p| schedule_custom(state, req),
    DELETE "v2/consolidation/{id}" as remove_scheduled_query => |state, _req, p| { let id = p[0]; remove(state, id) },
    POST "v2/consolidation/{id}/run" as run_query => |state, _req, p| { let id = p[0]; run(state, id) },
    GET "consolidation" as get_scheduled_queries => |state, req, _p| list_v1(state, req),
}
