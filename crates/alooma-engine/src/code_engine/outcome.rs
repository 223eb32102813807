//! What one event's run gives: [`Run`], [`Transformed`], [`CodeError`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// An event: a JSON object.
pub type Event = Map<String, Value>;

/// One event's run: what the transform did with it, what it printed, and
/// how long it took.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Run {
    /// What became of the event.
    pub result: Transformed,
    /// What the transform printed to `sys.stdout` (empty when nothing).
    pub output: String,
    /// How long `transform` took, in milliseconds, measured in the worker.
    pub runtime_ms: f64,
}

impl Run {
    /// A run that failed before the transform was called (the modules do
    /// not load).
    pub fn failed(error: CodeError) -> Self {
        Run {
            result: Transformed::Failed(error),
            output: String::new(),
            runtime_ms: 0.0,
        }
    }
}

/// What the transform did with an event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Transformed {
    /// It returned a dict: the event goes on.
    Event(Event),
    /// It returned `None` (or an empty list): the event is dropped.
    Dropped,
    /// It returned a list of dicts: each goes on as its own event.
    Split(Vec<Event>),
    /// It raised, ran too long, used too much memory, crashed the worker,
    /// or returned something that is not an event.
    Failed(CodeError),
}

impl Transformed {
    /// The result as the service's test run answers it: the event, `null`
    /// for a dropped one, the list of a split one, and
    /// `{"errorMessage": traceback}` for a failure.
    ///
    /// ```
    /// use alooma_engine::code_engine::Transformed;
    /// assert_eq!(Transformed::Dropped.to_json(), serde_json::Value::Null);
    /// ```
    pub fn to_json(&self) -> Value {
        match self {
            Transformed::Event(e) => Value::Object(e.clone()),
            Transformed::Dropped => Value::Null,
            Transformed::Split(list) => {
                Value::Array(list.iter().cloned().map(Value::Object).collect())
            }
            Transformed::Failed(e) => {
                let mut m = Map::new();
                m.insert("errorMessage".into(), Value::String(e.error_message()));
                Value::Object(m)
            }
        }
    }

    /// The error, when the run failed.
    pub fn error(&self) -> Option<&CodeError> {
        match self {
            Transformed::Failed(e) => Some(e),
            _ => None,
        }
    }
}

/// Why an event's run failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Cause {
    /// The transform raised an exception.
    Exception,
    /// The modules do not load (a syntax error, an exception at import,
    /// no `main` or no `transform`).
    Load,
    /// The transform ran longer than the time limit.
    Timeout,
    /// The transform used more memory than the limit.
    Memory,
    /// The worker process died while running the event.
    Crash,
    /// The transform returned something that is not an event, or that JSON
    /// cannot carry.
    Result,
    /// The worker answered something the engine could not read.
    Protocol,
}

impl Cause {
    /// A word for messages and metrics (`exception`, `timeout` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Exception => "exception",
            Cause::Load => "load",
            Cause::Timeout => "timeout",
            Cause::Memory => "memory",
            Cause::Crash => "crash",
            Cause::Result => "result",
            Cause::Protocol => "protocol",
        }
    }
}

/// An error of the user's code, as Python reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CodeError {
    /// The exception's type (`KeyError`, `SyntaxError`, `TimeoutError` …).
    #[serde(rename = "type")]
    pub error_type: String,
    /// The exception's message (`'customer'` for a `KeyError`).
    pub message: String,
    /// The traceback as CPython prints it, with the modules' own frames
    /// (`File "main", line 3, in transform`).
    pub traceback: String,
    /// The module where it happened, when known.
    #[serde(default)]
    pub module: Option<String>,
    /// The line in that module, when known.
    #[serde(default)]
    pub line: Option<u64>,
    /// Why the run failed.
    pub cause: Cause,
}

impl CodeError {
    /// An error the engine itself reports (a time-out, a crash).
    pub fn engine(cause: Cause, error_type: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        CodeError {
            error_type: error_type.to_owned(),
            traceback: format!("{error_type}: {message}\n"),
            message,
            module: None,
            line: None,
            cause,
        }
    }

    /// The text the service put in a failed test run's `errorMessage`: the
    /// traceback, or `Type: message` when there is none.
    pub fn error_message(&self) -> String {
        if self.traceback.trim().is_empty() {
            format!("{}: {}", self.error_type, self.message)
        } else {
            self.traceback.clone()
        }
    }
}

/// `KeyError: 'customer' (main, line 3)`.
impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_type, self.message)?;
        match (&self.module, self.line) {
            (Some(m), Some(l)) => write!(f, " ({m}, line {l})"),
            (Some(m), None) => write!(f, " ({m})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for CodeError {}
