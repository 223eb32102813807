//! Tables and schemas of the output warehouse: [`Table`], [`Column`] and
//! [`Schema`].

use crate::{ColumnType, Extra, Lenient, Maybe};

/// A warehouse table (`GET tables`, `GET tables/{schema}`), and what
/// `create_table` / `alter_table` answer ("a dict representation of the
/// table", which has been `{}`).
///
/// Wire shape: `{"tableName", "schema", "columns": [...], "retention": null}`.
/// A shallow listing (`?shallow=true`) sends `"columns": []`. Every key is
/// optional and `null` stays apart from absent.
///
/// ```
/// use alooma_types::{Maybe, Table};
/// let t: Table = serde_json::from_str(
///     r#"{"retention":null,"tableName":"user","columns":[],"schema":"public"}"#).unwrap();
/// assert_eq!(t.name(), Some("user"));
/// assert_eq!(t.retention, Maybe::Null);
/// assert_eq!(serde_json::to_value(&t).unwrap()["retention"], serde_json::Value::Null);
/// let empty: Table = serde_json::from_str("{}").unwrap();
/// assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Table {
    /// The table's name.
    pub table_name: Maybe<String>,
    /// The schema the table is in.
    pub schema: Maybe<String>,
    /// The columns (empty in a shallow listing).
    pub columns: Maybe<Vec<Column>>,
    /// The retention setting (free-form, kept as JSON).
    pub retention: Maybe<serde_json::Value>,
    /// Everything else, kept verbatim.
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
            table_name: Maybe::Value(table_name.into()),
            schema: Maybe::Value(schema.into()),
            columns: Maybe::Value(columns),
            retention: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The table's name, when the answer has one.
    pub fn name(&self) -> Option<&str> {
        self.table_name.as_deref()
    }

    /// The columns (none when the answer had no `columns`).
    pub fn columns(&self) -> &[Column] {
        self.columns.get().map_or(&[], Vec::as_slice)
    }
}

/// A table column: what `create_table` and `alter_table` send, and what
/// `get_tables` answers inside each table.
///
/// Wire shape: `{"columnName", "columnType": {"type", "length"?, "nonNull"},
/// "distKey", "primaryKey", "sortKeyIndex"}`; the server also sends
/// `subColumnsMap` and `subColumns` (usually `null`). Every key is
/// optional; [`Column::new`] writes the five the reference documents.
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
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Column {
    /// The column's name.
    pub column_name: Maybe<String>,
    /// The column's type.
    pub column_type: Maybe<ColumnType>,
    /// Whether this is the distribution key.
    pub dist_key: Maybe<Lenient<bool>>,
    /// Whether this is (part of) the primary key.
    pub primary_key: Maybe<Lenient<bool>>,
    /// Position in the sort key, `-1` when not part of it.
    pub sort_key_index: Maybe<Lenient<i64>>,
    /// Sub-columns by name (free-form, kept as JSON).
    pub sub_columns_map: Maybe<serde_json::Value>,
    /// Sub-columns (free-form, kept as JSON).
    pub sub_columns: Maybe<serde_json::Value>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Column {
    /// A column that is neither a distribution, primary nor sort key.
    pub fn new(column_name: impl Into<String>, column_type: ColumnType) -> Self {
        Column {
            column_name: Maybe::Value(column_name.into()),
            column_type: Maybe::Value(column_type),
            dist_key: Maybe::Value(Lenient::new(false)),
            primary_key: Maybe::Value(Lenient::new(false)),
            sort_key_index: Maybe::Value(Lenient::new(-1)),
            sub_columns_map: Maybe::Absent,
            sub_columns: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The column's name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.column_name.as_deref()
    }

    /// Sets `distKey`.
    pub fn dist_key(mut self, dist_key: bool) -> Self {
        crate::column::set_lenient(&mut self.dist_key, dist_key);
        self
    }

    /// Sets `primaryKey`.
    pub fn primary_key(mut self, primary_key: bool) -> Self {
        crate::column::set_lenient(&mut self.primary_key, primary_key);
        self
    }

    /// Sets `sortKeyIndex` (`-1`: not in the sort key).
    pub fn sort_key_index(mut self, index: i64) -> Self {
        crate::column::set_lenient(&mut self.sort_key_index, index);
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
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Schema {
    /// The schema's name.
    pub schema_name: Maybe<String>,
    /// Whether it is the output's default schema.
    pub default: Maybe<Lenient<bool>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Schema {
    /// A schema called `schema_name` (what `create_schema` sends).
    pub fn new(schema_name: impl Into<String>) -> Self {
        Schema {
            schema_name: Maybe::Value(schema_name.into()),
            default: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The schema's name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.schema_name.as_deref()
    }

    /// Whether this is the default schema (`false` when absent or `null`).
    pub fn is_default(&self) -> bool {
        self.default.get().is_some_and(|d| *d.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sparse_tables_and_columns_round_trip() {
        for v in [
            json!({}),
            json!({"tableName": "t", "columns": [{"columnName": "c"}, {}], "retention": null}),
            json!({"columns": [{"columnName": "c", "columnType": {"type": "VARCHAR", "length": "64"},
                                "distKey": "false", "sortKeyIndex": "-1", "subColumns": null}]}),
        ] {
            let t: Table = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(serde_json::to_value(&t).unwrap(), v);
        }
    }
}
