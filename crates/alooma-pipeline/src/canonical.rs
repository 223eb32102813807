//! The canonical form of a resource: server-computed keys left out, named
//! lists sorted by name, keys sorted, 2-space indent, a trailing newline;
//! and the comparison a plan uses, blind to order and to the second form
//! tools write scalars in.

use serde_json::{Map, Value};

/// Sorts an event type's fields by `fieldName` at every depth (stable: two
/// fields of one name keep their order), dropping `stats` on the way.
pub(crate) fn sort_fields(fields: &mut Value) {
    if let Value::Array(items) = fields {
        for item in items.iter_mut() {
            if let Value::Object(field) = item {
                field.remove("stats");
                if let Some(sub) = field.get_mut("fields") {
                    sort_fields(sub);
                }
                if let Some(sub) = field.get_mut("subFields") {
                    sort_fields(sub);
                }
            }
        }
        items.sort_by(|a, b| field_name(a).cmp(field_name(b)));
    }
}

fn field_name(v: &Value) -> &str {
    v.get("fieldName")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The same value with every object's keys in sorted order, whatever map
/// serde_json was built with.
pub(crate) fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(k, sorted(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The file text of a JSON document: sorted keys, 2-space indent, a
/// trailing newline.
pub(crate) fn to_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&sorted(value.clone())).unwrap_or_default();
    text.push('\n');
    text
}

/// Code as it is compared: line endings as `\n`.
pub(crate) fn code(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Whether a service-side value is a mask (`**********`): the service
/// hides the value, so any value compares equal to it.
pub(crate) fn is_mask(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() >= 3 && s.bytes().all(|b| b == b'*'))
}

/// Whether two documents say the same thing: objects by key (order
/// ignored), lists item by item, numbers by value (`8`, `8.0`, `"8"`),
/// booleans and their text (`true`, `"true"`). `null` is not absent.
///
/// ```text
/// same({"a": 8, "b": [1]}, {"b": [1.0], "a": "8"}) == true
/// same({"a": null}, {}) == false
/// ```
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (Value::Number(x), Value::Number(y)) => {
            x == y || matches!((x.as_f64(), y.as_f64()), (Some(p), Some(q)) if p == q)
        }
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            matches!((n.as_f64(), s.trim().parse::<f64>()), (Some(p), Ok(q)) if p == q)
        }
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => {
            s == if *x { "true" } else { "false" }
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_ignores_order_and_scalar_forms_but_not_null() {
        assert!(same(
            &json!({"a": 8, "b": [1]}),
            &json!({"b": [1.0], "a": "8"})
        ));
        assert!(same(&json!({"t": true}), &json!({"t": "true"})));
        assert!(!same(&json!({"a": null}), &json!({})));
        assert!(!same(&json!({"a": null}), &json!({"a": 0})));
        assert!(!same(&json!([1, 2]), &json!([2, 1])));
        assert!(!same(&json!("8x"), &json!(8)));
    }

    #[test]
    fn text_is_sorted_indented_and_ends_with_a_newline() {
        assert_eq!(
            to_text(&json!({"b": 1, "a": [true]})),
            "{\n  \"a\": [\n    true\n  ],\n  \"b\": 1\n}\n"
        );
    }
}
