//! Metrics: `GET metrics?metrics=A,B&from=-Nmin&resolution=Mmin`.
//!
//! Series are deterministic: the value of point `i` of metric `k` depends
//! only on `k` and `i` (every fourth point, `i % 4 == 3`, is `null`), and
//! there is one point per resolution step over the window, both ends
//! included, as the service answered and clients index them: the
//! multiples of `M` minutes from `now - N` to now, `floor(N/M) + 1` points
//! (a 60-minute window at 60-minute resolution gives two).

use serde_json::{json, Value};

use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// Every metric name the service knows, with a typical magnitude.
pub(crate) const METRICS: [(&str, f64); 15] = [
    ("EVENT_SIZE_AVG", 2_300.0),
    ("EVENT_SIZE_TOTAL", 5_200_000.0),
    ("EVENT_PROCESSING_RATE", 120.0),
    ("INCOMING_EVENTS", 5_000.0),
    ("RESTREAMED_EVENTS", 12.0),
    ("UNMAPPED_EVENTS", 15.0),
    ("IGNORED_EVENTS", 3.0),
    ("ERROR_EVENTS", 1.0),
    ("LOADED_EVENTS_RATE", 4_800.0),
    ("LATENCY_AVG", 3_000.0),
    ("LATENCY_PERCENTILE_50", 2_500.0),
    ("LATENCY_PERCENTILE_95", 9_000.0),
    ("LATENCY_MAX", 15_000.0),
    ("EVENTS_IN_PIPELINE", 40.0),
    ("EVENTS_IN_TRANSIT", 25.0),
];

/// The most points one series may have.
const MAX_POINTS: u64 = 10_000;

/// `GET metrics` → list of `{"target", "datapoints": [[value|null, epoch]…]}`.
pub(crate) fn get(state: &crate::domain::state::State, req: &Req<'_>, now_secs: i64) -> Outcome {
    let names = req
        .query
        .get("metrics")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| ApiError::bad_request("the `metrics` query parameter is required"))?;
    let from = req
        .query
        .get("from")
        .ok_or_else(|| ApiError::bad_request("the `from` query parameter is required"))?;
    let minutes = from
        .strip_prefix('-')
        .and_then(parse_minutes)
        .ok_or_else(|| {
            ApiError::bad_request(format!("`from` must look like -60min, not {from:?}"))
        })?;
    let resolution = match req.query.get("resolution") {
        None => minutes,
        Some(r) => parse_minutes(r).ok_or_else(|| {
            ApiError::bad_request(format!("`resolution` must look like 5min, not {r:?}"))
        })?,
    };
    let points = minutes / resolution + 1;
    if points > MAX_POINTS {
        return Err(ApiError::bad_request(format!(
            "asking {points} points per series; at most {MAX_POINTS} are served"
        )));
    }
    let step = resolution.saturating_mul(60);
    let step_i = i64::try_from(step).unwrap_or(i64::MAX);
    let end = now_secs / step_i * step_i;
    let mut out = Vec::new();
    for name in names.split(',') {
        let (k, base) = METRICS
            .iter()
            .enumerate()
            .find(|(_, (n, _))| *n == name)
            .map(|(k, (_, base))| (k as u64, *base))
            .ok_or_else(|| ApiError::bad_request(format!("unknown metric {name:?}")))?;
        let datapoints: Vec<Value> = (0..points)
            .map(|i| {
                let back = i64::try_from(points - 1 - i).unwrap_or(0);
                let ts = end.saturating_sub(back.saturating_mul(step_i));
                // Once events flow, the series are what happened: the
                // point at `ts` covers the step that starts there.
                let v = match state.data_metric(name, ts, ts.saturating_add(step_i)) {
                    Some(real) => {
                        real.map_or(Value::Null, |v| json!((v * 1000.0).round() / 1000.0))
                    }
                    None => value(k, i, base),
                };
                json!([v, ts])
            })
            .collect();
        out.push(json!({"target": name, "datapoints": datapoints}));
    }
    Ok(Reply::json(json!(out)))
}

fn value(k: u64, i: u64, base: f64) -> Value {
    if i % 4 == 3 {
        return Value::Null;
    }
    let wobble = ((i.wrapping_mul(37).wrapping_add(k.wrapping_mul(11))) % 17) as f64;
    let v = base * (0.75 + wobble / 34.0);
    json!((v * 1000.0).round() / 1000.0)
}

fn parse_minutes(s: &str) -> Option<u64> {
    let n: u64 = s.strip_suffix("min")?.parse().ok()?;
    (n > 0).then_some(n)
}

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::http::route::route_table! {
    GET "metrics" as get_metrics_by_names => |state, req, _p| get(state, req, state.clock.now_secs()),
}
