//! Cassettes: recorded exchanges with the service, one JSON object per
//! line, secrets redacted before anything is written.
//!
//! An [`Interaction`] is one request and its answer: the operation's name,
//! the method, the path relative to the REST root (`/event-types/a%2Fb`,
//! so a cassette does not depend on the host or account it was recorded
//! against), the raw query, the request body, the status, the headers
//! that matter (`content-type`, `retry-after`, `location`) and the
//! response body. Bodies are JSON as JSON; a body that is not JSON is kept
//! as its text. When the JSON does not write back to the exact bytes the
//! server sent (`1e3`, spacing), `response_text` keeps them, so a replay is
//! byte-equal.
//!
//! Redaction ([`Interaction::record`]): every value at a secret key
//! ([`alooma_types::is_sensitive_key`]: passwords, AWS keys, tokens …) in
//! either body, every value of a `set_secrets` body, and no header but the
//! three above (so never `Authorization`, `Cookie` or `Set-Cookie`).
//!
//! The `alooma-http` recording layer writes cassettes; the facade's
//! `Replay` answers from them; the emulator can seed its state from one.
//!
//! ```
//! use alooma_core::cassette::Interaction;
//! let req = http::Request::post("/secrets")
//!     .extension(alooma_core::OperationMeta::new("set_secrets", alooma_core::RetrySafety::Idempotent))
//!     .body(bytes::Bytes::from(r#"{"DB_PASSWORD":"hunter2"}"#)).unwrap();
//! let resp = http::Response::builder().status(200).body(bytes::Bytes::new()).unwrap();
//! let line = Interaction::record(&req, &resp).to_line();
//! assert!(!line.contains("hunter2"));
//! let back = Interaction::from_line(&line).unwrap();
//! assert_eq!(back.operation, "set_secrets");
//! assert_eq!(back.to_response().unwrap().status(), 200);
//! ```

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Request, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::OperationMeta;

/// The cassette format's version.
pub const CASSETTE_VERSION: u32 = 1;

/// The response headers a cassette keeps.
pub const KEPT_HEADERS: [&str; 3] = ["content-type", "retry-after", "location"];

/// One recorded request and its answer (see the [module](self) docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Interaction {
    /// The cassette format's version ([`CASSETTE_VERSION`]).
    pub version: u32,
    /// The operation (`get_event_type` …); `request` when unknown.
    pub operation: String,
    /// The HTTP method.
    pub method: String,
    /// The path relative to the REST root, still percent-encoded.
    pub path: String,
    /// The raw query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The request body, redacted (JSON, or the text of a non-JSON body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    /// The status answered.
    pub status: u16,
    /// The headers kept ([`KEPT_HEADERS`]), lower-case names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The response body, redacted (JSON, or the text of a non-JSON body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<Value>,
    /// The exact response text, when `response_body` does not write back
    /// to it byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_text: Option<String>,
}

/// A body as a cassette keeps it, and whether redaction changed it.
fn kept_body(operation: &str, body: &[u8]) -> (Option<Value>, bool) {
    if body.iter().all(u8::is_ascii_whitespace) {
        return (None, false);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            let before = value.clone();
            if operation == "set_secrets" {
                if let Value::Object(map) = &mut value {
                    for v in map.values_mut() {
                        *v = Value::String(alooma_types::REDACTED.into());
                    }
                }
            }
            alooma_types::redact_value(&mut value);
            let changed = value != before;
            (Some(value), changed)
        }
        Err(_) => (
            Some(Value::String(String::from_utf8_lossy(body).into_owned())),
            false,
        ),
    }
}

impl Interaction {
    /// Records a request and its answer, redacting every secret.
    pub fn record(req: &Request<Bytes>, resp: &Response<Bytes>) -> Self {
        let operation = req
            .extensions()
            .get::<OperationMeta>()
            .map_or("request", |m| m.name)
            .to_owned();
        let (request_body, _) = kept_body(&operation, req.body());
        let (response_body, redacted) = kept_body(&operation, resp.body());
        let response_text = match &response_body {
            Some(Value::String(_)) | None => None,
            Some(value) if !redacted => {
                let again = serde_json::to_vec(value).unwrap_or_default();
                (again != resp.body().as_ref())
                    .then(|| String::from_utf8_lossy(resp.body()).into_owned())
            }
            Some(_) => None,
        };
        let headers = KEPT_HEADERS
            .iter()
            .filter_map(|name| {
                let value = resp.headers().get(*name)?.to_str().ok()?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect();
        Interaction {
            version: CASSETTE_VERSION,
            operation,
            method: req.method().as_str().to_owned(),
            path: req.uri().path().to_owned(),
            query: req.uri().query().map(str::to_owned),
            request_body,
            status: resp.status().as_u16(),
            headers,
            response_body,
            response_text,
        }
    }

    /// The interaction as one cassette line (no newline).
    pub fn to_line(&self) -> String {
        // A struct of strings, numbers and JSON values always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads one cassette line.
    pub fn from_line(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line)
    }

    /// The recorded answer, as the service sent it (redacted values aside).
    pub fn to_response(&self) -> Result<Response<Bytes>, http::Error> {
        let body = match (&self.response_text, &self.response_body) {
            (Some(text), _) => Bytes::from(text.clone()),
            (None, Some(Value::String(text))) if !self.is_json_response() => {
                Bytes::from(text.clone())
            }
            (None, Some(value)) => Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
            (None, None) => Bytes::new(),
        };
        let mut builder = Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(body)
    }

    fn is_json_response(&self) -> bool {
        self.headers
            .get("content-type")
            .is_some_and(|t| t.contains("json"))
    }

    /// The differences between this interaction's request and `req` (as a
    /// cassette would record it): empty when they match.
    pub fn differences(&self, req: &Request<Bytes>) -> Vec<String> {
        let seen = Interaction::record(req, &Response::new(Bytes::new()));
        let mut out = Vec::new();
        if self.operation != seen.operation {
            out.push(format!(
                "operation: recorded {}, asked {}",
                self.operation, seen.operation
            ));
        }
        if self.method != seen.method {
            out.push(format!(
                "method: recorded {}, asked {}",
                self.method, seen.method
            ));
        }
        if self.path != seen.path {
            out.push(format!("path: recorded {}, asked {}", self.path, seen.path));
        }
        if self.query != seen.query {
            out.push(format!(
                "query: recorded {}, asked {}",
                self.query.as_deref().unwrap_or("(none)"),
                seen.query.as_deref().unwrap_or("(none)")
            ));
        }
        if self.request_body != seen.request_body {
            out.extend(body_differences(
                self.request_body.as_ref(),
                seen.request_body.as_ref(),
            ));
        }
        out
    }

    /// One line naming the request: `GET /event-types/x?y=1`.
    pub fn request_line(&self) -> String {
        match &self.query {
            Some(q) => format!("{} {} {}?{q}", self.operation, self.method, self.path),
            None => format!("{} {} {}", self.operation, self.method, self.path),
        }
    }
}

/// The JSON paths at which two bodies differ (at most 5 listed).
fn body_differences(recorded: Option<&Value>, asked: Option<&Value>) -> Vec<String> {
    fn walk(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<String>) {
        match (a, b) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    walk(&format!("{path}.{k}"), x.get(k), y.get(k), out);
                }
            }
            (Some(Value::Array(x)), Some(Value::Array(y))) if x.len() == y.len() => {
                for (i, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(&format!("{path}[{i}]"), Some(p), Some(q), out);
                }
            }
            (a, b) if a != b => {
                let show = |v: Option<&Value>| {
                    v.map_or("(absent)".to_owned(), |v| {
                        let t = v.to_string();
                        if t.chars().count() > 60 {
                            format!("{}…", t.chars().take(60).collect::<String>())
                        } else {
                            t
                        }
                    })
                };
                out.push(format!(
                    "body{path}: recorded {}, asked {}",
                    show(a),
                    show(b)
                ));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", recorded, asked, &mut out);
    out.truncate(5);
    out
}

/// Reads a cassette: one [`Interaction`] per non-empty line. A line that
/// does not fit is an error naming its number.
pub fn parse(text: &str) -> Result<Vec<Interaction>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let interaction = Interaction::from_line(l)
                .map_err(|e| format!("line {}: not a cassette entry: {e}", i + 1))?;
            if interaction.version > CASSETTE_VERSION {
                return Err(format!(
                    "line {}: cassette version {} is newer than this SDK reads ({CASSETTE_VERSION})",
                    i + 1,
                    interaction.version
                ));
            }
            Ok(interaction)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RetrySafety;

    fn req(method: &str, uri: &str, op: &'static str, body: &str) -> Request<Bytes> {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "API k-123")
            .extension(OperationMeta::new(op, RetrySafety::Idempotent))
            .body(Bytes::from(body.to_owned()))
            .unwrap()
    }

    #[test]
    fn records_redacted_and_gives_the_answer_back_byte_for_byte() {
        let r = req(
            "POST",
            "/plumbing/inputs?validate=false",
            "create_input",
            r#"{"name":"db","configuration":{"password":"pw-1","awsSecretAccessKey":"aws-2","port":"5432"}}"#,
        );
        let resp = Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("set-cookie", "session=s-3")
            .body(Bytes::from_static(br#"{"id":"i1","ratio":1e3}"#))
            .unwrap();
        let i = Interaction::record(&r, &resp);
        let line = i.to_line();
        for leak in ["pw-1", "aws-2", "k-123", "s-3"] {
            assert!(!line.contains(leak), "{leak} in {line}");
        }
        assert!(line.contains("5432"));
        assert_eq!(i.query.as_deref(), Some("validate=false"));
        let back = Interaction::from_line(&line)
            .unwrap()
            .to_response()
            .unwrap();
        assert_eq!(back.body().as_ref(), br#"{"id":"i1","ratio":1e3}"#);
        assert_eq!(back.headers()["content-type"], "application/json");
        assert!(back.headers().get("set-cookie").is_none());
        assert!(i.differences(&r).is_empty());
        let other = req(
            "POST",
            "/plumbing/inputs",
            "create_input",
            r#"{"name":"db2"}"#,
        );
        let diff = i.differences(&other).join("; ");
        assert!(
            diff.contains("query: recorded validate=false, asked (none)"),
            "{diff}"
        );
        assert!(
            diff.contains("body.name: recorded \"db\", asked \"db2\""),
            "{diff}"
        );
    }

    #[test]
    fn a_cassette_line_that_does_not_fit_is_named() {
        assert!(parse("\n").unwrap().is_empty());
        let err = parse("{}\n").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }
}
