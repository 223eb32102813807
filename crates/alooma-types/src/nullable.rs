//! Serde helpers for fields where "absent" and "null" must stay distinct.
//!
//! Use on `Option<Option<T>>` fields with
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::nullable")]`:
//! `None` = key absent, `Some(None)` = `null`, `Some(Some(v))` = a value. A
//! read-then-write therefore sends back exactly what the server sent.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serializes `Some(None)` as `null` and `Some(Some(v))` as `v`.
/// (`None` is skipped by `skip_serializing_if`.)
pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(s),
        None => s.serialize_none(),
    }
}

/// Deserializes a present key: `null` → `Some(None)`, a value → `Some(Some(v))`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
