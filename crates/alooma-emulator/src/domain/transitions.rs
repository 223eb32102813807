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
    pub(crate) fn input_started(&self, created_ms: i64, reads: u32, now: i64) -> bool {
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
