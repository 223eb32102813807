//! Event intake, as inputs.alooma.com answered it (data-path §1.1, §1.2),
//! at the emulator's address:
//!
//! | request | what it does |
//! |---|---|
//! | `POST /rest/{token}` | a JSON object (one event) or an array of objects (one each) into the input |
//! | `GET /rest/{token}?k=v…` | the query parameters as one event (values as text) |
//! | `GET /` | the Python SDK's connection check: `{"maxRequestSize": n}` |
//! | `GET /verify/{token}` | the SDK's token check: 200, or 400 for an unknown token |
//! | `POST /pysdk/{token}` | the SDK's batch: an array of its wrappers |
//!
//! A Python SDK wrapper (`{report_time, calling_file, calling_line,
//! @uuid, event_type, message, …metadata}`) becomes its `message` (an
//! object; text becomes `{"message": text}`), with `_metadata` holding
//! the wrapper's `@uuid` (so a batch the SDK sends again is not loaded
//! twice), its `event_type` when it names one, and its other keys. Chosen
//! here: the service's unwrapping is not documented.
//!
//! Answers: 200 `{"status": "ok", "events": n}` once every event is
//! loaded, dropped by a rule or in the Restream Queue; 400 for an unknown
//! token (what the SDK reads as a bad token), JSON that is not events, or
//! an event that is not an object (then nothing is taken); 413 above the
//! body limit. The journal records intake requests with the token
//! replaced by `{token}` and without their bodies (they hold users'
//! events).

use std::sync::Arc;

use http::StatusCode;
use serde_json::{json, Map, Value};

use crate::domain::data::IngestError;
use crate::http::reply::{ApiError, Query, Reply};
use crate::http::shared::{lock, Shared};

/// An intake request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Intake {
    /// `GET /`.
    ConnectionCheck,
    /// `GET /verify/{token}`.
    Verify(String),
    /// `POST /pysdk/{token}`.
    PythonSdk(String),
    /// `POST|GET /rest/{token}`.
    Webhook(String),
    /// An intake path under a method it does not take (405); the path as
    /// the journal shows it.
    WrongMethod(&'static str),
}

impl Intake {
    /// The path as the journal shows it (the token left out).
    pub(crate) fn journal_path(&self) -> &'static str {
        match self {
            Intake::ConnectionCheck => "/",
            Intake::Verify(_) => "/verify/{token}",
            Intake::PythonSdk(_) => "/pysdk/{token}",
            Intake::Webhook(_) => "/rest/{token}",
            Intake::WrongMethod(path) => path,
        }
    }
}

/// Whether any account has an input with this token.
fn known(shared: &Shared, token: &str) -> bool {
    shared
        .tenants
        .iter()
        .any(|t| lock(&t.state).input_of_token(token).is_some())
}

/// The intake request `method path` is, if it is one. `/rest/{x}` is
/// intake only when `x` is an input's token (otherwise it is the API).
pub(crate) fn route(shared: &Shared, method: &str, path: &str) -> Option<Intake> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", [""]) => Some(Intake::ConnectionCheck),
        ("GET", ["verify", token]) => Some(Intake::Verify((*token).to_owned())),
        ("POST", ["pysdk", token]) => Some(Intake::PythonSdk((*token).to_owned())),
        ("POST" | "GET", ["rest", token]) if known(shared, token) => {
            Some(Intake::Webhook((*token).to_owned()))
        }
        // A token in the path under another method: answered (405) and
        // journaled without it.
        (_, ["rest", token]) if known(shared, token) => Some(Intake::WrongMethod("/rest/{token}")),
        (_, ["verify", _]) => Some(Intake::WrongMethod("/verify/{token}")),
        (_, ["pysdk", _]) => Some(Intake::WrongMethod("/pysdk/{token}")),
        _ => None,
    }
}

/// A Python SDK wrapper as an event (see the module docs).
fn unwrap_sdk(wrapper: Value) -> Result<Value, String> {
    let Value::Object(mut w) = wrapper else {
        return Err("a Python SDK batch holds objects".into());
    };
    let mut event = match w.remove("message") {
        Some(Value::Object(m)) => m,
        Some(Value::String(text)) => {
            let mut m = Map::new();
            m.insert("message".into(), Value::String(text));
            m
        }
        Some(other) => {
            let mut m = Map::new();
            m.insert("message".into(), other);
            m
        }
        None => Map::new(),
    };
    let mut meta = match event.remove("_metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (key, value) in w {
        if key == "event_type" && value.is_null() {
            continue;
        }
        meta.entry(key).or_insert(value);
    }
    event.insert("_metadata".into(), Value::Object(meta));
    Ok(Value::Object(event))
}

/// The events of a webhook request.
fn webhook_events(method: &str, query: Option<&str>, body: &[u8]) -> Result<Vec<Value>, ApiError> {
    if method == "GET" {
        let q = Query::parse(query);
        let event: Map<String, Value> = q
            .pairs()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect();
        return Ok(vec![Value::Object(event)]);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(value) => Ok(vec![value]),
        Err(e) => Err(ApiError::bad_request(format!("the body is not JSON: {e}"))),
    }
}

/// Answers an intake request whose body was read.
pub(crate) fn serve(
    shared: &Arc<Shared>,
    intake: &Intake,
    method: &str,
    query: Option<&str>,
    body: &[u8],
) -> (Option<String>, Result<Reply, ApiError>) {
    let token = match intake {
        Intake::WrongMethod(path) => {
            let allowed: &[&str] = match *path {
                "/rest/{token}" => &["GET", "POST"],
                "/verify/{token}" => &["GET"],
                _ => &["POST"],
            };
            return (
                None,
                Err(ApiError::method_not_allowed(method, path, allowed)),
            );
        }
        Intake::ConnectionCheck => {
            return (
                None,
                Ok(Reply::json(
                    json!({ "maxRequestSize": shared.max_body_bytes }),
                )),
            )
        }
        Intake::Verify(t) | Intake::PythonSdk(t) | Intake::Webhook(t) => t,
    };
    let Some(tenant) = shared
        .tenants
        .iter()
        .find(|t| lock(&t.state).input_of_token(token).is_some())
    else {
        return (
            None,
            Err(ApiError::bad_request("bad token: no input has this token")),
        );
    };
    let account = Some(tenant.account.clone());
    let events = match intake {
        Intake::Verify(_) => return (account, Ok(Reply::json(json!({"status": "ok"})))),
        Intake::PythonSdk(_) => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(items)) => items
                .into_iter()
                .map(unwrap_sdk)
                .collect::<Result<Vec<_>, _>>(),
            Ok(_) => Err("a Python SDK batch is a JSON array".into()),
            Err(e) => Err(format!("the body is not JSON: {e}")),
        }
        .map_err(ApiError::bad_request),
        _ => webhook_events(method, query, body),
    };
    let events = match events {
        Ok(events) => events,
        Err(e) => return (account, Err(e)),
    };
    let n = events.len();
    let mut state = tenant.state_now();
    let Some((id, label, input_type)) = state.input_of_token(token) else {
        return (
            account,
            Err(ApiError::bad_request("bad token: no input has this token")),
        );
    };
    let outcome = match state.ingest((&id, &label, &input_type), events) {
        Ok(_) => Ok(Reply::json(json!({"status": "ok", "events": n}))),
        Err(IngestError::NotAnObject(why)) => {
            Err(ApiError::bad_request(format!("{why}; nothing was taken")))
        }
        Err(e) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            e.to_string(),
        )),
    };
    (account, outcome)
}
