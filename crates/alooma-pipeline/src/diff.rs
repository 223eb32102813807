//! Field-level changes between two documents, in the style of
//! `alooma mapping diff`: `+ path: value`, `- path: value`,
//! `~ path: old -> new`. Values at secret keys are never shown.

use crate::canonical::same;
use crate::secrets::secret_reference;
use alooma::types::is_sensitive_key;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A document as a plan shows it: its value, with some leaves masked. A
/// masked leaf (a secret, by JSON pointer) holds its label, `(sensitive)`
/// or `(secret NAME)`, which is shown as it is, never as JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Shown {
    /// The value, a masked leaf replaced by its label (a string).
    pub(crate) value: Value,
    /// The masked leaves: JSON pointer → label.
    masks: BTreeMap<String, String>,
}

impl Shown {
    /// `value` with nothing masked.
    pub(crate) fn new(value: Value) -> Self {
        Shown {
            value,
            masks: BTreeMap::new(),
        }
    }

    /// Masks the leaf at `pointer` with `label`, when there is one.
    pub(crate) fn mask(&mut self, pointer: &str, label: String) {
        if let Some(slot) = self.value.pointer_mut(pointer) {
            *slot = Value::String(label.clone());
            self.masks.insert(pointer.to_owned(), label);
        }
    }

    /// Keeps the masks of `other` at the leaves this value took from it
    /// (the same label at the same pointer).
    pub(crate) fn masks_from(&mut self, other: &Shown) {
        for (pointer, label) in &other.masks {
            let taken = self.value.pointer(pointer).and_then(Value::as_str) == Some(label);
            if taken {
                self.masks
                    .entry(pointer.clone())
                    .or_insert_with(|| label.clone());
            }
        }
    }

    fn mask_at(&self, pointer: &str) -> Option<&str> {
        self.masks.get(pointer).map(String::as_str)
    }

    /// Whether a leaf at or under `pointer` is masked.
    fn masks_under(&self, pointer: &str) -> bool {
        self.masks
            .range::<str, _>((
                std::ops::Bound::Included(pointer),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|(p, _)| p == pointer || p.starts_with(&format!("{pointer}/")))
            || (pointer.is_empty() && !self.masks.is_empty())
    }
}

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
    alooma::types::redact_value(&mut shown);
    let text = shown.to_string();
    if text.chars().count() > MAX_SHOWN {
        let cut: String = text.chars().take(MAX_SHOWN).collect();
        format!("{cut}… ({} bytes)", text.len())
    } else {
        text
    }
}

/// The path shown for a change at `path` (`value` at the top).
fn label_of(path: &str) -> String {
    if path.is_empty() {
        "value".to_owned()
    } else {
        path.to_owned()
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
pub(crate) fn diff(live: Option<&Shown>, desired: Option<&Shown>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut sides = Sides {
        live: live.unwrap_or(&NOTHING),
        desired: desired.unwrap_or(&NOTHING),
        out: &mut out,
    };
    sides.step(
        &At::root(),
        None,
        live.map(|s| &s.value),
        desired.map(|s| &s.value),
    );
    out
}

static NOTHING: Shown = Shown {
    value: Value::Null,
    masks: BTreeMap::new(),
};

/// Where a walk is: the path shown to users, and the JSON pointer on each
/// side (items matched by name may sit at other indexes).
struct At {
    path: String,
    live: String,
    desired: String,
}

impl At {
    fn root() -> Self {
        At {
            path: String::new(),
            live: String::new(),
            desired: String::new(),
        }
    }

    fn key(&self, key: &str) -> Self {
        let token = key.replace('~', "~0").replace('/', "~1");
        At {
            path: join(&self.path, key),
            live: format!("{}/{token}", self.live),
            desired: format!("{}/{token}", self.desired),
        }
    }

    fn item(&self, path: String, live: Option<usize>, desired: Option<usize>) -> Self {
        let index = |base: &str, i: Option<usize>| match i {
            Some(i) => format!("{base}/{i}"),
            None => format!("{base}/-"),
        };
        At {
            path,
            live: index(&self.live, live),
            desired: index(&self.desired, desired),
        }
    }
}

/// The two documents a diff walks, and the changes found.
struct Sides<'a> {
    live: &'a Shown,
    desired: &'a Shown,
    out: &'a mut Vec<FieldChange>,
}

impl Sides<'_> {
    fn step(&mut self, at: &At, key: Option<&str>, live: Option<&Value>, desired: Option<&Value>) {
        let (lm, dm) = (
            self.live.mask_at(&at.live),
            self.desired.mask_at(&at.desired),
        );
        if lm.is_some() || dm.is_some() {
            // A masked leaf is compared and shown by its label.
            let l = live.map(|v| lm.map_or_else(|| show(key, v), str::to_owned));
            let d = desired.map(|v| dm.map_or_else(|| show(key, v), str::to_owned));
            if l != d || lm.is_some() != dm.is_some() {
                let kind = match (&l, &d) {
                    (None, _) => FieldChangeKind::Added,
                    (_, None) => FieldChangeKind::Removed,
                    _ => FieldChangeKind::Changed,
                };
                self.out.push(FieldChange {
                    path: label_of(&at.path),
                    kind,
                    from: l,
                    to: d,
                });
            }
            return;
        }
        let path = at.path.as_str();
        let label = label_of(path);
        match (live, desired) {
            (None, None) => {}
            (None, Some(Value::Object(d)))
                if !d.is_empty()
                    && !path.ends_with(']')
                    && secret_reference(&Value::Object(d.clone())).is_none() =>
            {
                for (k, v) in d {
                    self.step(&at.key(k), Some(k), None, Some(v));
                }
            }
            (None, Some(Value::Array(d))) if !d.is_empty() && names_of(d).is_some() => {
                for v in d {
                    let name = v
                        .get("fieldName")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    self.out.push(FieldChange {
                        path: format!("{path}[{name}]"),
                        kind: FieldChangeKind::Added,
                        from: None,
                        to: Some(show(None, v)),
                    });
                }
            }
            (None, Some(d)) => self.out.push(FieldChange {
                path: label,
                kind: FieldChangeKind::Added,
                from: None,
                to: Some(show(key, d)),
            }),
            (Some(l), None) => self.out.push(FieldChange {
                path: label,
                kind: FieldChangeKind::Removed,
                from: Some(show(key, l)),
                to: None,
            }),
            (Some(l), Some(d))
                if same(l, d)
                    && !self.live.masks_under(&at.live)
                    && !self.desired.masks_under(&at.desired) => {}
            (Some(Value::Object(l)), Some(Value::Object(d)))
                if secret_reference(&Value::Object(l.clone())).is_none()
                    && secret_reference(&Value::Object(d.clone())).is_none() =>
            {
                let mut keys: Vec<&String> = l.keys().chain(d.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    self.step(&at.key(k), Some(k), l.get(k), d.get(k));
                }
            }
            (Some(Value::Array(l)), Some(Value::Array(d))) => match (names_of(l), names_of(d)) {
                (Some(ln), Some(dn)) => {
                    // Fields: matched by name (the n-th of a name with the n-th).
                    let mut names: Vec<&str> = ln.iter().chain(dn.iter()).copied().collect();
                    names.sort();
                    names.dedup();
                    for name in names {
                        let li: Vec<(usize, &Value)> = l
                            .iter()
                            .enumerate()
                            .zip(&ln)
                            .filter(|(_, n)| **n == name)
                            .map(|(v, _)| v)
                            .collect();
                        let di: Vec<(usize, &Value)> = d
                            .iter()
                            .enumerate()
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
                            let (lv, dv) = (li.get(i).copied(), di.get(i).copied());
                            let item = at.item(p, lv.map(|(i, _)| i), dv.map(|(i, _)| i));
                            self.step(&item, None, lv.map(|(_, v)| v), dv.map(|(_, v)| v));
                        }
                    }
                }
                _ => self.out.push(FieldChange {
                    path: label,
                    kind: FieldChangeKind::Changed,
                    from: Some(show(key, &Value::Array(l.clone()))),
                    to: Some(show(key, &Value::Array(d.clone()))),
                }),
            },
            (Some(l), Some(d)) => self.out.push(FieldChange {
                path: label,
                kind: FieldChangeKind::Changed,
                from: Some(show(key, l)),
                to: Some(show(key, d)),
            }),
        }
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
        let lines: Vec<String> = diff(Some(&Shown::new(live)), Some(&Shown::new(desired)))
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
        let lines: Vec<String> = diff(Some(&Shown::new(live)), Some(&Shown::new(desired)))
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

    fn lines(live: &Shown, desired: &Shown) -> Vec<String> {
        diff(Some(live), Some(desired))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn masked_leaves_show_their_label_unquoted_and_compare_by_it() {
        let mut live = Shown::new(json!({"configuration": {"password": "hunter2", "user": "u"}}));
        live.mask("/configuration/password", "(sensitive)".into());
        let mut desired =
            Shown::new(json!({"configuration": {"password": {"$secret": "PG"}, "user": "u"}}));
        desired.mask("/configuration/password", "(sensitive)".into());
        assert_eq!(lines(&live, &desired), Vec::<String>::new());
        desired.mask("/configuration/password", "(secret PG)".into());
        assert_eq!(
            lines(&live, &desired),
            ["~ configuration.password: (sensitive) -> (secret PG)"]
        );
        // A value that merely reads like a label is a value: quoted, and
        // different from a masked leaf.
        let mut masked = Shown::new(json!({"configuration": {"note": "n", "user": "u"}}));
        masked.mask("/configuration/note", "(sensitive)".into());
        let plain = Shown::new(json!({"configuration": {"note": "(sensitive)", "user": "u"}}));
        assert_eq!(
            lines(&masked, &plain),
            ["~ configuration.note: (sensitive) -> \"(sensitive)\""]
        );
        // Inside a value shown whole, a masked leaf is its label.
        assert_eq!(
            diff(None, Some(&desired))[0].to.as_deref(),
            Some("(secret PG)")
        );
    }

    #[test]
    fn masks_follow_fields_matched_by_name_at_other_indexes() {
        let mut live = Shown::new(json!({"fields": [
            {"fieldName": "a", "token": "t1"}, {"fieldName": "b", "token": "t2"}]}));
        live.mask("/fields/1/token", "(sensitive)".into());
        let mut desired =
            Shown::new(json!({"fields": [{"fieldName": "b", "token": {"$secret": "T"}}]}));
        desired.mask("/fields/0/token", "(secret T)".into());
        assert_eq!(
            lines(&live, &desired),
            [
                "- fields[a]: {\"fieldName\":\"a\",\"token\":\"<redacted>\"}",
                "~ fields[b].token: (sensitive) -> (secret T)",
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
