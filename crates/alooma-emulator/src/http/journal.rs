//! The request journal: every API request the emulator answered, in the
//! spirit of WireMock's request log, with secrets redacted before they are
//! stored.
//!
//! Each [`RequestRecord`] has a sequence number, the time (by the
//! emulator's [`Clock`](crate::Clock)), the account, method, raw path and
//! query, the operation name (the reference client's method name, see
//! [`operations`](crate::operations)), the status answered, the injected
//! fault (if any) and the request body as JSON with every secret value
//! replaced by [`REDACTED`]: passwords, secret values, AWS and other keys,
//! tokens (any key whose name contains `password`, `passwd`, `secret`,
//! `token`, `apikey`, `accesskey`, `privatekey`, `credential`,
//! `passphrase`, `cookie` or `authorization`, ignoring case, `_` and `-`),
//! every value of a `PUT secrets` body, and the login password. Headers
//! are never recorded.
//!
//! Read it with [`Emulator::requests`](crate::Emulator::requests), filter
//! it with [`JournalFilter`], assert on it with
//! [`Emulator::verify`](crate::Emulator::verify) and an [`Expect`], or over
//! HTTP: `GET /__emulator/requests?operation=set_mapping&since=…`.

use std::collections::VecDeque;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted by the emulator]";

/// The most records kept; older ones are forgotten first.
pub(crate) const MAX_RECORDS: usize = 10_000;

/// Bodies larger than this are recorded as a note of their size only.
const MAX_BODY_RECORDED: usize = 256 * 1024;

/// One API request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// Its number, from 1, in arrival order.
    pub seq: u64,
    /// When it arrived, epoch milliseconds by the emulator's clock.
    pub time_ms: i64,
    /// The same instant as `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC).
    pub time: String,
    /// The account it addressed (the primary one for `/rest/…`); `None`
    /// when the path named an unknown account.
    pub account: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// The raw (still percent-encoded) path.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The operation (`set_mapping`, `get_inputs` …), `None` for an
    /// unknown path or method.
    pub operation: Option<String>,
    /// Whether the request carried an API key or a session cookie (valid or not).
    pub had_auth: bool,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The injected fault applied (`status`, `delay`, `latency`, `drop`,
    /// `truncate`), if any.
    pub fault: Option<String>,
    /// The request body, secrets redacted: JSON as JSON, anything else as
    /// a note (`"<37 bytes, not JSON>"`); `None` when empty.
    pub body: Option<Value>,
}

/// Which records to list. Every field is optional; all given must match.
///
/// Over HTTP the same names are query parameters of
/// `GET /__emulator/requests`: `operation`, `since` (epoch seconds or
/// milliseconds, or an ISO 8601 time), `after` (a sequence number),
/// `account`, `method`, `status`, `limit` (the newest N).
///
/// ```
/// let f = alooma_emulator::JournalFilter::default().operation("set_mapping").since_ms(0);
/// assert_eq!(f.operation.as_deref(), Some("set_mapping"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JournalFilter {
    /// Only this operation.
    pub operation: Option<String>,
    /// Only requests at or after this time (epoch ms).
    pub since_ms: Option<i64>,
    /// Only requests with a sequence number above this.
    pub after: Option<u64>,
    /// Only this account.
    pub account: Option<String>,
    /// Only this method (case-insensitive).
    pub method: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
    /// At most this many, the newest.
    pub limit: Option<usize>,
}

impl JournalFilter {
    /// Only this operation.
    pub fn operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// Only requests at or after this time (epoch ms).
    pub fn since_ms(mut self, ms: i64) -> Self {
        self.since_ms = Some(ms);
        self
    }

    /// Only this account.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Reads the filter from query parameters (`name`, `value` pairs).
    pub(crate) fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let mut f = Self::default();
        for (name, value) in pairs {
            match name {
                "operation" => f.operation = Some(value.to_owned()),
                "since" => f.since_ms = Some(parse_time(value)?),
                "after" => {
                    f.after = Some(value.parse().map_err(|_| {
                        format!("`after` must be a sequence number, not {value:?}")
                    })?);
                }
                "account" => f.account = Some(value.to_owned()),
                "method" => f.method = Some(value.to_owned()),
                "status" => {
                    f.status = Some(
                        value
                            .parse()
                            .map_err(|_| format!("`status` must be a number, not {value:?}"))?,
                    );
                }
                "limit" => {
                    f.limit = Some(
                        value
                            .parse()
                            .map_err(|_| format!("`limit` must be a number, not {value:?}"))?,
                    );
                }
                "key" => {}
                other => {
                    return Err(format!(
                        "unknown filter {other:?}: use operation, since, after, account, method, status or limit"
                    ))
                }
            }
        }
        Ok(f)
    }

    fn matches(&self, r: &RequestRecord) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|o| r.operation.as_deref() == Some(o))
            && self.since_ms.is_none_or(|t| r.time_ms >= t)
            && self.after.is_none_or(|n| r.seq > n)
            && self
                .account
                .as_deref()
                .is_none_or(|a| r.account.as_deref() == Some(a))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(&r.method))
            && self.status.is_none_or(|s| r.status == Some(s))
    }
}

/// A time given as epoch seconds or milliseconds (a value too large to be
/// seconds is milliseconds), or as an ISO 8601 UTC time.
fn parse_time(value: &str) -> Result<i64, String> {
    if let Ok(n) = value.trim().parse::<f64>() {
        if n.is_finite() {
            return Ok(
                if n.abs() > crate::http::handlers::notifications::MILLIS_THRESHOLD {
                    n as i64
                } else {
                    (n * 1000.0) as i64
                },
            );
        }
    }
    crate::domain::clock::parse_iso(value).ok_or_else(|| {
        format!("`since` must be epoch seconds or milliseconds, or a time like 2024-05-01T08:00:00, not {value:?}")
    })
}

/// The journal: the newest [`MAX_RECORDS`] records.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    records: VecDeque<RequestRecord>,
    next_seq: u64,
}

impl Journal {
    /// Appends a record, numbering it.
    pub(crate) fn push(&mut self, mut record: RequestRecord) {
        self.next_seq += 1;
        record.seq = self.next_seq;
        if self.records.len() >= MAX_RECORDS {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    /// The records that match, oldest first.
    pub(crate) fn list(&self, filter: &JournalFilter) -> Vec<RequestRecord> {
        let mut out: Vec<RequestRecord> = self
            .records
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect();
        if let Some(limit) = filter.limit {
            let skip = out.len().saturating_sub(limit);
            out.drain(..skip);
        }
        out
    }

    /// Forgets every record (the numbering goes on).
    pub(crate) fn clear(&mut self) {
        self.records.clear();
    }

    /// Forgets the records of `account` (the numbering goes on).
    pub(crate) fn clear_account(&mut self, account: &str) {
        self.records
            .retain(|r| r.account.as_deref() != Some(account));
    }
}

/// Whether a key names a secret value.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "accesskey",
        "privatekey",
        "credential",
        "passphrase",
        "cookie",
        "authorization",
    ]
    .iter()
    .any(|word| folded.contains(word))
}

/// The body as the journal keeps it: JSON with every secret redacted.
pub(crate) fn recorded_body(operation: Option<&str>, body: &[u8]) -> Option<Value> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    if body.len() > MAX_BODY_RECORDED {
        return Some(Value::String(format!(
            "<{} bytes, larger than the journal keeps>",
            body.len()
        )));
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return Some(Value::String(format!("<{} bytes, not JSON>", body.len())));
    };
    if operation == Some("set_secrets") {
        // Every value of a secrets body is a secret.
        if let Value::Object(map) = &mut value {
            for v in map.values_mut() {
                *v = Value::String(REDACTED.into());
            }
        }
    }
    redact(&mut value);
    Some(value)
}

/// Replaces every value under a secret-named key (at any depth).
pub(crate) fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && !v.is_null() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// An expectation on the journal, checked by
/// [`Emulator::verify`](crate::Emulator::verify): an operation called a
/// number of times (at least once by default), with a body that contains
/// a JSON subset.
///
/// A subset matches when every key it has is in the body with a matching
/// value; a list matches when its items match items of the body's list in
/// order (others may come between); numbers match by value. Secret values
/// are redacted in the journal, so a subset cannot match them.
///
/// ```no_run
/// # async fn demo(emu: alooma_emulator::Emulator) -> Result<(), alooma_emulator::VerifyError> {
/// use alooma_emulator::Expect;
/// use serde_json::json;
/// emu.verify(Expect::operation("set_mapping").times(1).body(json!({"name": "orders"})))?;
/// emu.verify(Expect::operation("delete_event_type").never())?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Expect {
    /// The operation name.
    pub operation: String,
    /// Exactly this many matching calls (`None`: at least one).
    pub times: Option<usize>,
    /// A JSON subset the body must contain.
    pub body: Option<Value>,
    /// Only calls answered with this status.
    pub status: Option<u16>,
    /// Only calls for this account.
    pub account: Option<String>,
}

impl Expect {
    /// Calls of this operation.
    pub fn operation(name: impl Into<String>) -> Self {
        Self {
            operation: name.into(),
            times: None,
            body: None,
            status: None,
            account: None,
        }
    }

    /// Exactly `n` matching calls.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// No matching call at all.
    pub fn never(self) -> Self {
        self.times(0)
    }

    /// Only calls whose body contains this JSON subset.
    pub fn body(mut self, subset: Value) -> Self {
        self.body = Some(subset);
        self
    }

    /// Only calls answered with this status.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Only calls for this account.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Checks the expectation against `records`.
    pub(crate) fn check(&self, records: &[RequestRecord]) -> Result<(), VerifyError> {
        let calls: Vec<&RequestRecord> = records
            .iter()
            .filter(|r| r.operation.as_deref() == Some(self.operation.as_str()))
            .filter(|r| {
                self.account
                    .as_deref()
                    .is_none_or(|a| r.account.as_deref() == Some(a))
            })
            .collect();
        let matching = calls
            .iter()
            .filter(|r| self.status.is_none_or(|s| r.status == Some(s)))
            .filter(|r| {
                self.body
                    .as_ref()
                    .is_none_or(|want| r.body.as_ref().is_some_and(|got| contains(got, want)))
            })
            .count();
        let ok = match self.times {
            Some(n) => matching == n,
            None => matching > 0,
        };
        if ok {
            return Ok(());
        }
        Err(VerifyError {
            expected: Box::new(self.clone()),
            matching,
            calls: calls.into_iter().cloned().collect(),
        })
    }
}

/// Whether `got` contains `want` (see [`Expect`]).
pub fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| g.get(k).is_some_and(|gv| contains(gv, wv))),
        (Value::Array(g), Value::Array(w)) => {
            let mut rest = g.iter();
            w.iter().all(|wv| rest.by_ref().any(|gv| contains(gv, wv)))
        }
        (Value::Number(g), Value::Number(w)) => g.as_f64() == w.as_f64(),
        _ => got == want,
    }
}

/// An expectation the journal did not meet: what was expected, and the
/// calls of the operation that were made.
#[derive(Debug, Clone)]
pub struct VerifyError {
    /// The expectation.
    pub expected: Box<Expect>,
    /// How many calls matched it.
    pub matching: usize,
    /// Every call of the operation (matching or not).
    pub calls: Vec<RequestRecord>,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.expected;
        match e.times {
            Some(n) => write!(f, "expected {n} call(s) of {}", e.operation)?,
            None => write!(f, "expected a call of {}", e.operation)?,
        }
        if let Some(body) = &e.body {
            write!(f, " with a body containing {body}")?;
        }
        if let Some(status) = e.status {
            write!(f, " answered {status}")?;
        }
        write!(
            f,
            "; {} matched, of {} call(s) of it",
            self.matching,
            self.calls.len()
        )?;
        for r in self.calls.iter().take(5) {
            let body = r
                .body
                .as_ref()
                .map(|b| {
                    let text = b.to_string();
                    let cut: String = text.chars().take(200).collect();
                    if cut.len() < text.len() {
                        format!(" {cut}…")
                    } else {
                        format!(" {cut}")
                    }
                })
                .unwrap_or_default();
            write!(
                f,
                "; #{} {} {} -> {}{body}",
                r.seq,
                r.method,
                r.path,
                r.status.map_or("dropped".into(), |s| s.to_string())
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for VerifyError {}

/// A record of a request that has just arrived (no status yet).
pub(crate) fn new_record(
    time_ms: i64,
    account: Option<String>,
    method: &str,
    path: &str,
    query: Option<&str>,
) -> RequestRecord {
    RequestRecord {
        seq: 0,
        time_ms,
        time: crate::domain::clock::iso_micros(time_ms),
        account,
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.map(str::to_owned),
        operation: None,
        had_auth: false,
        status: None,
        fault: None,
        body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let body = br#"{"name":"db","configuration":{"password":"pw1","awsSecretAccessKey":"s3",
            "aws_access_key_id":"AK","nested":[{"api-key":"k"}],"port":5432,"token":null}}"#;
        let v = recorded_body(Some("create_input"), body).unwrap();
        let text = v.to_string();
        for leak in ["pw1", "s3\"", "AK", "\"k\""] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
        assert_eq!(v["configuration"]["port"], 5432);
        assert_eq!(v["configuration"]["token"], Value::Null);
        let s = recorded_body(Some("set_secrets"), br#"{"DB":"v1","X":"v2"}"#).unwrap();
        assert_eq!(s, json!({"DB": REDACTED, "X": REDACTED}));
        assert_eq!(
            recorded_body(None, b"not json").unwrap(),
            json!("<8 bytes, not JSON>")
        );
    }

    #[test]
    fn subsets_match_in_order() {
        let got = json!({"a": 1, "fields": [{"n": "x", "m": 1}, {"n": "y"}], "f": 8.0});
        assert!(contains(&got, &json!({"fields": [{"n": "y"}], "f": 8})));
        assert!(contains(&got, &json!({"fields": [{"n": "x"}, {"n": "y"}]})));
        assert!(!contains(
            &got,
            &json!({"fields": [{"n": "y"}, {"n": "x"}]})
        ));
        assert!(!contains(&got, &json!({"b": null})));
    }
}
