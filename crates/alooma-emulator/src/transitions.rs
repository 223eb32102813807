//! State over time: what changes in the account while nobody writes to it.
//!
//! Like moto's state transitions, three things move with the emulator's
//! [`Clock`](crate::Clock), each configured by [`Transitions`]:
//!
//! - **New inputs start**: an input created through the API is `starting`
//!   (its job's `state`, its task's `status`) until it has been read
//!   [`input_start_reads`](Transitions::input_start_reads) times by
//!   `GET inputs/{id}`, or [`input_start_secs`](Transitions::input_start_secs)
//!   have passed since it was created, whichever comes first; then it is
//!   `running`. With neither set (the default) it runs at once.
//! - **The restream queue drains**: while the Restream node streams
//!   (`start_restream`), its `availbleForRestream` falls by
//!   [`restream_drain_per_sec`](Transitions::restream_drain_per_sec)
//!   events a second, down to 0 (default 0: it does not drain by itself).
//! - **Scheduled queries run**: a query scheduled every `frequency` hours
//!   runs when its `next_processing_time` comes, which updates
//!   `last_processing_time`, `last_success_time`, `next_processing_time`
//!   and `run_count`. With [`query_fail_every`](Transitions::query_fail_every)
//!   set to N, every Nth run fails (`status: "error"`, an `error_message`,
//!   `error_count` counted). Cron (`run_at`) queries run only when asked
//!   (`run_query`).
//!
//! Every change is a function of the clock's time alone, computed when a
//! request (or a Rust API read) looks at the state, so under a test clock
//! ([`Clock::manual`](crate::Clock::manual)) the same steps give the same
//! answers.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::iso_micros;
use crate::state::State;

/// How the account's state moves over time (see the [module](self) docs).
///
/// ```
/// let t = alooma_emulator::Transitions::default()
///     .input_start_reads(2)
///     .restream_drain_per_sec(50.0)
///     .query_fail_every(3);
/// assert_eq!(t.input_start_reads, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Transitions {
    /// `GET inputs/{id}` reads after which a new input runs (0: reads do
    /// not count).
    pub input_start_reads: u32,
    /// Seconds after creation after which a new input runs.
    pub input_start_secs: Option<f64>,
    /// Events a second the restream queue drains while streaming.
    pub restream_drain_per_sec: f64,
    /// Whether queries scheduled every `frequency` hours run on their own.
    pub query_runs: bool,
    /// Every Nth run of a scheduled query fails (`None`: none fail).
    pub query_fail_every: Option<u32>,
}

impl Default for Transitions {
    fn default() -> Self {
        Self {
            input_start_reads: 0,
            input_start_secs: None,
            restream_drain_per_sec: 0.0,
            query_runs: true,
            query_fail_every: None,
        }
    }
}

impl Transitions {
    /// New inputs run after this many reads.
    pub fn input_start_reads(mut self, reads: u32) -> Self {
        self.input_start_reads = reads;
        self
    }

    /// New inputs run this many seconds after they were created.
    pub fn input_start_secs(mut self, secs: f64) -> Self {
        self.input_start_secs = Some(secs);
        self
    }

    /// The restream queue drains this many events a second while streaming.
    pub fn restream_drain_per_sec(mut self, rate: f64) -> Self {
        self.restream_drain_per_sec = rate;
        self
    }

    /// Whether frequency-scheduled queries run on their own.
    pub fn query_runs(mut self, on: bool) -> Self {
        self.query_runs = on;
        self
    }

    /// Every `n`th run of a scheduled query fails.
    pub fn query_fail_every(mut self, n: u32) -> Self {
        self.query_fail_every = (n > 0).then_some(n);
        self
    }

    /// Whether a new input has started by `now`.
    fn input_started(&self, created_ms: i64, reads: u32, now: i64) -> bool {
        let by_reads = self.input_start_reads > 0 && reads >= self.input_start_reads;
        let by_time = self
            .input_start_secs
            .is_some_and(|secs| (now - created_ms) as f64 >= secs * 1000.0);
        let waits = self.input_start_reads > 0 || self.input_start_secs.is_some();
        !waits || by_reads || by_time
    }
}

/// The restream queue while it streams: its size when streaming started.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct RestreamDrain {
    /// When streaming started (epoch ms), `None` while not streaming.
    pub(crate) since_ms: Option<i64>,
    /// The queue's size then.
    pub(crate) size_at_start: u64,
}

/// When a scheduled query runs next.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct QueryRun {
    /// The next run (epoch ms).
    pub(crate) next_ms: i64,
    /// The time between runs, `None` for queries that run only when asked.
    pub(crate) every_ms: Option<i64>,
    /// Runs so far.
    pub(crate) runs: u64,
    /// Failed runs so far.
    pub(crate) failures: u64,
}

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

fn queue_size(node: &crate::model::Node) -> u64 {
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
        .map(|q| (q.id, crate::queries::frequency_hours(q)))
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
pub(crate) fn record_run(rest: &mut crate::model::Object, ran_ms: i64, failed: bool) {
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
