//! [`ColumnType`]: the warehouse type of a mapped field or a table column.

use crate::{Extra, Lenient, Maybe};
use serde::{Deserialize, Serialize};

/// A warehouse column type, as used in field mappings and table columns.
///
/// Wire shape: `{"type": "VARCHAR", "length": 256, "nonNull": false,
/// "truncate": false, "precision": 38, "scale": 2}`. Every key is optional
/// and keeps `null` apart from absent. Real tools write `length`,
/// `truncate`, `precision` and `scale` as numbers or as numeric strings
/// (`"1024"`), and `nonNull` / `truncate` as bools or their text: both
/// forms decode ([`Lenient`]) and are written back in the form they were
/// read. The accessors ([`length`](Self::length), [`non_null`](Self::non_null)
/// …) give the typed values. Attributes the SDK does not model stay in
/// [`extra`](Self::extra).
///
/// (`truncate` is a bool in the service's own answers; some tools wrote a
/// number there, such as `"38"`, so it is kept as it is on the wire: a
/// [`TruncateValue`].)
///
/// ```
/// use alooma_types::ColumnType;
/// let t = ColumnType::new("VARCHAR").with_length(256);
/// let json = serde_json::to_value(&t).unwrap();
/// assert_eq!(json, serde_json::json!({"type": "VARCHAR", "nonNull": false, "length": 256}));
///
/// let t: ColumnType = serde_json::from_str(r#"{"type":"VARCHAR","length":"1024","nonNull":false}"#).unwrap();
/// assert_eq!(t.length(), Some(1024));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"type":"VARCHAR","nonNull":false,"length":"1024"}"#);
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ColumnType {
    /// The SQL type name: `VARCHAR`, `FLOAT`, `TIMESTAMP`, `BOOLEAN` …
    #[serde(rename = "type")]
    pub type_name: Maybe<String>,
    /// Whether the column is `NOT NULL`.
    #[serde(rename = "nonNull")]
    pub non_null: Maybe<Lenient<bool>>,
    /// Length for character types.
    pub length: Maybe<Lenient<u64>>,
    /// Whether over-long values are truncated (see [`TruncateValue`]).
    pub truncate: Maybe<TruncateValue>,
    /// Precision of a numeric type (`NUMERIC(38, 2)` → 38).
    pub precision: Maybe<Lenient<u64>>,
    /// Scale of a numeric type (`NUMERIC(38, 2)` → 2).
    pub scale: Maybe<Lenient<u64>>,
    /// Attributes this SDK does not model, kept verbatim.
    pub extra: Extra,
}

/// The `truncate` attribute of a column type: a bool in the service's own
/// answers (`false`, `"true"`), and a number in some tools' files (`38`,
/// `"38"`). Either form is read and written back as it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TruncateValue {
    /// A bool, or its text.
    Bool(Lenient<bool>),
    /// A number, or its text.
    Number(Lenient<f64>),
}

impl TruncateValue {
    /// The bool, when the value is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            TruncateValue::Bool(b) => Some(*b.get()),
            TruncateValue::Number(_) => None,
        }
    }

    /// The number, when the value is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            TruncateValue::Number(n) => Some(*n.get()),
            TruncateValue::Bool(_) => None,
        }
    }
}

impl From<bool> for TruncateValue {
    fn from(b: bool) -> Self {
        TruncateValue::Bool(Lenient::new(b))
    }
}

impl<'de> serde::Deserialize<'de> for TruncateValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TruncateValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a bool or a number (or a string holding one)")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<TruncateValue, E> {
                Ok(TruncateValue::Bool(Lenient::new(b)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TruncateValue, E> {
                Lenient::deserialize(serde::de::value::U64Deserializer::<E>::new(v))
                    .map(TruncateValue::Number)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TruncateValue, E> {
                Lenient::deserialize(serde::de::value::I64Deserializer::<E>::new(v))
                    .map(TruncateValue::Number)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<TruncateValue, E> {
                Lenient::deserialize(serde::de::value::F64Deserializer::<E>::new(v))
                    .map(TruncateValue::Number)
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<TruncateValue, E> {
                let d = || serde::de::value::StrDeserializer::<E>::new(s);
                Lenient::deserialize(d())
                    .map(TruncateValue::Bool)
                    .or_else(|_| Lenient::deserialize(d()).map(TruncateValue::Number))
            }
        }
        d.deserialize_any(V)
    }
}

impl ColumnType {
    /// A nullable column of the given SQL type with no attributes
    /// (`{"type": …, "nonNull": false}`).
    pub fn new(type_name: impl Into<String>) -> Self {
        ColumnType {
            type_name: Maybe::Value(type_name.into()),
            non_null: Maybe::Value(Lenient::new(false)),
            length: Maybe::Absent,
            truncate: Maybe::Absent,
            precision: Maybe::Absent,
            scale: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// A column type with no keys at all (`{}`).
    pub fn empty() -> Self {
        ColumnType {
            type_name: Maybe::Absent,
            non_null: Maybe::Absent,
            length: Maybe::Absent,
            truncate: Maybe::Absent,
            precision: Maybe::Absent,
            scale: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// Sets the SQL type name in place.
    pub fn set_sql_type(&mut self, type_name: impl Into<String>) {
        self.type_name = Maybe::Value(type_name.into());
    }

    /// The SQL type name, when there is one.
    pub fn sql_type(&self) -> Option<&str> {
        self.type_name.as_deref()
    }

    /// `nonNull` as a bool (`false` when absent or `null`).
    pub fn non_null(&self) -> bool {
        self.non_null.get().is_some_and(|b| *b.get())
    }

    /// `length` as a number, in either wire form.
    pub fn length(&self) -> Option<u64> {
        self.length.get().map(|l| *l.get())
    }

    /// `truncate` as a bool, when it is one.
    pub fn truncate(&self) -> Option<bool> {
        self.truncate.get().and_then(TruncateValue::as_bool)
    }

    /// `precision` as a number, in either wire form.
    pub fn precision(&self) -> Option<u64> {
        self.precision.get().map(|l| *l.get())
    }

    /// `scale` as a number, in either wire form.
    pub fn scale(&self) -> Option<u64> {
        self.scale.get().map(|l| *l.get())
    }

    /// Sets the length (for `VARCHAR` and other character types), in the
    /// form the current length was read in.
    pub fn with_length(mut self, length: u64) -> Self {
        self.set_length(length);
        self
    }

    /// Sets the length in place, keeping the wire form of the old one.
    pub fn set_length(&mut self, length: u64) {
        set_lenient(&mut self.length, length);
    }

    /// Sets `nonNull`.
    pub fn with_non_null(mut self, non_null: bool) -> Self {
        self.set_non_null(non_null);
        self
    }

    /// Sets `nonNull` in place, keeping the wire form of the old value.
    pub fn set_non_null(&mut self, non_null: bool) {
        set_lenient(&mut self.non_null, non_null);
    }

    /// Sets `precision` and `scale` in place, keeping their wire forms.
    pub fn set_precision(&mut self, precision: u64, scale: u64) {
        set_lenient(&mut self.precision, precision);
        set_lenient(&mut self.scale, scale);
    }

    /// Sets `truncate` (a bool) in place, keeping a textual form.
    pub fn set_truncate(&mut self, truncate: bool) {
        match &mut self.truncate {
            Maybe::Value(TruncateValue::Bool(b)) => b.set(truncate),
            other => *other = Maybe::Value(truncate.into()),
        }
    }

    /// Sets `truncate`.
    pub fn with_truncate(mut self, truncate: bool) -> Self {
        self.set_truncate(truncate);
        self
    }

    /// Sets `precision` and `scale` (numeric types).
    pub fn with_precision(mut self, precision: u64, scale: u64) -> Self {
        set_lenient(&mut self.precision, precision);
        set_lenient(&mut self.scale, scale);
        self
    }

    /// Sets any other type attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }
}

/// Sets a lenient value, keeping the form of the one it replaces.
pub(crate) fn set_lenient<T: std::fmt::Display>(slot: &mut Maybe<Lenient<T>>, value: T) {
    slot.set(value);
}

crate::wire_leaf!(TruncateValue);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_attribute_round_trips_in_its_form() {
        for v in [
            json!({"type": "VARCHAR", "length": "1024", "truncate": "38", "nonNull": "false"}),
            json!({"type": "NUMERIC", "precision": 38, "scale": "2", "nonNull": true}),
            json!({"type": "VARCHAR", "length": null, "truncate": false}),
            json!({"length": 5}),
            json!({}),
        ] {
            let t: ColumnType = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&t).unwrap(), v);
        }
        let t: ColumnType =
            serde_json::from_value(json!({"type": "NUMERIC", "precision": "38", "truncate": "38"}))
                .unwrap();
        assert_eq!((t.precision(), t.truncate()), (Some(38), None));
        assert_eq!(t.truncate.get().and_then(TruncateValue::as_f64), Some(38.0));
    }

    #[test]
    fn wrong_types_are_kept_and_written_back() {
        for odd in [
            r#"{"length":"long"}"#,
            r#"{"length":-1}"#,
            r#"{"nonNull":"maybe"}"#,
            r#"{"truncate":"sometimes"}"#,
            r#"{"type":7}"#,
        ] {
            let t: ColumnType = serde_json::from_str(odd).unwrap();
            assert_eq!(crate::mistyped_in(&t).len(), 1, "{odd}");
            assert_eq!(serde_json::to_string(&t).unwrap(), odd);
        }
        let t: ColumnType = serde_json::from_str(r#"{"type":"VARCHAR","length":"long"}"#).unwrap();
        assert_eq!(t.length(), None);
        assert_eq!(t.length.mistyped().unwrap().json(), "long");
    }

    #[test]
    fn setters_keep_the_form() {
        let mut t: ColumnType =
            serde_json::from_value(json!({"type": "VARCHAR", "length": "64"})).unwrap();
        t.set_length(128);
        assert_eq!(serde_json::to_value(&t).unwrap()["length"], "128");
    }
}
