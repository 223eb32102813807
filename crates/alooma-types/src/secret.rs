//! [`Secret`]: a credential that never shows up in `Debug` output or logs;
//! which keys hold secrets ([`is_sensitive_key`]); and the redaction
//! contract for JSON documents ([`redact_value`], [`restore_redacted`]).
//!
//! # The redaction contract
//!
//! Output redacts secrets: [`redact_value`] replaces the value of every
//! secret key with [`REDACTED`]. That placeholder must never travel back to
//! the service as a value. A document read from redacted output is mended
//! with [`restore_redacted`], which puts back the service's current value
//! for every placeholder (read, merge, write) and refuses, naming the key,
//! where there is no current value. The request builder refuses any body
//! that still carries the placeholder at a secret key
//! ([`redacted_paths`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// The marker printed in place of a secret's value.
pub const REDACTED: &str = "<redacted>";

/// Whether a key names a credential whose value must not be printed:
/// `password`, `awsSecretAccessKey`, `awsAccessKeyId`, `mixpanelApiKey`,
/// `apiKey`, `token`, `oauth2`, `ssh`, `privateKey`, `cookie` …
/// (case, `_` and `-` ignored).
///
/// ```
/// use alooma_types::is_sensitive_key;
/// for k in ["password", "awsSecretAccessKey", "mixpanel_api_key", "oauth2", "ssh", "Cookie"] {
///     assert!(is_sensitive_key(k), "{k}");
/// }
/// assert!(!is_sensitive_key("hostname") && !is_sensitive_key("username"));
/// ```
pub fn is_sensitive_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "password",
        "secret",
        "apikey",
        "token",
        "oauth",
        "ssh",
        "credential",
        "private",
        "accesskey",
    ]
    .iter()
    .any(|s| k.contains(s))
        || k == "cookie"
}

/// Replaces the value of every secret key ([`is_sensitive_key`]), at any
/// depth, with [`REDACTED`]. `null` stays `null`.
///
/// ```
/// use alooma_types::{redact_value, REDACTED};
/// let mut v = serde_json::json!({"job": {"configuration": {"password": "pw", "port": 5432}}});
/// redact_value(&mut v);
/// assert_eq!(v["job"]["configuration"]["password"], REDACTED);
/// assert_eq!(v["job"]["configuration"]["port"], 5432);
/// ```
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_sensitive_key(key) && !v.is_null() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// The JSON paths (`configuration.password`, `[2].apiKey`) of every secret
/// key whose value is the [`REDACTED`] placeholder.
///
/// ```
/// use alooma_types::redacted_paths;
/// let v = serde_json::json!({"configuration": {"password": "<redacted>", "note": "<redacted>"}});
/// assert_eq!(redacted_paths(&v), ["configuration.password"]);
/// ```
pub fn redacted_paths(value: &Value) -> Vec<String> {
    placeholders(value).iter().map(|p| show(p)).collect()
}

/// One step of a path into a JSON document.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn show(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The paths of every placeholder at a secret key.
fn placeholders(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    path.push(Step::Key(key.clone()));
                    if is_sensitive_key(key) && v.as_str() == Some(REDACTED) {
                        out.push(path.clone());
                    } else {
                        walk(v, path, out);
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// A [`REDACTED`] placeholder with no current value to put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedWithoutValue {
    /// The JSON path of the key (`configuration.password`).
    pub path: String,
}

impl fmt::Display for RedactedWithoutValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` holds the redaction placeholder {REDACTED:?} and the service has no current value for it: put the real value there (print it with --show-secrets)",
            self.path
        )
    }
}

impl std::error::Error for RedactedWithoutValue {}

/// Puts back the current value of every secret key of `document` that holds
/// the [`REDACTED`] placeholder: `current` is the same resource as the
/// service holds it now (read, merge, write). A placeholder whose key has
/// no current value (or whose current value is the placeholder itself) is
/// an error naming the key; `document` is unchanged then.
///
/// ```
/// use alooma_types::restore_redacted;
/// use serde_json::json;
/// let current = json!({"configuration": {"password": "hunter2", "port": 5432}});
/// let mut edited = json!({"configuration": {"password": "<redacted>", "port": 5433}});
/// restore_redacted(&mut edited, &current).unwrap();
/// assert_eq!(edited, json!({"configuration": {"password": "hunter2", "port": 5433}}));
///
/// let mut new = json!({"configuration": {"apiKey": "<redacted>"}});
/// let err = restore_redacted(&mut new, &current).unwrap_err();
/// assert_eq!(err.path, "configuration.apiKey");
/// ```
pub fn restore_redacted(document: &mut Value, current: &Value) -> Result<(), RedactedWithoutValue> {
    let paths = placeholders(document);
    let mut values = Vec::with_capacity(paths.len());
    for path in &paths {
        match lookup(current, path) {
            Some(v) if v.as_str() != Some(REDACTED) => values.push(v.clone()),
            _ => return Err(RedactedWithoutValue { path: show(path) }),
        }
    }
    for (path, value) in paths.iter().zip(values) {
        if let Some(slot) = lookup_mut(document, path) {
            *slot = value;
        }
    }
    Ok(())
}

fn lookup<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn lookup_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(k),
        Step::Index(i) => v.get_mut(i),
    })
}

/// A credential or other sensitive string (password, API key, AWS secret key,
/// secret value).
///
/// `Debug` prints a redaction marker and there is deliberately no `Display`,
/// so a secret cannot leak through `{:?}`, `tracing` fields or error messages.
/// Serialization still sends the real value: that is what the wire needs.
///
/// ```
/// use alooma_types::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
/// assert_eq!(s.expose(), "hunter2");
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter2\"");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a sensitive value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value. Call this only where the value must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Unwraps into the real value.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// A value of another type where a credential goes is kept like any
/// other, sent back as read, and redacted by `Debug` and `Display`.
impl crate::Wire for Secret {
    fn decode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<crate::Maybe<Self>, D::Error> {
        Ok(match crate::wire::decode_leaf::<Secret, D>(d)? {
            crate::Maybe::Mistyped(m) => {
                crate::Maybe::Mistyped(crate::Mistyped::secret(m.into_json()))
            }
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn restore_puts_back_nested_and_listed_secrets() {
        let current = json!({"job": {"configuration": {"password": "a", "ssh": "{}"}},
                             "list": [{"token": "t0"}, {"token": "t1"}]});
        let mut doc = current.clone();
        redact_value(&mut doc);
        assert_eq!(
            redacted_paths(&doc),
            [
                "job.configuration.password",
                "job.configuration.ssh",
                "list[0].token",
                "list[1].token"
            ]
        );
        restore_redacted(&mut doc, &current).unwrap();
        assert_eq!(doc, current);
    }

    #[test]
    fn restore_refuses_a_placeholder_without_a_value_and_changes_nothing() {
        let mut doc = json!({"password": "<redacted>", "secret": "<redacted>"});
        let before = doc.clone();
        let err = restore_redacted(&mut doc, &json!({"password": "x"})).unwrap_err();
        assert_eq!(err.path, "secret");
        assert!(err.to_string().contains("`secret`"), "{err}");
        assert_eq!(doc, before);
        // A current value that is itself the placeholder is no value.
        assert!(
            restore_redacted(&mut doc, &json!({"password": "<redacted>", "secret": "s"})).is_err()
        );
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("AKIA-very-secret");
        let dbg = format!("{s:?} {:#?}", s);
        assert!(!dbg.contains("very-secret"), "{dbg}");
        assert!(dbg.contains(REDACTED));
    }

    #[test]
    fn serde_round_trip_keeps_the_value() {
        let s: Secret = serde_json::from_str("\"p@ss\"").unwrap();
        assert_eq!(s.expose(), "p@ss");
        assert_eq!(serde_json::to_value(&s).unwrap(), "p@ss");
    }
}
