//! [`ColumnType`]: the warehouse type of a mapped field or a table column.

use crate::Extra;
use serde::Serialize;

/// A warehouse column type, as used in field mappings and table columns.
///
/// Wire shape: `{"type": "VARCHAR", "length": 256, "nonNull": false, "truncate": false}`.
/// Type attributes the SDK does not model (precision, scale …) stay in
/// [`extra`](Self::extra) and are sent back unchanged.
///
/// ```
/// use alooma_types::ColumnType;
/// let t = ColumnType::new("VARCHAR").with_length(256);
/// let json = serde_json::to_value(&t).unwrap();
/// assert_eq!(json, serde_json::json!({"type": "VARCHAR", "nonNull": false, "length": 256}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ColumnType {
    /// The SQL type name: `VARCHAR`, `FLOAT`, `TIMESTAMP`, `BOOLEAN` …
    #[serde(rename = "type")]
    pub type_name: String,
    /// Whether the column is `NOT NULL`.
    #[serde(rename = "nonNull", default)]
    pub non_null: bool,
    /// Length for character types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// Whether over-long values are truncated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate: Option<bool>,
    /// Attributes this SDK does not model, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    ColumnType {
    type_name: "type" [required],
    non_null: "nonNull" [default],
    length: "length" [default],
    truncate: "truncate" [default],
    }
}

impl ColumnType {
    /// A nullable column of the given SQL type with no attributes.
    pub fn new(type_name: impl Into<String>) -> Self {
        ColumnType {
            type_name: type_name.into(),
            non_null: false,
            length: None,
            truncate: None,
            extra: Extra::new(),
        }
    }

    /// Sets the length (for `VARCHAR` and other character types).
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }

    /// Sets `nonNull`.
    pub fn with_non_null(mut self, non_null: bool) -> Self {
        self.non_null = non_null;
        self
    }

    /// Sets any other type attribute (`precision`, `scale` …).
    pub fn with_attribute(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }
}
