//! Sample events: [`Sample`] (`GET samples`), [`SamplesStats`]
//! (`GET samples/stats`) and [`StatusCodes`] (`GET status-types`).
//!
//! The service keeps a few recent events of every (event type, status)
//! pair; the Code Engine test helpers run the transform on them.

use crate::{Extra, Maybe, TransformResult};
use std::collections::BTreeMap;

/// `GET samples/stats`: event type → status code → number of samples kept.
pub type SamplesStats = BTreeMap<String, BTreeMap<String, u64>>;

/// `GET status-types`: status code (`VALID`, `NO_MAPPING` …) → its
/// human-readable description.
pub type StatusCodes = BTreeMap<String, String>;

/// One sample event: `{"eventType": "clicks", "status": "VALID", "sample": {…}}`.
///
/// The test helpers (`test_transform_all_samples`,
/// `test_code_engine_all_samples`) return the samples with a `result` key
/// added: the answer of the test run on that sample.
///
/// ```
/// use alooma_types::Sample;
/// let s: Sample = serde_json::from_str(
///     r#"{"eventType":"clicks","status":"VALID","sample":{"url":"/"},"inputLabel":"web"}"#).unwrap();
/// assert_eq!(s.event_type.as_deref(), Some("clicks"));
/// assert_eq!(s.sample.get().unwrap()["url"], "/");
/// assert_eq!(s.extra["inputLabel"], "web"); // unknown keys are kept
/// assert!(s.result.is_none());
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Sample {
    /// The event type the sample belongs to.
    pub event_type: Maybe<String>,
    /// The event's status code (`VALID`, `NO_MAPPING` …; see `get_samples_status_codes`).
    pub status: Maybe<String>,
    /// The event itself.
    pub sample: Maybe<serde_json::Value>,
    /// The test run's answer, added by the all-samples test helpers.
    pub result: Maybe<TransformResult>,
    /// Everything else the server sent, kept verbatim.
    pub extra: Extra,
}

impl Sample {
    /// The event (`null` when the sample has none).
    pub fn event(&self) -> &serde_json::Value {
        static NULL: serde_json::Value = serde_json::Value::Null;
        self.sample.get().unwrap_or(&NULL)
    }

    /// A sample holding `event`, with no type, status or result.
    pub fn new(event: serde_json::Value) -> Self {
        Sample {
            event_type: Maybe::Absent,
            status: Maybe::Absent,
            sample: Maybe::Value(event),
            result: Maybe::Absent,
            extra: Extra::new(),
        }
    }
}
