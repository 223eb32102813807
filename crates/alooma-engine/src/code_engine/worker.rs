//! One long-lived Python worker process and the protocol spoken with it.
//!
//! Requests go to the worker's standard input and answers come from its
//! standard output, one JSON document a line; the harness (`harness.py`)
//! moves both descriptors out of the transform's reach before it runs any
//! user code. A reader thread turns answers into lines on a channel, so
//! that every wait has a deadline; another drains standard error and keeps
//! its end, for the message of a worker that died.

use super::outcome::{Cause, CodeError, Event, Run, Transformed};
use super::{Config, Deployment, Modules};
use crate::EngineError;
use serde::Deserialize;
use serde_json::Value;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The harness the workers run, on CPython 2.7 and 3.x.
const HARNESS: &str = include_str!("harness.py");

/// How long a new worker may take to say it is ready.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Batches of at most this many events are written without a thread…
const SMALL_BATCH: usize = 16;

/// … when they take at most this many bytes: less than the smallest pipe
/// holds (one page, when the system is short of pipe memory), so the write
/// never waits for the worker.
const PIPE_SAFE: usize = 4096;

/// How much of a worker's standard error is kept for messages.
const STDERR_TAIL: usize = 4096;

/// A running worker.
pub(crate) struct Worker {
    child: Child,
    /// `None` only while a batch is being written.
    stdin: Option<ChildStdin>,
    /// Answer lines, in bunches: every complete line the reader had.
    lines: Receiver<std::io::Result<Vec<Vec<u8>>>>,
    /// Lines of the last bunch not yet taken.
    pending: VecDeque<Vec<u8>>,
    stderr: Arc<Mutex<VecDeque<u8>>>,
    /// The fingerprint of the deployment it has loaded.
    loaded: Option<u64>,
    /// The interpreter's version (`3.11.7`).
    pub(crate) version: String,
}

/// Why a wait for an answer ended without one.
enum Wait {
    /// The worker closed its answers (it exited).
    Closed,
    /// No answer in time.
    TimedOut,
}

impl Worker {
    /// Starts a worker and waits until it is ready.
    pub(crate) fn spawn(config: &Config) -> Result<Worker, EngineError> {
        let memory = config
            .memory_limit_mb
            .map_or(0, |mb| mb.saturating_mul(1 << 20));
        let mut child = Command::new(&config.python)
            .arg("-c")
            .arg(HARNESS)
            .arg(memory.to_string())
            .env("PYTHONIOENCODING", "utf-8")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| EngineError::NoPython {
                python: config.python.clone(),
                source,
            })?;
        let start_error = |reason: String| EngineError::Start {
            python: config.python.clone(),
            reason,
        };
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(start_error("its pipes could not be opened".into()));
        };
        let (tx, lines) = mpsc::channel();
        std::thread::Builder::new()
            .name("alooma-engine-answers".into())
            .spawn(move || {
                let mut reader = BufReader::with_capacity(1 << 16, stdout);
                loop {
                    // One line, then every complete line already read: one
                    // hand-over for a bunch of answers.
                    let mut bunch = Vec::new();
                    loop {
                        let mut line = Vec::new();
                        match reader.read_until(b'\n', &mut line) {
                            Ok(0) => {
                                if !bunch.is_empty() {
                                    let _ = tx.send(Ok(bunch));
                                }
                                return;
                            }
                            Ok(_) => bunch.push(line),
                            Err(e) => {
                                let _ = tx.send(Ok(bunch));
                                let _ = tx.send(Err(e));
                                return;
                            }
                        }
                        if !reader.buffer().contains(&b'\n') {
                            break;
                        }
                    }
                    if tx.send(Ok(bunch)).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| start_error(format!("no reader thread: {e}")))?;
        let tail = Arc::new(Mutex::new(VecDeque::with_capacity(STDERR_TAIL)));
        let sink = Arc::clone(&tail);
        std::thread::Builder::new()
            .name("alooma-engine-stderr".into())
            .spawn(move || {
                let mut stderr = stderr;
                let mut buf = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    let mut t = sink.lock().unwrap_or_else(|e| e.into_inner());
                    t.extend(&buf[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            })
            .map_err(|e| start_error(format!("no stderr thread: {e}")))?;
        let mut worker = Worker {
            child,
            stdin: Some(stdin),
            lines,
            pending: VecDeque::new(),
            stderr: tail,
            loaded: None,
            version: String::new(),
        };
        #[derive(Deserialize)]
        struct Ready {
            ready: String,
        }
        let line = match worker.next_line(START_TIMEOUT) {
            Ok(line) => line,
            Err(Wait::Closed) => {
                let status = worker.exit_status();
                return Err(start_error(format!(
                    "it exited ({status}){}",
                    worker.stderr_suffix()
                )));
            }
            Err(Wait::TimedOut) => {
                worker.kill();
                return Err(start_error(format!(
                    "it did not answer within {START_TIMEOUT:?}{}",
                    worker.stderr_suffix()
                )));
            }
        };
        match serde_json::from_slice::<Ready>(&line) {
            Ok(ready) => worker.version = ready.ready,
            Err(e) => {
                worker.kill();
                return Err(start_error(format!(
                    "its first answer is not the harness's ({e}){}",
                    worker.stderr_suffix()
                )));
            }
        }
        Ok(worker)
    }

    /// The next answer line, within `timeout`.
    fn next_line(&mut self, timeout: Duration) -> Result<Vec<u8>, Wait> {
        if let Some(line) = self.pending.pop_front() {
            return Ok(line);
        }
        let Some(deadline) = std::time::Instant::now().checked_add(timeout) else {
            // No limit that a clock can hold: wait as long as it takes.
            return match self.lines.recv() {
                Ok(Ok(bunch)) => {
                    self.pending.extend(bunch);
                    self.pending.pop_front().ok_or(Wait::Closed)
                }
                _ => Err(Wait::Closed),
            };
        };
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Ok(bunch)) => {
                    self.pending.extend(bunch);
                    if let Some(line) = self.pending.pop_front() {
                        return Ok(line);
                    }
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return Err(Wait::Closed),
                Err(RecvTimeoutError::Timeout) => return Err(Wait::TimedOut),
            }
        }
    }

    fn send(&mut self, line: &[u8]) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the worker's input is in use"))?;
        stdin.write_all(line)?;
        stdin.flush()
    }

    /// How the worker ended (waiting for it), for messages.
    fn exit_status(&mut self) -> String {
        // Its answers closed: it has exited, or is about to. One that
        // still runs (it closed its own descriptors) is stopped rather
        // than waited for.
        for _ in 0..10 {
            match self.child.try_wait() {
                Ok(Some(status)) => return describe_exit(status),
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return format!("its status is unknown: {e}"),
            }
        }
        self.kill();
        "it stopped answering and was ended".to_owned()
    }

    /// Whether the process still runs (an idle worker can die: a thread
    /// of the user's code calling `os._exit`, the kernel's OOM killer).
    pub(crate) fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Forgets what the worker wrote to standard error so far, so that a
    /// message about a later event holds only what came after.
    fn clear_stderr(&self) {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// `: <the end of its standard error>`, or nothing.
    fn stderr_suffix(&self) -> String {
        // The drain thread may still be reading the last bytes.
        std::thread::sleep(Duration::from_millis(20));
        let tail = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let bytes: Vec<u8> = tail.iter().copied().collect();
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim();
        if text.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                text.lines()
                    .rev()
                    .take(6)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        }
    }

    /// Ends the worker at once.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Loads `deployment` unless it is the one loaded. A load that fails
    /// is the modules' error; a worker that dies or hangs while loading is
    /// reported as such.
    pub(crate) fn load(
        &mut self,
        deployment: &Deployment,
        time_limit: Duration,
    ) -> Result<(), LoadFailure> {
        if self.loaded == Some(deployment.fingerprint) {
            return Ok(());
        }
        self.loaded = None;
        self.request_load("load", &deployment.modules, time_limit)?;
        self.loaded = Some(deployment.fingerprint);
        Ok(())
    }

    /// Sends `modules` with `op` (`load` or `check`) and reads the answer.
    fn request_load(
        &mut self,
        op: &str,
        modules: &Modules,
        time_limit: Duration,
    ) -> Result<(), LoadFailure> {
        let mut line = Vec::with_capacity(256);
        line.extend_from_slice(format!(r#"{{"op":"{op}","modules":"#).as_bytes());
        serde_json::to_writer(&mut line, modules.as_map())
            .map_err(|e| LoadFailure::Worker(protocol(format!("modules not encoded: {e}"))))?;
        line.extend_from_slice(b"}\n");
        if self.send(&line).is_err() {
            return Err(LoadFailure::Worker(self.died_error()));
        }
        #[derive(Deserialize)]
        struct Loaded {
            ok: bool,
            #[serde(default)]
            error: Option<CodeError>,
        }
        let answer = match self.next_line(time_limit) {
            Ok(line) => line,
            Err(Wait::Closed) => return Err(LoadFailure::Code(self.crash_error())),
            Err(Wait::TimedOut) => {
                self.kill();
                return Err(LoadFailure::Code(timeout_error(
                    time_limit,
                    "loading the modules",
                )));
            }
        };
        match serde_json::from_slice::<Loaded>(&answer) {
            Ok(Loaded { ok: true, .. }) => Ok(()),
            Ok(Loaded { error: Some(e), .. }) => Err(LoadFailure::Code(e)),
            Ok(Loaded { error: None, .. }) => Err(LoadFailure::Worker(protocol(
                "a failed load without its error".into(),
            ))),
            Err(e) => Err(LoadFailure::Worker(protocol(format!(
                "an unreadable load answer: {e}"
            )))),
        }
    }

    /// Compiles `modules` without running them: the first syntax error.
    pub(crate) fn check(
        &mut self,
        modules: &Modules,
        time_limit: Duration,
    ) -> Result<(), LoadFailure> {
        self.request_load("check", modules, time_limit)
    }

    /// Runs `events` in order, answering one [`Run`] for each event it got
    /// to. Stops early, killing the worker, at the first event that hangs
    /// or kills it; that event's run says so.
    pub(crate) fn run(
        &mut self,
        events: &[Value],
        time_limit: Duration,
    ) -> Result<(Vec<Run>, bool), EngineError> {
        // The events go one a line, written by a thread while this one
        // reads the answers: the worker starts on the first event at once,
        // and neither side waits for the other's whole batch.
        self.clear_stderr();
        let mut runs = Vec::with_capacity(events.len());
        // A small batch fits in the pipe: written at once, with no thread
        // (a test run, a trickle of events).
        if events.len() <= SMALL_BATCH {
            let mut buf = Vec::with_capacity(1024);
            let _ = writeln!(buf, r#"{{"op":"run","n":{}}}"#, events.len());
            for event in events {
                serde_json::to_writer(&mut buf, event)
                    .map_err(|e| protocol(format!("events not encoded: {e}")))?;
                buf.push(b'\n');
            }
            if buf.len() <= PIPE_SAFE {
                if self.send(&buf).is_err() {
                    runs.push(Run::failed(self.crash_error()));
                    return Ok((runs, false));
                }
                let alive = self.read_runs(events.len(), time_limit, &mut runs);
                if !alive {
                    self.kill();
                }
                return Ok((runs, alive));
            }
        }
        let Some(mut stdin) = self.stdin.take() else {
            return Err(protocol("the worker's input is in use".into()));
        };
        let alive = std::thread::scope(|scope| {
            let input = &mut stdin;
            let writer = scope.spawn(move || {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, input);
                writeln!(w, r#"{{"op":"run","n":{}}}"#, events.len())?;
                for event in events {
                    serde_json::to_writer(&mut w, event)?;
                    w.write_all(b"\n")?;
                }
                w.flush()
            });
            let alive = self.read_runs(events.len(), time_limit, &mut runs);
            if !alive {
                // A writer blocked on a worker that no longer reads ends
                // with the worker.
                self.kill();
            }
            let written = matches!(writer.join(), Ok(Ok(())));
            alive && written
        });
        self.stdin = Some(stdin);
        Ok((runs, alive))
    }

    /// Reads the answers of `count` events into `runs`; false when the
    /// worker hung, died or answered nonsense (it is then to be replaced).
    fn read_runs(&mut self, count: usize, time_limit: Duration, runs: &mut Vec<Run>) -> bool {
        for _ in 0..count {
            match self.next_line(time_limit) {
                Ok(answer) => match parse_run(&answer) {
                    Ok(run) => runs.push(run),
                    Err(e) => {
                        self.kill();
                        runs.push(Run::failed(CodeError::engine(
                            Cause::Protocol,
                            "RuntimeError",
                            format!("the worker's answer could not be read: {e}"),
                        )));
                        return false;
                    }
                },
                Err(Wait::Closed) => {
                    runs.push(Run::failed(self.crash_error()));
                    return false;
                }
                Err(Wait::TimedOut) => {
                    self.kill();
                    runs.push(Run {
                        result: Transformed::Failed(timeout_error(time_limit, "this event")),
                        output: String::new(),
                        runtime_ms: time_limit.as_secs_f64() * 1000.0,
                    });
                    return false;
                }
            }
        }
        true
    }

    /// The error of an event whose worker died: how it ended, and the end
    /// of what it wrote to standard error.
    fn crash_error(&mut self) -> CodeError {
        let status = self.exit_status();
        let tail = self.stderr_suffix();
        let memory = tail.contains("MemoryError") || status.contains("signal 9");
        CodeError::engine(
            if memory { Cause::Memory } else { Cause::Crash },
            if memory { "MemoryError" } else { "WorkerCrash" },
            format!("the Python worker died while running this event ({status}){tail}; a new worker runs the next event"),
        )
    }

    fn died_error(&mut self) -> EngineError {
        let status = self.exit_status();
        protocol(format!(
            "the worker died ({status}){}",
            self.stderr_suffix()
        ))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Why a load did not happen.
pub(crate) enum LoadFailure {
    /// The modules' own error (or a hang or crash while importing them).
    Code(CodeError),
    /// The worker could not be talked to.
    Worker(EngineError),
}

fn protocol(reason: String) -> EngineError {
    EngineError::Protocol { reason }
}

fn timeout_error(limit: Duration, what: &str) -> CodeError {
    CodeError::engine(
        Cause::Timeout,
        "TimeoutError",
        format!(
            "the transform ran longer than the time limit of {} s on {what}; the worker was replaced",
            limit.as_secs_f64()
        ),
    )
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "no exit status".to_owned(),
    }
}

/// One answer line of a run.
#[derive(Deserialize)]
struct Answer {
    k: String,
    #[serde(default)]
    v: Option<Value>,
    #[serde(default)]
    o: String,
    #[serde(default)]
    t: f64,
    #[serde(default)]
    e: Option<CodeError>,
}

fn parse_run(line: &[u8]) -> Result<Run, String> {
    let answer: Answer = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let result = match (answer.k.as_str(), answer.v, answer.e) {
        ("d", Some(Value::Object(event)), _) => Transformed::Event(event),
        ("n", _, _) => Transformed::Dropped,
        ("l", Some(Value::Array(items)), _) => {
            let mut events: Vec<Event> = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Object(e) => events.push(e),
                    _ => return Err("a split result holds a non-object".into()),
                }
            }
            if events.is_empty() {
                Transformed::Dropped
            } else {
                Transformed::Split(events)
            }
        }
        ("e", _, Some(e)) => Transformed::Failed(e),
        (k, _, _) => return Err(format!("an answer of unknown kind {k:?}")),
    };
    Ok(Run {
        result,
        output: answer.o,
        runtime_ms: answer.t,
    })
}
