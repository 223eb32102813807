//! How the state moves: the functions that bring an account's state up to
//! the clock's time, by the rules of [`Transitions`] (see the
//! [`transitions`](super::transitions) docs).

use serde_json::{json, Value};

use super::clock::iso_micros;
use super::state::State;
use super::transitions::{QueryRun, RestreamDrain};

/// Brings the state up to `now`: inputs start, the restream queue drains,
/// scheduled queries run.
pub(crate) fn advance(state: &mut State, now: i64) {
    let transitions = state.transitions.clone();
    for meta in state.input_meta.values_mut() {
        if !meta.running && transitions.input_started(meta.created_ms, meta.reads, now) {
            meta.running = true;
        }
    }
    drain_restream(state, now, transitions.restream_drain_per_sec);
    if transitions.query_runs {
        run_due_queries(state, now, transitions.query_fail_every);
    }
}

/// Counts a read of a starting input (`GET inputs/{id}`).
pub(crate) fn count_read(state: &mut State, id: &str) {
    let now = state.now_millis();
    let transitions = state.transitions.clone();
    if let Some(meta) = state.input_meta.get_mut(id) {
        if !meta.running {
            meta.reads = meta.reads.saturating_add(1);
            meta.running = transitions.input_started(meta.created_ms, meta.reads, now);
        }
    }
}

/// Whether a node's `configuration.streaming` is on (`"true"` or `true`).
pub(crate) fn is_streaming(configuration: &serde_json::Map<String, Value>) -> bool {
    match configuration.get("streaming") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Starts or stops the drain when the Restream node's streaming flag is set.
pub(crate) fn restream_changed(state: &mut State) {
    let now = state.now_millis();
    let Some(node) = state.nodes.iter().find(|n| n.node_type == "RESTREAM") else {
        return;
    };
    let streaming = is_streaming(&node.configuration);
    let size = queue_size(node);
    state.restream = match (streaming, state.restream.since_ms) {
        (true, Some(_)) => state.restream.clone(),
        (true, None) => RestreamDrain {
            since_ms: Some(now),
            size_at_start: size,
        },
        (false, _) => RestreamDrain::default(),
    };
}

/// The queue was emptied: streaming (if on) goes on from 0.
pub(crate) fn restream_purged(state: &mut State) {
    if let Some(since) = state.restream.since_ms.as_mut() {
        *since = state.clock.now_millis();
        state.restream.size_at_start = 0;
    }
}

fn queue_size(node: &crate::domain::model::Node) -> u64 {
    node.stats
        .get("availbleForRestream")
        .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f.max(0.0) as u64)))
        .unwrap_or(0)
}

fn drain_restream(state: &mut State, now: i64, rate: f64) {
    let Some(since) = state.restream.since_ms else {
        return;
    };
    if rate <= 0.0 {
        return;
    }
    let elapsed_ms = (now - since).max(0) as f64;
    let drained = (rate * elapsed_ms / 1000.0).floor();
    let left = (state.restream.size_at_start as f64 - drained).max(0.0) as u64;
    if let Some(node) = state.nodes.iter_mut().find(|n| n.node_type == "RESTREAM") {
        node.stats.insert("availbleForRestream".into(), json!(left));
    }
}

/// Gives every query without one its run schedule (from its `frequency`).
pub(crate) fn schedule_all(state: &mut State, now: i64) {
    let ids: Vec<(u64, Option<f64>)> = state
        .queries
        .iter()
        .map(|q| (q.id, crate::domain::queries::frequency_hours(q)))
        .collect();
    for (id, hours) in ids {
        state.query_runs.entry(id).or_insert_with(|| {
            let every_ms = hours.filter(|h| *h > 0.0).map(|h| (h * 3_600_000.0) as i64);
            QueryRun {
                next_ms: now.saturating_add(every_ms.unwrap_or(8 * 3_600_000)),
                every_ms,
                runs: 0,
                failures: 0,
            }
        });
    }
}

/// The v2 keys of a query's last run, as the service's scheduler wrote
/// them: when it was queued, started and ended, its return code (0, or 1
/// for a failed run), and when it runs next (`next_run_time` mirrors
/// `next_processing_time`). A run takes no time in the emulator.
pub(crate) fn record_run(rest: &mut crate::domain::model::Object, ran_ms: i64, failed: bool) {
    let at = json!(iso_micros(ran_ms));
    rest.insert("enqueue_time".into(), at.clone());
    rest.insert("last_run_start_time".into(), at.clone());
    rest.insert("last_run_end_time".into(), at);
    rest.insert("last_run_return_code".into(), json!(i32::from(failed)));
    rest.insert("is_running".into(), json!(false));
    if let Some(next) = rest.get("next_processing_time").cloned() {
        rest.insert("next_run_time".into(), next);
    }
}

fn run_due_queries(state: &mut State, now: i64, fail_every: Option<u32>) {
    for query in &mut state.queries {
        let Some(run) = state.query_runs.get_mut(&query.id) else {
            continue;
        };
        let Some(every) = run.every_ms.filter(|e| *e > 0) else {
            continue;
        };
        if run.next_ms > now || query.rest.get("is_active") == Some(&Value::Bool(false)) {
            continue;
        }
        let due = (now.saturating_sub(run.next_ms) / every).saturating_add(1) as u64;
        let last_ms = run
            .next_ms
            .saturating_add((due as i64 - 1).saturating_mul(every));
        let first_run = run.runs + 1;
        run.runs = run.runs.saturating_add(due);
        let failed_now = fail_every.map_or(0, |n| {
            let n = u64::from(n);
            run.runs / n - (first_run - 1) / n
        });
        run.failures += failed_now;
        run.next_ms = last_ms.saturating_add(every);
        let last_failed = fail_every.is_some_and(|n| run.runs % u64::from(n) == 0);
        let rest = &mut query.rest;
        rest.insert("last_processing_time".into(), json!(iso_micros(last_ms)));
        rest.insert(
            "next_processing_time".into(),
            json!(iso_micros(run.next_ms)),
        );
        rest.insert("run_count".into(), json!(run.runs));
        rest.insert("error_count".into(), json!(run.failures));
        record_run(rest, last_ms, last_failed);
        if last_failed {
            if fail_every.is_some_and(|n| n > 1) && due == 1 && run.runs > 1 {
                rest.insert(
                    "last_success_time".into(),
                    json!(iso_micros(last_ms - every)),
                );
            }
            rest.insert("status".into(), json!("error"));
            rest.insert(
                "error_message".into(),
                json!(format!("run {} failed (emulated)", run.runs)),
            );
        } else {
            rest.insert("status".into(), json!("active"));
            rest.insert("error_message".into(), json!(""));
            rest.insert("last_success_time".into(), json!(iso_micros(last_ms)));
        }
    }
}
