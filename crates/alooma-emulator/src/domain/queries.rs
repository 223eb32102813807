//! Scheduled queries in the service's v2 shape: the normalisation every
//! query goes through, whether it came from a seed or a client.

use serde_json::{json, Value};

use super::model::{Object, Query};

/// The keys of a query's configuration that the v2 objects also carry at
/// the top level, as the service returned them.
const LIFTED: [&str; 6] = [
    "event_type",
    "query_type",
    "custom_query",
    "frequency",
    "run_at",
    "custom_variables",
];

/// A stored query in the service's v2 shape: `event_type`, `query_type`,
/// `schedule`, `is_active`, `consolidation_query` … at the top level, and
/// the v1 `configuration` object beside them. Either shape goes in (a
/// seed's, a client's); what is there is kept as it is, what is missing is
/// filled from the other form.
pub(crate) fn normalized(id: u64, mut rest: Object, deployment: &str) -> Query {
    rest.remove("id");
    let mut config = match rest.remove("configuration") {
        Some(Value::Object(c)) => c,
        _ => Object::new(),
    };
    for key in LIFTED {
        match (rest.get(key), config.get(key)) {
            (None, Some(v)) => {
                rest.insert(key.into(), v.clone());
            }
            (Some(v), None) => {
                config.insert(key.into(), v.clone());
            }
            _ => {}
        }
    }
    config
        .entry("deployment_name")
        .or_insert_with(|| json!(deployment));
    rest.entry("deployment_name")
        .or_insert_with(|| json!(deployment));
    rest.entry("state_id")
        .or_insert_with(|| json!(id.to_string()));
    let active = rest.get("status").and_then(Value::as_str) != Some("paused");
    rest.entry("is_active").or_insert_with(|| json!(active));
    if !rest.contains_key("schedule") {
        let schedule = schedule_of(&rest);
        rest.insert("schedule".into(), schedule);
    }
    // The scheduler's keys of a v2 query (the service sent them, and tools
    // read them); a query that never ran has `null` run times. The image
    // and command name what ran queries on the service; the emulator runs
    // none of them.
    let event_type = rest
        .get("event_type")
        .and_then(Value::as_str)
        .unwrap_or("query")
        .to_owned();
    let query_type = rest
        .get("query_type")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_owned();
    let next = rest
        .get("next_processing_time")
        .cloned()
        .unwrap_or(Value::Null);
    for (key, value) in [
        ("name", json!(format!("{event_type} {query_type} query"))),
        ("is_running", json!(false)),
        (
            "start_time",
            rest.get("last_processing_time")
                .cloned()
                .unwrap_or(Value::Null),
        ),
        ("next_run_time", next),
        ("last_run_start_time", Value::Null),
        ("last_run_end_time", Value::Null),
        ("last_run_return_code", Value::Null),
        ("time_limit", json!(3600)),
        ("service_type", json!("consolidation")),
        ("docker_img", json!("alooma/consolidation")),
        ("docker_tag", json!("latest")),
        ("docker_cmd", json!("python -m consolidation.consolidation")),
        ("enqueue_time", Value::Null),
        ("generated_by", json!("api")),
    ] {
        rest.entry(key).or_insert(value);
    }
    rest.insert("configuration".into(), Value::Object(config));
    Query { id, rest }
}

/// A query's `schedule`: its cron (`run_at`), or the cron of "every
/// `frequency` hours".
fn schedule_of(rest: &Object) -> Value {
    if let Some(cron) = rest.get("run_at").and_then(Value::as_str) {
        return json!(cron);
    }
    match rest.get("frequency").and_then(number) {
        Some(h) if h >= 1.0 && h.fract() == 0.0 && h < 24.0 => json!(format!("0 */{h} * * *")),
        Some(h) if h >= 24.0 && (h / 24.0).fract() == 0.0 => {
            json!(format!("0 0 */{} * *", h / 24.0))
        }
        _ => Value::Null,
    }
}

/// A number sent as a number or as its text.
pub(crate) fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Hours between runs of a query scheduled by `frequency`.
pub(crate) fn frequency_hours(q: &Query) -> Option<f64> {
    if q.rest.get("run_at").is_some_and(|r| !r.is_null()) {
        return None;
    }
    q.rest.get("frequency").and_then(number)
}
