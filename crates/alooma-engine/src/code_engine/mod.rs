//! The Code Engine runner: users' Python transforms run by a real
//! interpreter.
//!
//! A [`CodeEngine`] keeps a pool of worker processes (`python3 -c
//! <harness>`, or the interpreter of [`Config::python`]). [`deploy`]
//! loads a set of [`Modules`] into a fresh namespace (modules import each
//! other by name; `transform` is looked up in `main`) and reports a syntax
//! error or an exception at import with its module and line; [`run`]
//! sends events in batches, split across the workers, and answers one
//! [`Run`] per event, in order. Each event is a fresh copy (it crosses a
//! process boundary), what it prints is its `output`, and its run time is
//! measured around the call.
//!
//! A worker that hangs past [`Config::time_limit`], grows past
//! [`Config::memory_limit_mb`] or dies is replaced: that event fails with
//! an error naming the cause, and the rest of the batch runs on the new
//! worker.
//!
//! [`deploy`]: CodeEngine::deploy
//! [`run`]: CodeEngine::run
//!
//! ```no_run
//! use alooma_engine::code_engine::{CodeEngine, Config, Modules, Transformed};
//! use serde_json::json;
//! let engine = CodeEngine::new(Config::default().workers(2));
//! let mut modules = Modules::new();
//! modules.insert("helpers", "def clean(s):\n    return s.strip()\n");
//! modules.insert("main", "import helpers\ndef transform(event):\n    event['name'] = helpers.clean(event['name'])\n    return event\n");
//! let deployment = engine.deploy(&modules)?;
//! let runs = engine.run(&deployment, &[json!({"name": " a "}), json!({})])?;
//! assert!(matches!(&runs[0].result, Transformed::Event(e) if e["name"] == "a"));
//! let error = runs[1].result.error().unwrap();
//! assert_eq!((error.error_type.as_str(), error.line), ("KeyError", Some(3)));
//! # Ok::<(), alooma_engine::EngineError>(())
//! ```

mod outcome;
pub mod samples;
mod worker;

pub use outcome::{Cause, CodeError, Event, Run, Transformed};

use crate::EngineError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use worker::{LoadFailure, Worker};

/// The default transform of a new account: the event unchanged.
pub const DEFAULT_TRANSFORM: &str = "def transform(event):\n\treturn event";

/// How the engine runs code.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The interpreter: `ALOOMA_PYTHON` when set, else `python3`.
    pub python: PathBuf,
    /// How many worker processes run a batch at most (by default the
    /// machine's cores, at most 8).
    pub workers: usize,
    /// How long one event may run (5 s by default).
    pub time_limit: Duration,
    /// The cap on a worker's address space, in MiB (1024 by default;
    /// `None`: no cap).
    pub memory_limit_mb: Option<u64>,
    /// The fewest events a worker is given when a batch is split across
    /// workers (256 by default): smaller batches run on one worker.
    pub min_share: usize,
}

impl Default for Config {
    fn default() -> Self {
        let python = std::env::var_os("ALOOMA_PYTHON")
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from("python3"), PathBuf::from);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            python,
            workers: cores.clamp(1, 8),
            time_limit: Duration::from_secs(5),
            memory_limit_mb: Some(1024),
            min_share: 256,
        }
    }
}

impl Config {
    /// Runs code with this interpreter.
    pub fn python(mut self, python: impl Into<PathBuf>) -> Self {
        self.python = python.into();
        self
    }

    /// Runs batches on at most `workers` processes (at least one).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Lets each event run this long.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// Caps each worker's address space (`None`: no cap).
    pub fn memory_limit_mb(mut self, limit: Option<u64>) -> Self {
        self.memory_limit_mb = limit;
        self
    }

    /// Splits batches across workers only in shares of at least this many
    /// events.
    pub fn min_share(mut self, events: usize) -> Self {
        self.min_share = events.max(1);
        self
    }
}

/// A set of Code Engine modules: name → code. `main` holds `transform`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modules(BTreeMap<String, String>);

impl Modules {
    /// No modules.
    pub fn new() -> Self {
        Modules(BTreeMap::new())
    }

    /// Only a `main` module with `code`.
    pub fn main(code: impl Into<String>) -> Self {
        let mut m = Modules::new();
        m.insert("main", code);
        m
    }

    /// Adds (or replaces) a module.
    pub fn insert(&mut self, name: impl Into<String>, code: impl Into<String>) {
        self.0.insert(name.into(), code.into());
    }

    /// The modules as a map.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `*.py` files of `dir`, each a module named by its file name
    /// (`transform_mysql.py` → `transform_mysql`).
    pub fn from_dir(dir: impl AsRef<Path>) -> std::io::Result<Self> {
        let mut modules = Modules::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "py") && p.is_file())
            .collect();
        entries.sort();
        for path in entries {
            if let Some(name) = path.file_stem().and_then(|s| s.to_str()) {
                modules.insert(name, std::fs::read_to_string(&path)?);
            }
        }
        Ok(modules)
    }

    fn fingerprint(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut h);
        h.finish()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Modules {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Modules(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Modules that loaded: what [`CodeEngine::run`] runs.
#[derive(Debug, Clone)]
pub struct Deployment {
    modules: Modules,
    fingerprint: u64,
}

impl Deployment {
    /// The modules.
    pub fn modules(&self) -> &Modules {
        &self.modules
    }
}

/// The Code Engine: a pool of Python workers. Cheap to create (workers
/// start on first use) and safe to share between threads.
pub struct CodeEngine {
    config: Config,
    idle: Mutex<Vec<Worker>>,
}

impl std::fmt::Debug for CodeEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeEngine")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl CodeEngine {
    /// An engine; no process starts until code runs.
    pub fn new(config: Config) -> Self {
        CodeEngine {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Starts a worker (or takes an idle one) and answers the
    /// interpreter's version: a clear error when there is no interpreter.
    pub fn check(&self) -> Result<String, EngineError> {
        let worker = self.take()?;
        let version = worker.version.clone();
        self.give_back(vec![worker]);
        Ok(version)
    }

    /// Loads `modules` into a fresh namespace and checks that `main`
    /// defines `transform`. A syntax error or an exception at import is
    /// [`EngineError::Load`], naming the module and the line.
    pub fn deploy(&self, modules: &Modules) -> Result<Deployment, EngineError> {
        let deployment = Deployment {
            fingerprint: modules.fingerprint(),
            modules: modules.clone(),
        };
        let mut worker = self.take()?;
        let loaded = worker.load(&deployment, self.config.time_limit);
        match loaded {
            Ok(()) => {
                self.give_back(vec![worker]);
                Ok(deployment)
            }
            Err(LoadFailure::Code(e)) => {
                if e.cause == Cause::Load || e.cause == Cause::Exception {
                    self.give_back(vec![worker]);
                }
                Err(EngineError::Load(e))
            }
            Err(LoadFailure::Worker(e)) => Err(e),
        }
    }

    /// Compiles `modules` without running any of them: the first syntax
    /// error ([`EngineError::Load`], naming the module and the line), or
    /// none. What a deploy to the service checks; a test run loads them.
    pub fn check_syntax(&self, modules: &Modules) -> Result<(), EngineError> {
        let mut worker = self.take()?;
        match worker.check(modules, self.config.time_limit) {
            Ok(()) => {
                self.give_back(vec![worker]);
                Ok(())
            }
            Err(LoadFailure::Code(e)) => {
                // A time-out or a crash while compiling ended the worker.
                if e.cause == Cause::Load {
                    self.give_back(vec![worker]);
                }
                Err(EngineError::Load(e))
            }
            Err(LoadFailure::Worker(e)) => Err(e),
        }
    }

    /// Runs `events` through the deployment's `transform`, one [`Run`] per
    /// event, in order. A batch larger than [`Config::min_share`] is split
    /// across the workers. Only a machine-level failure (no interpreter, a
    /// broken protocol) is an error; each event's own failure is its
    /// [`Transformed::Failed`].
    pub fn run(&self, deployment: &Deployment, events: &[Value]) -> Result<Vec<Run>, EngineError> {
        self.run_on(deployment, events, self.config.workers)
    }

    /// [`run`](Self::run) on one worker: for callers that run several
    /// batches at once, a batch each worker (see
    /// [`DataPath::process_stream`](crate::flow::DataPath::process_stream)).
    pub fn run_on_one_worker(
        &self,
        deployment: &Deployment,
        events: &[Value],
    ) -> Result<Vec<Run>, EngineError> {
        self.run_on(deployment, events, 1)
    }

    /// Runs `events` split across at most `workers` workers.
    fn run_on(
        &self,
        deployment: &Deployment,
        events: &[Value],
        workers: usize,
    ) -> Result<Vec<Run>, EngineError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let shares = workers
            .min(events.len().div_ceil(self.config.min_share.max(1)))
            .max(1);
        if shares == 1 {
            let mut slot = Some(self.take()?);
            let runs = self.run_share(&mut slot, deployment, events);
            self.give_back(slot.into_iter().collect());
            return runs;
        }
        let per = events.len().div_ceil(shares);
        let chunks: Vec<&[Value]> = events.chunks(per).collect();
        let mut slots: Vec<Option<Worker>> = Vec::with_capacity(chunks.len());
        for _ in &chunks {
            slots.push(self.take_idle());
        }
        let results: Vec<Result<Vec<Run>, EngineError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = slots
                .iter_mut()
                .zip(&chunks)
                .map(|(slot, chunk)| scope.spawn(move || self.run_share(slot, deployment, chunk)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(EngineError::Protocol {
                            reason: "a worker thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        self.give_back(slots.into_iter().flatten().collect());
        let mut runs = Vec::with_capacity(events.len());
        for r in results {
            runs.extend(r?);
        }
        Ok(runs)
    }

    /// A test run, as the service's `transform/v2/functions/run` did it:
    /// `modules` loaded and run on `event`. Modules that do not load are a
    /// failed run (the error in the result), as the service answered
    /// them; only a machine-level failure is an error.
    pub fn test_run(&self, modules: &Modules, event: Value) -> Result<Run, EngineError> {
        let deployment = match self.deploy(modules) {
            Ok(d) => d,
            Err(EngineError::Load(e)) => return Ok(Run::failed(e)),
            Err(e) => return Err(e),
        };
        let mut runs = self.run(&deployment, std::slice::from_ref(&event))?;
        runs.pop().ok_or_else(|| EngineError::Protocol {
            reason: "no answer for the event".into(),
        })
    }

    /// Runs `events` on one worker (started, or replaced, as needed).
    fn run_share(
        &self,
        slot: &mut Option<Worker>,
        deployment: &Deployment,
        events: &[Value],
    ) -> Result<Vec<Run>, EngineError> {
        let mut runs = Vec::with_capacity(events.len());
        while runs.len() < events.len() {
            if slot.as_mut().is_some_and(|w| !w.is_alive()) {
                *slot = None;
            }
            let worker = match slot {
                Some(w) => w,
                None => slot.insert(Worker::spawn(&self.config)?),
            };
            match worker.load(deployment, self.config.time_limit) {
                Ok(()) => {}
                Err(LoadFailure::Code(e)) => {
                    // Modules that loaded once and fail now (an import that
                    // hangs or dies): every remaining event fails with it.
                    *slot = None;
                    while runs.len() < events.len() {
                        runs.push(Run::failed(e.clone()));
                    }
                    break;
                }
                Err(LoadFailure::Worker(e)) => return Err(e),
            }
            let (done, alive) = worker.run(&events[runs.len()..], self.config.time_limit)?;
            runs.extend(done);
            if !alive {
                *slot = None;
            }
        }
        Ok(runs)
    }

    /// An idle worker that still runs (dead ones are dropped).
    fn take_idle(&self) -> Option<Worker> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(mut worker) = idle.pop() {
            if worker.is_alive() {
                return Some(worker);
            }
        }
        None
    }

    fn take(&self) -> Result<Worker, EngineError> {
        match self.take_idle() {
            Some(w) => Ok(w),
            None => Worker::spawn(&self.config),
        }
    }

    fn give_back(&self, workers: Vec<Worker>) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        for w in workers {
            if idle.len() < self.config.workers {
                idle.push(w);
            }
        }
    }
}
