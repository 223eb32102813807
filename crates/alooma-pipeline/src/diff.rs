//! Field-level changes between two documents, in the style of
//! `alooma mapping diff`: `+ path: value`, `- path: value`,
//! `~ path: old -> new`. Values at secret keys are never shown.

use crate::canonical::same;
use crate::secrets::secret_reference;
use alooma::types::is_sensitive_key;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// What happened to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum FieldChangeKind {
    /// Only in the desired state.
    Added,
    /// Only in the live state.
    Removed,
    /// In both, with different values.
    Changed,
}

/// One field-level change. `from` and `to` are display forms: compact JSON,
/// `(secret NAME)` or `(sensitive)` for values at secret keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field's path (`configuration.port`, `fields[customer].mapping`,
    /// `line 3` for code).
    pub path: String,
    /// Added, removed or changed.
    pub kind: FieldChangeKind,
    /// The live value's display form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The desired value's display form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let none = String::new();
        match self.kind {
            FieldChangeKind::Added => {
                write!(f, "+ {}: {}", self.path, self.to.as_ref().unwrap_or(&none))
            }
            FieldChangeKind::Removed => write!(
                f,
                "- {}: {}",
                self.path,
                self.from.as_ref().unwrap_or(&none)
            ),
            FieldChangeKind::Changed => write!(
                f,
                "~ {}: {} -> {}",
                self.path,
                self.from.as_ref().unwrap_or(&none),
                self.to.as_ref().unwrap_or(&none)
            ),
        }
    }
}

const MAX_SHOWN: usize = 120;

/// The display form of a value found at `key`.
fn show(key: Option<&str>, value: &Value) -> String {
    if let Some(marked) = value
        .as_str()
        .and_then(|s| s.strip_prefix(crate::plan::SHOWN))
    {
        return marked.to_owned();
    }
    if let Some(name) = secret_reference(value) {
        return format!("(secret {name})");
    }
    if key.is_some_and(is_sensitive_key)
        && !value.is_null()
        && !value.is_object()
        && !value.is_array()
    {
        return "(sensitive)".into();
    }
    let mut shown = value.clone();
    unmark(&mut shown);
    alooma::types::redact_value(&mut shown);
    let text = shown.to_string();
    if text.chars().count() > MAX_SHOWN {
        let cut: String = text.chars().take(MAX_SHOWN).collect();
        format!("{cut}… ({} bytes)", text.len())
    } else {
        text
    }
}

/// Marked secrets inside a shown value: the marker taken off.
fn unmark(value: &mut Value) {
    match value {
        Value::String(s) if s.starts_with(crate::plan::SHOWN) => {
            *s = s.trim_start_matches(crate::plan::SHOWN).to_owned();
        }
        Value::Object(map) => map.values_mut().for_each(unmark),
        Value::Array(items) => items.iter_mut().for_each(unmark),
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{path}.{key}"),
        (false, false) => format!("{path}[{key:?}]"),
    }
}

/// A named list: every item an object with a string under `fieldName`.
fn names_of(items: &[Value]) -> Option<Vec<&str>> {
    items
        .iter()
        .map(|v| v.get("fieldName").and_then(Value::as_str))
        .collect()
}

/// The changes that turn `live` into `desired` (either may be absent).
pub(crate) fn diff(live: Option<&Value>, desired: Option<&Value>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", None, live, desired, &mut out);
    out
}

fn walk(
    path: &str,
    key: Option<&str>,
    live: Option<&Value>,
    desired: Option<&Value>,
    out: &mut Vec<FieldChange>,
) {
    let label = if path.is_empty() {
        "value".to_owned()
    } else {
        path.to_owned()
    };
    match (live, desired) {
        (None, None) => {}
        (None, Some(Value::Object(d)))
            if !d.is_empty()
                && !path.ends_with(']')
                && secret_reference(&Value::Object(d.clone())).is_none() =>
        {
            for (k, v) in d {
                walk(&join(path, k), Some(k), None, Some(v), out);
            }
        }
        (None, Some(Value::Array(d))) if !d.is_empty() && names_of(d).is_some() => {
            for v in d {
                let name = v
                    .get("fieldName")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                out.push(FieldChange {
                    path: format!("{path}[{name}]"),
                    kind: FieldChangeKind::Added,
                    from: None,
                    to: Some(show(None, v)),
                });
            }
        }
        (None, Some(d)) => out.push(FieldChange {
            path: label,
            kind: FieldChangeKind::Added,
            from: None,
            to: Some(show(key, d)),
        }),
        (Some(l), None) => out.push(FieldChange {
            path: label,
            kind: FieldChangeKind::Removed,
            from: Some(show(key, l)),
            to: None,
        }),
        (Some(l), Some(d)) if same(l, d) => {}
        (Some(Value::Object(l)), Some(Value::Object(d)))
            if secret_reference(&Value::Object(l.clone())).is_none()
                && secret_reference(&Value::Object(d.clone())).is_none() =>
        {
            let mut keys: Vec<&String> = l.keys().chain(d.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(&join(path, k), Some(k), l.get(k), d.get(k), out);
            }
        }
        (Some(Value::Array(l)), Some(Value::Array(d))) => match (names_of(l), names_of(d)) {
            (Some(ln), Some(dn)) => {
                // Fields: matched by name (the n-th of a name with the n-th).
                let mut names: Vec<&str> = ln.iter().chain(dn.iter()).copied().collect();
                names.sort();
                names.dedup();
                for name in names {
                    let li: Vec<&Value> = l
                        .iter()
                        .zip(&ln)
                        .filter(|(_, n)| **n == name)
                        .map(|(v, _)| v)
                        .collect();
                    let di: Vec<&Value> = d
                        .iter()
                        .zip(&dn)
                        .filter(|(_, n)| **n == name)
                        .map(|(v, _)| v)
                        .collect();
                    for i in 0..li.len().max(di.len()) {
                        let p = if i == 0 {
                            format!("{path}[{name}]")
                        } else {
                            format!("{path}[{name}#{}]", i + 1)
                        };
                        walk(&p, None, li.get(i).copied(), di.get(i).copied(), out);
                    }
                }
            }
            _ => out.push(FieldChange {
                path: label,
                kind: FieldChangeKind::Changed,
                from: Some(show(key, &Value::Array(l.clone()))),
                to: Some(show(key, &Value::Array(d.clone()))),
            }),
        },
        (Some(l), Some(d)) => out.push(FieldChange {
            path: label,
            kind: FieldChangeKind::Changed,
            from: Some(show(key, l)),
            to: Some(show(key, d)),
        }),
    }
}

/// Line changes between two texts (a longest-common-subsequence diff),
/// `line N` being the line's number in the desired text (or the live one
/// for a removed line).
pub(crate) fn text_diff(live: Option<&str>, desired: Option<&str>) -> Vec<FieldChange> {
    let a: Vec<&str> = live.map(|t| t.lines().collect()).unwrap_or_default();
    let b: Vec<&str> = desired.map(|t| t.lines().collect()).unwrap_or_default();
    // Texts too long for a quadratic table: one summary change.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return vec![FieldChange {
            path: "code".into(),
            kind: FieldChangeKind::Changed,
            from: Some(format!("{} lines", a.len())),
            to: Some(format!("{} lines", b.len())),
        }];
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let line = |s: &str| show(None, &Value::String(s.to_owned()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(FieldChange {
                path: format!("line {}", i + 1),
                kind: FieldChangeKind::Removed,
                from: Some(line(a[i])),
                to: None,
            });
            i += 1;
        } else {
            out.push(FieldChange {
                path: format!("line {}", j + 1),
                kind: FieldChangeKind::Added,
                from: None,
                to: Some(line(b[j])),
            });
            j += 1;
        }
    }
    if out.is_empty() && live != desired {
        // Only the final newline differs.
        out.push(FieldChange {
            path: "end of file".into(),
            kind: FieldChangeKind::Changed,
            from: Some("(as live)".into()),
            to: Some("(newline changed)".into()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_changes_with_paths_and_hidden_secrets() {
        let live = json!({"name": "pg", "configuration": {"port": 5432, "password": "old", "hostname": "a"}});
        let desired = json!({"name": "pg", "configuration": {"port": "5432", "password": {"$secret": "PG"}, "db": "x"}});
        let lines: Vec<String> = diff(Some(&live), Some(&desired))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "+ configuration.db: \"x\"",
                "- configuration.hostname: \"a\"",
                "~ configuration.password: (sensitive) -> (secret PG)",
            ]
        );
    }

    #[test]
    fn fields_are_matched_by_name() {
        let live = json!({"fields": [{"fieldName": "a", "mapping": {"columnName": "a"}}, {"fieldName": "b"}]});
        let desired = json!({"fields": [{"fieldName": "a", "mapping": {"columnName": "a2"}}, {"fieldName": "c"}]});
        let lines: Vec<String> = diff(Some(&live), Some(&desired))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "~ fields[a].mapping.columnName: \"a\" -> \"a2\"",
                "- fields[b]: {\"fieldName\":\"b\"}",
                "+ fields[c]: {\"fieldName\":\"c\"}",
            ]
        );
    }

    #[test]
    fn text_changes_by_line() {
        let lines: Vec<String> = text_diff(Some("a\nb\nc\n"), Some("a\nB\nc\nd\n"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            ["- line 2: \"b\"", "+ line 2: \"B\"", "+ line 4: \"d\""]
        );
        assert!(text_diff(Some("x"), Some("x")).is_empty());
    }
}
