//! Intake: an event as an input receives it, stamped with the
//! `_metadata` every event carries (data-path §1.4).
//!
//! - `@uuid`: a new UUID (v4); `@timestamp`: the receipt time, ISO 8601
//!   UTC with milliseconds and `Z`; `input_label`, `input_type`,
//!   `input_id`: the input's; `event_type`: the input's label unless the
//!   event names one; `restream_count`: 0.
//! - Keys the event's own `_metadata` already holds are kept (a replayed
//!   event keeps its `@uuid`, so it is never loaded twice); a `_metadata`
//!   that is not an object is kept under `_metadata.original_metadata`.
//! - A split event's parts get `@uuid`s derived from the parent's and
//!   their place ([`child_uuid`]), and `@parent_uuid`: processing the same
//!   event again gives the same parts the same ids.

use serde_json::{json, Map, Value};
use std::fmt;

/// An input, as its events name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The input's id.
    pub id: String,
    /// The input's name (`input_label`).
    pub label: String,
    /// Its type (`REST_ENDPOINT`, `PYTHON_SDK` …).
    pub input_type: String,
}

/// An event intake refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntakeError {
    /// The event is not a JSON object (its JSON kind).
    NotAnObject(&'static str),
}

impl fmt::Display for IntakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntakeError::NotAnObject(kind) => {
                write!(f, "an event must be a JSON object, not {kind}")
            }
        }
    }
}

impl std::error::Error for IntakeError {}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `event` with its `_metadata` (see the module docs), received at
/// `received_ms` (epoch milliseconds) by `input`.
///
/// # Errors
///
/// [`IntakeError::NotAnObject`] for anything but a JSON object.
///
/// ```
/// use alooma_engine::intake::{stamp, Input};
/// let input = Input { id: "i-1".into(), label: "web".into(), input_type: "REST_ENDPOINT".into() };
/// let e = stamp(serde_json::json!({"a": 1}), &input, 1_445_009_217_027).unwrap();
/// assert_eq!(e["_metadata"]["@timestamp"], "2015-10-16T15:26:57.027Z");
/// assert_eq!(e["_metadata"]["event_type"], "web");
/// assert_eq!(e["_metadata"]["restream_count"], 0);
/// assert_eq!(e["_metadata"]["@uuid"].as_str().unwrap().len(), 36);
/// ```
pub fn stamp(event: Value, input: &Input, received_ms: i64) -> Result<Value, IntakeError> {
    let Value::Object(mut object) = event else {
        return Err(IntakeError::NotAnObject(kind(&event)));
    };
    // `_metadata` stays where the event has it (last when it has none),
    // so the order of the event's own keys is the order it came in.
    let slot = object
        .entry("_metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        let original = slot.take();
        let mut m = Map::new();
        m.insert("original_metadata".into(), original);
        *slot = Value::Object(m);
    }
    if let Value::Object(meta) = slot {
        // Which keys the event's own `_metadata` holds (not null): found
        // by one walk, then only the missing ones made.
        const KEYS: [&str; 7] = [
            "@uuid",
            "@timestamp",
            "input_label",
            "input_type",
            "input_id",
            "event_type",
            "restream_count",
        ];
        let mut present = [false; KEYS.len()];
        for (k, v) in meta.iter() {
            if let Some(i) = KEYS.iter().position(|key| key == k) {
                present[i] = !v.is_null();
            }
        }
        for (i, key) in KEYS.iter().enumerate() {
            if present[i] {
                continue;
            }
            let value = match i {
                0 => json!(new_uuid()),
                1 => json!(iso_millis(received_ms)),
                2 | 5 => json!(input.label),
                3 => json!(input.input_type),
                4 => json!(input.id),
                _ => json!(0),
            };
            // In place of a `null`, else last.
            meta.insert((*key).to_owned(), value);
        }
        // An id of another JSON kind (`17`) is kept as its text: every
        // event's `@uuid` is text, what loading once goes by.
        if let Some(id) = meta.get_mut("@uuid") {
            if !id.is_string() {
                *id = Value::String(id.to_string());
            }
        }
    }
    Ok(Value::Object(object))
}

/// A new event id (UUID v4).
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The id of the `index`th part of the split event `parent` (UUID v5 in
/// the parent's namespace, or of its text when it is not a UUID).
///
/// ```
/// use alooma_engine::intake::child_uuid;
/// let p = "7b8f2f8e-0b8f-4d5b-9a51-2f0e2f6d7a10";
/// assert_eq!(child_uuid(p, 0), child_uuid(p, 0));
/// assert_ne!(child_uuid(p, 0), child_uuid(p, 1));
/// ```
pub fn child_uuid(parent: &str, index: usize) -> String {
    let namespace = uuid::Uuid::parse_str(parent)
        .unwrap_or_else(|_| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, parent.as_bytes()));
    uuid::Uuid::new_v5(&namespace, index.to_string().as_bytes()).to_string()
}

/// A stable id for `text` (UUID v5 in a namespace of this crate's): the
/// same text gives the same id.
///
/// ```
/// use alooma_engine::intake::named_uuid;
/// assert_eq!(named_uuid("events.json#3"), named_uuid("events.json#3"));
/// assert_ne!(named_uuid("events.json#3"), named_uuid("events.json#4"));
/// ```
pub fn named_uuid(text: &str) -> String {
    let namespace =
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"https://docs.rs/alooma-engine");
    uuid::Uuid::new_v5(&namespace, text.as_bytes()).to_string()
}

/// Epoch milliseconds as ISO 8601 UTC with milliseconds and `Z`.
///
/// ```
/// assert_eq!(alooma_engine::intake::iso_millis(0), "1970-01-01T00:00:00.000Z");
/// ```
pub fn iso_millis(ms: i64) -> String {
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
