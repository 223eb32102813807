//! Secret references: how a pipeline's files hold credentials without
//! holding their values.
//!
//! On export, every string at a secret key ([`is_sensitive_key`]: an
//! input's or the output's password, AWS keys …) becomes
//! `{"$secret": "NAME"}`. On apply, a reference takes its value from
//! [`SecretValues`] (`ALOOMA_SECRET_<NAME>` or a `--secrets` file); without
//! one, the service's current value is kept. A reference is never sent as
//! a value.

use crate::PipelineError;
use alooma::types::is_sensitive_key;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The key of a secret reference object.
pub const SECRET_KEY: &str = "$secret";

/// The prefix of the environment variables [`SecretValues::from_env`]
/// reads.
pub const ENV_PREFIX: &str = "ALOOMA_SECRET_";

/// The reference name in `{"$secret": "NAME"}`, when `value` is one.
///
/// ```
/// use alooma_pipeline::secret_reference;
/// assert_eq!(secret_reference(&serde_json::json!({"$secret": "PG_PASSWORD"})), Some("PG_PASSWORD"));
/// assert_eq!(secret_reference(&serde_json::json!("pw")), None);
/// ```
pub fn secret_reference(value: &Value) -> Option<&str> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(SECRET_KEY).and_then(Value::as_str),
        _ => None,
    }
}

/// A reference object for `name`.
pub(crate) fn reference(name: &str) -> Value {
    let mut map = Map::new();
    map.insert(SECRET_KEY.into(), Value::String(name.into()));
    Value::Object(map)
}

/// The form a secret's name takes in references and environment
/// variables: upper case, words split at `camelCase` and at every other
/// character by one `_`.
///
/// ```
/// use alooma_pipeline::secret_name;
/// assert_eq!(secret_name("orders pg", &["awsSecretAccessKey"]), "ORDERS_PG_AWS_SECRET_ACCESS_KEY");
/// assert_eq!(secret_name("api-token", &[]), "API_TOKEN");
/// ```
pub fn secret_name(first: &str, rest: &[&str]) -> String {
    let mut out = String::new();
    for part in std::iter::once(first).chain(rest.iter().copied()) {
        let mut prev_lower = false;
        for c in part.chars() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_uppercase() && prev_lower {
                    out.push('_');
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                out.push(c.to_ascii_uppercase());
            } else {
                if !out.ends_with('_') && !out.is_empty() {
                    out.push('_');
                }
                prev_lower = false;
            }
        }
        if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Values for secret references and Alooma secrets, by name. `Debug`
/// shows the names only.
///
/// ```
/// use alooma_pipeline::SecretValues;
/// let mut values = SecretValues::new();
/// values.insert("PG_PASSWORD", "s3cr3t");
/// assert_eq!(values.get("pg-password"), Some("s3cr3t")); // names compare in their reference form
/// assert!(!format!("{values:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Default)]
pub struct SecretValues {
    values: BTreeMap<String, String>,
}

impl SecretValues {
    /// No values.
    pub fn new() -> Self {
        SecretValues::default()
    }

    /// The values of every `ALOOMA_SECRET_<NAME>` variable of this process.
    pub fn from_env() -> Self {
        let mut values = SecretValues::new();
        for (key, value) in std::env::vars_os() {
            if let (Some(key), Some(value)) = (key.to_str(), value.to_str()) {
                if let Some(name) = key.strip_prefix(ENV_PREFIX) {
                    values.insert(name, value);
                }
            }
        }
        values
    }

    /// The values in a file: a JSON object of name → value, or
    /// `NAME=value` lines (`#` comments and blank lines skipped, one pair
    /// of surrounding quotes removed).
    pub fn from_file(path: &Path) -> Result<Self, PipelineError> {
        let text = std::fs::read_to_string(path).map_err(|source| PipelineError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut values = SecretValues::new();
        if text.trim_start().starts_with('{') {
            let map: BTreeMap<String, Value> =
                serde_json::from_str(&text).map_err(|source| PipelineError::Json {
                    path: path.to_owned(),
                    source,
                })?;
            for (name, value) in map {
                let value = match value {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => {
                        return Err(PipelineError::Layout {
                            path: path.to_owned(),
                            message: format!("the value of {name:?} is not a string"),
                        })
                    }
                };
                values.insert(&name, value);
            }
            return Ok(values);
        }
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line);
            let Some((name, value)) = line.split_once('=') else {
                return Err(PipelineError::Layout {
                    path: path.to_owned(),
                    message: format!("line {}: expected NAME=value", n + 1),
                });
            };
            let value = value.trim();
            let value = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            let name = name.trim();
            values.insert(name.strip_prefix(ENV_PREFIX).unwrap_or(name), value);
        }
        Ok(values)
    }

    /// Adds (or replaces) a value.
    pub fn insert(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(secret_name(name, &[]), value.into());
    }

    /// Adds every value of `other`, replacing those of the same name.
    pub fn extend(&mut self, other: SecretValues) {
        self.values.extend(other.values);
    }

    /// The value for `name`, compared in its reference form.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(&secret_name(name, &[])).map(String::as_str)
    }

    /// The names that have a value.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.values.keys()).finish()
    }
}

/// Replaces every string at a secret key with a reference named from
/// `prefix`, the resource and the key's path (`configuration` left out),
/// and records the value it replaced under that name.
pub(crate) fn extract(
    doc: &mut Value,
    prefix: &str,
    resource: &str,
    captured: &mut BTreeMap<String, Value>,
) {
    fn walk(
        value: &mut Value,
        path: &mut Vec<String>,
        prefix: &str,
        resource: &str,
        captured: &mut BTreeMap<String, Value>,
    ) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    path.push(key.clone());
                    // A string or a number at a secret key (a number a
                    // tool wrote is a secret too); an object is searched.
                    let holds_secret = match &*v {
                        Value::String(s) => !s.is_empty(),
                        Value::Number(_) => true,
                        _ => false,
                    };
                    if is_sensitive_key(key) && holds_secret {
                        let parts: Vec<&str> = path
                            .iter()
                            .map(String::as_str)
                            .filter(|p| *p != "configuration")
                            .collect();
                        let base = secret_name(prefix, &[&[resource][..], &parts].concat());
                        let mut name = base.clone();
                        let mut n = 2;
                        while captured.contains_key(&name) {
                            name = format!("{base}_{n}");
                            n += 1;
                        }
                        let raw = std::mem::replace(v, reference(&name));
                        captured.insert(name, raw);
                    } else {
                        walk(v, path, prefix, resource, captured);
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    walk(v, path, prefix, resource, captured);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    // A singleton's references are named by the prefix alone.
    let resource = if secret_name(resource, &[]) == prefix {
        ""
    } else {
        resource
    };
    walk(doc, &mut Vec::new(), prefix, resource, captured);
}

/// Every reference in a document, with its JSON pointer.
pub(crate) fn references(doc: &Value) -> Vec<(String, String)> {
    fn walk(value: &Value, pointer: &mut String, out: &mut Vec<(String, String)>) {
        if let Some(name) = secret_reference(value) {
            out.push((pointer.clone(), name.to_owned()));
            return;
        }
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                    walk(v, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    walk(v, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut String::new(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extract_names_by_resource_and_path_and_keeps_them_unique() {
        let mut captured = BTreeMap::new();
        let mut doc = json!({"configuration": {"password": "pw", "ssh": {"password": "pw2", "port": 22}, "auto_map": "true", "useSsh": true}});
        extract(&mut doc, "INPUT", "orders pg", &mut captured);
        assert_eq!(
            doc["configuration"]["password"],
            json!({"$secret": "INPUT_ORDERS_PG_PASSWORD"})
        );
        assert_eq!(
            doc["configuration"]["ssh"]["password"],
            json!({"$secret": "INPUT_ORDERS_PG_SSH_PASSWORD"})
        );
        assert_eq!(doc["configuration"]["ssh"]["port"], 22);
        assert_eq!(doc["configuration"]["useSsh"], true);
        assert_eq!(captured["INPUT_ORDERS_PG_PASSWORD"], "pw");
        let mut other = json!({"password": "x"});
        extract(&mut other, "INPUT", "orders-pg", &mut captured);
        assert_eq!(
            other["password"],
            json!({"$secret": "INPUT_ORDERS_PG_PASSWORD_2"})
        );
        let mut output = json!({"configuration": {"password": "********"}});
        extract(&mut output, "OUTPUT", "output", &mut captured);
        assert_eq!(
            output["configuration"]["password"],
            json!({"$secret": "OUTPUT_PASSWORD"})
        );
    }

    #[test]
    fn a_secret_of_another_type_is_taken_out_too() {
        let mut doc =
            serde_json::json!({"configuration": {"password": 918273645, "hostname": "h"}});
        let mut captured = BTreeMap::new();
        extract(&mut doc, "OUTPUT", "redshift", &mut captured);
        assert!(!doc.to_string().contains("918273645"), "{doc}");
        assert_eq!(
            captured.values().next(),
            Some(&serde_json::json!(918273645))
        );
    }

    #[test]
    fn files_of_values_in_both_forms() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join("s.env");
        std::fs::write(
            &env,
            "# comment\nexport ALOOMA_SECRET_PG_PASSWORD='a=b'\nAPI_TOKEN=\"t\"\n",
        )
        .unwrap();
        let v = SecretValues::from_file(&env).unwrap();
        assert_eq!(v.get("PG_PASSWORD"), Some("a=b"));
        assert_eq!(v.get("api-token"), Some("t"));
        let js = dir.path().join("s.json");
        std::fs::write(&js, r#"{"PG_PASSWORD": "x", "N": 5}"#).unwrap();
        let v = SecretValues::from_file(&js).unwrap();
        assert_eq!(v.get("N"), Some("5"));
        std::fs::write(&env, "nonsense\n").unwrap();
        assert!(SecretValues::from_file(&env)
            .unwrap_err()
            .to_string()
            .contains("line 1"));
    }
}
