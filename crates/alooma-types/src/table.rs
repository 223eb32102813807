//! Tables and schemas of the output warehouse: [`Table`], [`Column`] and
//! [`Schema`].

use crate::{ColumnType, Extra};
use serde::{Deserialize, Serialize};

/// A warehouse table (`GET tables`, `GET tables/{schema}`).
///
/// Wire shape: `{"tableName", "schema", "columns": [...], "retention": null}`.
/// A shallow listing (`?shallow=true`) sends `"columns": []`.
///
/// ```
/// use alooma_types::Table;
/// let t: Table = serde_json::from_str(
///     r#"{"retention":null,"tableName":"user","columns":[],"schema":"public"}"#).unwrap();
/// assert_eq!(t.table_name, "user");
/// assert_eq!(t.retention, Some(None));
/// assert_eq!(serde_json::to_value(&t).unwrap()["retention"], serde_json::Value::Null);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Table {
    /// The table's name.
    #[serde(rename = "tableName")]
    pub table_name: String,
    /// The schema the table is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The columns (empty in a shallow listing).
    #[serde(default)]
    pub columns: Vec<Column>,
    /// The retention setting; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub retention: Option<Option<serde_json::Value>>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Table {
    /// A table called `table_name` in `schema`, with the given columns.
    pub fn new(
        table_name: impl Into<String>,
        schema: impl Into<String>,
        columns: Vec<Column>,
    ) -> Self {
        Table {
            table_name: table_name.into(),
            schema: Some(schema.into()),
            columns,
            retention: None,
            extra: Extra::new(),
        }
    }
}

fn no_sort_key() -> i64 {
    -1
}

/// A table column: what `create_table` and `alter_table` send, and what
/// `get_tables` answers inside each table.
///
/// Wire shape: `{"columnName", "columnType": {"type", "length"?, "nonNull"},
/// "distKey", "primaryKey", "sortKeyIndex"}`; the server also sends
/// `subColumnsMap` and `subColumns` (usually `null`), which are kept.
///
/// ```
/// use alooma_types::{Column, ColumnType};
/// let c = Column::new("event", ColumnType::new("VARCHAR").with_length(256))
///     .dist_key(true)
///     .sort_key_index(0);
/// assert_eq!(serde_json::to_value(&c).unwrap(), serde_json::json!({
///     "columnName": "event", "distKey": true, "primaryKey": false, "sortKeyIndex": 0,
///     "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Column {
    /// The column's name.
    #[serde(rename = "columnName")]
    pub column_name: String,
    /// The column's type.
    #[serde(rename = "columnType")]
    pub column_type: ColumnType,
    /// Whether this is the distribution key.
    #[serde(rename = "distKey", default)]
    pub dist_key: bool,
    /// Whether this is (part of) the primary key.
    #[serde(rename = "primaryKey", default)]
    pub primary_key: bool,
    /// Position in the sort key, `-1` when not part of it.
    #[serde(rename = "sortKeyIndex", default = "no_sort_key")]
    pub sort_key_index: i64,
    /// Sub-columns by name; `Some(None)` is an explicit `null`.
    #[serde(
        rename = "subColumnsMap",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub sub_columns_map: Option<Option<serde_json::Value>>,
    /// Sub-columns; `Some(None)` is an explicit `null`.
    #[serde(
        rename = "subColumns",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub sub_columns: Option<Option<serde_json::Value>>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Column {
    /// A column that is neither a distribution, primary nor sort key.
    pub fn new(column_name: impl Into<String>, column_type: ColumnType) -> Self {
        Column {
            column_name: column_name.into(),
            column_type,
            dist_key: false,
            primary_key: false,
            sort_key_index: -1,
            sub_columns_map: None,
            sub_columns: None,
            extra: Extra::new(),
        }
    }

    /// Sets `distKey`.
    pub fn dist_key(mut self, dist_key: bool) -> Self {
        self.dist_key = dist_key;
        self
    }

    /// Sets `primaryKey`.
    pub fn primary_key(mut self, primary_key: bool) -> Self {
        self.primary_key = primary_key;
        self
    }

    /// Sets `sortKeyIndex` (`-1`: not in the sort key).
    pub fn sort_key_index(mut self, index: i64) -> Self {
        self.sort_key_index = index;
        self
    }
}

/// A schema of the output warehouse (`GET schemas/`), and the body of
/// `POST schemas`.
///
/// Wire shape: `{"schemaName": "PUBLIC", "default": true}`.
///
/// ```
/// use alooma_types::Schema;
/// assert_eq!(serde_json::to_value(Schema::new("staging")).unwrap(),
///            serde_json::json!({"schemaName": "staging"}));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schema {
    /// The schema's name.
    #[serde(rename = "schemaName")]
    pub schema_name: String,
    /// Whether it is the output's default schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Schema {
    /// A schema called `schema_name` (what `create_schema` sends).
    pub fn new(schema_name: impl Into<String>) -> Self {
        Schema {
            schema_name: schema_name.into(),
            default: None,
            extra: Extra::new(),
        }
    }

    /// Whether this is the default schema (`false` when the key is absent).
    pub fn is_default(&self) -> bool {
        self.default.unwrap_or(false)
    }
}
