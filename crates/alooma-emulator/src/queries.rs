//! Scheduled (consolidation) queries: `v2/consolidation…` and the v1
//! `consolidation` listing.

use serde::Deserialize;
use serde_json::{json, Map, Number, Value};

use crate::clock;
use crate::model::{Object, Query};
use crate::reply::{ApiError, Outcome, Reply, Req};
use crate::state::State;

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
    #[serde(default)]
    frequency: Option<Number>,
    #[serde(default)]
    run_at: Option<String>,
    #[serde(flatten)]
    rest: Object,
}

fn event_type_of(q: &Query) -> Option<&Value> {
    q.rest
        .get("configuration")
        .and_then(|c| c.get("event_type"))
}

/// `GET v2/consolidation[?event_type=…]` → the queries.
pub(crate) fn list(state: &State, req: &Req<'_>) -> Outcome {
    let event_type = req.query.get("event_type");
    let list: Vec<&Query> = state
        .queries
        .iter()
        .filter(|q| event_type.is_none_or(|t| event_type_of(q).is_some_and(|e| e == t)))
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET consolidation` → object id → query.
pub(crate) fn list_v1(state: &State) -> Outcome {
    let map: Map<String, Value> = state
        .queries
        .iter()
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
    config.insert("query_type".into(), json!("default"));
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
        (Some(hours), _) if !hours.as_f64().is_some_and(|h| h > 0.0) => {
            return Err(ApiError::bad_request(
                "`frequency` must be a positive number of hours",
            ))
        }
        _ => {}
    }
    let mut config = body.rest;
    config.insert("custom_query".into(), json!(body.custom_query));
    config.insert("event_type".into(), json!(body.event_type));
    config.insert("query_type".into(), json!("custom"));
    config.insert("frequency".into(), json!(body.frequency));
    config.insert("run_at".into(), json!(body.run_at));
    let query = new_query(state, config, body.custom_query);
    Ok(Reply::json(json!(query)))
}

/// `DELETE v2/consolidation/{id}`.
pub(crate) fn remove(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    state.queries.remove(i);
    Ok(Reply::empty())
}

/// `POST v2/consolidation/{id}/run`: runs a query now.
pub(crate) fn run(state: &mut State, id: &str) -> Outcome {
    let i = position(state, id)?;
    let now = clock::now_millis();
    let q = &mut state.queries[i];
    let hours = q
        .rest
        .get("configuration")
        .and_then(|c| c.get("frequency"))
        .and_then(Value::as_f64)
        .unwrap_or(8.0);
    for (key, value) in [
        ("last_processing_time", json!(clock::iso_micros(now))),
        ("last_success_time", json!(clock::iso_micros(now))),
        (
            "next_processing_time",
            json!(clock::iso_micros(now + (hours * 3_600_000.0) as i64)),
        ),
        ("status", json!("active")),
        ("error_message", json!("")),
        ("error_stack", json!("")),
        ("error_count", json!(0)),
    ] {
        q.rest.insert(key.into(), value);
    }
    Ok(Reply::json(json!(q)))
}

fn new_query(state: &mut State, mut config: Object, sql: String) -> Query {
    let deployment = state.deployment_name();
    config.insert("deployment_name".into(), json!(deployment));
    let id = state.next_number();
    let hours = config
        .get("frequency")
        .and_then(Value::as_f64)
        .unwrap_or(8.0);
    let now = clock::now_millis();
    let rest = crate::state::object(json!({
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
    }));
    let query = Query { id, rest };
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
        .position(|q| q.id.to_string() == id)
        .ok_or_else(|| ApiError::not_found(format!("no scheduled query with id {id}")))
}

crate::router::route_table! {
    GET "v2/consolidation" => |state, req, _p| list(state, req),
    POST "v2/consolidation" => |state, req, _p| schedule_default(state, req),
    POST "v2/consolidation/custom" => |state, req, _p| schedule_custom(state, req),
    DELETE "v2/consolidation/{id}" => |state, _req, p| { let id = p[0]; remove(state, id) },
    POST "v2/consolidation/{id}/run" => |state, _req, p| { let id = p[0]; run(state, id) },
    GET "consolidation" => |state, _req, _p| list_v1(state),
}
