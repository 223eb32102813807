//! Offline tests of Code Engine modules: sample files in, expectations
//! compared and written (what `alooma code test` runs).
//!
//! A sample file is a JSON list of events, JSON lines (one event a line),
//! a single event, or the service's samples (`[{"eventType", "status",
//! "sample": {…}}]`, as `get_samples` answers and tools save them). An
//! expectation file is a JSON list with one `{"result", "output"}` per
//! sample, `result` in the form of the service's test runs (the event,
//! `null` when dropped, a list when split, `{"errorMessage": …}` when the
//! transform failed).
//!
//! ```
//! use alooma_engine::code_engine::samples::parse_samples;
//! let events = parse_samples(r#"[{"eventType": "orders", "sample": {"id": 1}}]"#).unwrap();
//! assert_eq!(events[0]["id"], 1);
//! let lines = parse_samples("{\"id\": 1}\n\n{\"id\": 2}\n").unwrap();
//! assert_eq!(lines.len(), 2);
//! // An event with a `sample` field of its own stays the event.
//! let own = parse_samples(r#"[{"id": 3, "sample": {"x": 1}}]"#).unwrap();
//! assert_eq!(own[0]["id"], 3);
//! ```

use super::Run;
use serde_json::{json, Map, Value};
use std::fmt;
use std::path::Path;

/// The keys of one of the service's samples (`get_samples`).
const SAMPLE_KEYS: [&str; 4] = ["sample", "eventType", "status", "result"];

/// A sample or expectation file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SamplesError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is neither JSON nor JSON lines, or holds something that is
    /// not an event.
    #[error("{0}")]
    Format(String),
}

/// Reads the events of a sample file.
pub fn read_samples(path: &Path) -> Result<Vec<Value>, SamplesError> {
    let text = std::fs::read_to_string(path).map_err(|source| SamplesError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_samples(&text).map_err(|e| match e {
        SamplesError::Format(m) => SamplesError::Format(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// The events of a sample file's text.
pub fn parse_samples(text: &str) -> Result<Vec<Value>, SamplesError> {
    let items = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(Value::Object(event)) => vec![Value::Object(event)],
        Ok(other) => {
            return Err(SamplesError::Format(format!(
                "a sample file holds events (objects), not {other}"
            )))
        }
        Err(whole) => {
            let mut items = Vec::new();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(v) => items.push(v),
                    Err(e) => {
                        return Err(SamplesError::Format(format!(
                            "neither JSON ({whole}) nor JSON lines (line {}: {e})",
                            n + 1
                        )))
                    }
                }
            }
            items
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            // The service's samples: the event is under `sample`, beside
            // only the sample's own keys (an event with a `sample` field
            // of its own is an event).
            Value::Object(mut o)
                if o.get("sample").is_some_and(Value::is_object)
                    && o.keys().all(|k| SAMPLE_KEYS.contains(&k.as_str())) =>
            {
                Ok(o.remove("sample").unwrap_or(Value::Null))
            }
            Value::Object(o) => Ok(Value::Object(o)),
            other => Err(SamplesError::Format(format!(
                "sample {} is not an event (an object): {other}",
                i + 1
            ))),
        })
        .collect()
}

/// A run as an expectation: `{"result": …, "output": …}`.
pub fn expectation(run: &Run) -> Value {
    json!({"result": run.result.to_json(), "output": run.output})
}

/// The expectation file of `runs` (what `--update` writes).
pub fn expectations(runs: &[Run]) -> Value {
    Value::Array(runs.iter().map(expectation).collect())
}

/// Where a run differs from its expectation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Difference {
    /// The sample's index (from 0).
    pub index: usize,
    /// `result`, `output`, or `count` (the files do not have as many
    /// entries).
    pub what: &'static str,
    /// What the expectation says.
    pub expected: Value,
    /// What the run gave.
    pub actual: Value,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.what == "count" {
            return write!(
                f,
                "{} expectations for {} samples",
                self.expected, self.actual
            );
        }
        write!(
            f,
            "sample {}: {} differs\n  expected: {}\n  actual:   {}",
            self.index + 1,
            self.what,
            self.expected,
            self.actual
        )
    }
}

/// Every difference between `runs` and the expectation file's content.
pub fn differences(runs: &[Run], expected: &Value) -> Result<Vec<Difference>, SamplesError> {
    let Value::Array(expected) = expected else {
        return Err(SamplesError::Format(
            "an expectation file is a JSON list of {\"result\", \"output\"}".into(),
        ));
    };
    let mut out = Vec::new();
    if expected.len() != runs.len() {
        out.push(Difference {
            index: 0,
            what: "count",
            expected: json!(expected.len()),
            actual: json!(runs.len()),
        });
    }
    let empty = Map::new();
    for (index, (run, want)) in runs.iter().zip(expected).enumerate() {
        let want = want.as_object().unwrap_or(&empty);
        let result = run.result.to_json();
        let expected_result = want.get("result").cloned().unwrap_or(Value::Null);
        if result != expected_result {
            out.push(Difference {
                index,
                what: "result",
                expected: expected_result,
                actual: result,
            });
        }
        if let Some(expected_output) = want.get("output") {
            let output = json!(run.output);
            if &output != expected_output {
                out.push(Difference {
                    index,
                    what: "output",
                    expected: expected_output.clone(),
                    actual: output,
                });
            }
        }
    }
    Ok(out)
}
