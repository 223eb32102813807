//! The emulator's own model of what it stores and what clients send.
//!
//! These serde structs are written here, independent of the SDK's
//! `alooma-types` on purpose: the emulator is the SDK's test double, and a
//! mistake in one model must be caught by the other, not shared. Each
//! record types what the emulator reasons about (ids, names, the nesting
//! of fields) and keeps every other key as it was sent, in its `rest`, so
//! a client reads back exactly what it stored.
//!
//! A body that does not fit its struct is a 400 naming the JSON path
//! (see `Req::body`); there are no hand-written shape checks.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A JSON object, kept as it is.
pub type Object = Map<String, Value>;

/// `null` read as the type's default (a list, an object).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A key that may be absent or `null`, told apart: `None` absent,
/// `Some(None)` null.
pub(crate) fn absent_or_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A node of the structure (`GET plumbing/`): an input, an output, or a
/// system node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its type (`S3`, `REDSHIFT`, `TRANSFORMER` …).
    #[serde(rename = "type")]
    pub node_type: String,
    /// `INPUT`, `OUTPUT` or `PROCESSOR`.
    pub category: String,
    /// Whether it was deleted.
    #[serde(default)]
    pub deleted: bool,
    /// Its counters (`latency`, `throughput`, `availbleForRestream` …).
    #[serde(default, deserialize_with = "null_as_default")]
    pub stats: Object,
    /// Its configuration, as the client set it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub configuration: Object,
    /// Its state (`null`, or an object).
    #[serde(default)]
    pub state: Value,
    /// Every other key, as sent.
    #[serde(flatten)]
    pub rest: Object,
}

impl Node {
    /// A system node with the usual counters.
    pub(crate) fn system(id: String, name: &str, node_type: &str, category: &str) -> Self {
        let mut node = Node {
            id,
            name: name.to_owned(),
            node_type: node_type.to_owned(),
            category: category.to_owned(),
            deleted: false,
            stats: Object::new(),
            configuration: Object::new(),
            state: Value::Null,
            rest: Object::new(),
        };
        node.fill_stats();
        node
    }

    /// Gives the node the counters every node has (and a restream node
    /// its queue size).
    pub(crate) fn fill_stats(&mut self) {
        self.stats.entry("latency").or_insert(Value::from(0));
        self.stats.entry("throughput").or_insert(Value::from(0.0));
        if self.node_type == "RESTREAM" {
            self.stats
                .entry("availbleForRestream")
                .or_insert(Value::from(0));
        }
    }

    /// Whether the node is an input a user created (not Restream, not an
    /// agent).
    pub fn is_user_input(&self) -> bool {
        self.category == "INPUT" && self.node_type != "RESTREAM" && self.node_type != "AGENT"
    }

    /// Whether the node is an output (a warehouse).
    pub fn is_output(&self) -> bool {
        self.category == "OUTPUT"
    }
}

/// An event type with its mapping and fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventType {
    /// Its name.
    pub name: String,
    /// Its fields, nested.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<Field>,
    /// Every other key (`mapping`, `mappingMode`, `state`, `stats` …), as sent.
    #[serde(flatten)]
    pub rest: Object,
}

/// One field of an event type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Field {
    /// Its name.
    #[serde(rename = "fieldName")]
    pub field_name: String,
    /// Its nested fields.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<Field>,
    /// Every other key (`mapping`, `stats` …), as sent.
    #[serde(flatten)]
    pub rest: Object,
}

impl Field {
    /// Every field under these, depth first, with its path of names.
    pub(crate) fn walk_mut(
        fields: &mut [Field],
        prefix: &str,
        f: &mut dyn FnMut(&str, &mut Field),
    ) {
        for field in fields {
            let path = if prefix.is_empty() {
                field.field_name.clone()
            } else {
                format!("{prefix}_{}", field.field_name)
            };
            f(&path, field);
            Field::walk_mut(&mut field.fields, &path, f);
        }
    }
}

/// The mapping modes the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum MappingMode {
    /// `AUTO_MAP`.
    AutoMap,
    /// `STRICT`.
    Strict,
    /// `FLEXIBLE`.
    Flexible,
}

/// A scheduled (consolidation) query, v2 shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Query {
    /// Its id.
    pub id: u64,
    /// Every other key, as stored.
    #[serde(flatten)]
    pub rest: Object,
}

/// A schema of the output warehouse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schema {
    /// Its name.
    #[serde(rename = "schemaName")]
    pub schema_name: String,
    /// Whether it is the default schema.
    #[serde(default)]
    pub default: bool,
    /// Every other key, as sent.
    #[serde(flatten)]
    pub rest: Object,
}

/// A sample event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sample {
    /// Its event type.
    #[serde(rename = "eventType", default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Its status code (`VALID`, `DROP` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Every other key (`sample` …), as stored.
    #[serde(flatten)]
    pub rest: Object,
}

/// One Code Engine module, as the API sends and answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Module {
    /// Its name (absent in a single-module body, whose name is the path's).
    #[serde(
        rename = "functionName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) function_name: Option<String>,
    /// Its code.
    pub(crate) code: String,
    /// Always `PYTHON`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) language: Option<Language>,
}

/// The Code Engine's one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum Language {
    /// `PYTHON`.
    Python,
}

/// One column of a table, as `POST`/`PUT tables/…` send it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Column {
    /// Its name.
    #[serde(rename = "columnName")]
    pub(crate) column_name: String,
    /// Its type.
    #[serde(rename = "columnType")]
    pub(crate) column_type: ColumnType,
    /// Every other key (`distKey`, `primaryKey` …), as sent.
    #[serde(flatten)]
    pub(crate) rest: Object,
}

/// A column's type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ColumnType {
    /// The SQL type.
    #[serde(rename = "type")]
    pub(crate) sql_type: String,
    /// Every other key (`length`, `nonNull` …), as sent.
    #[serde(flatten)]
    pub(crate) rest: Object,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn records_give_back_every_key_as_sent() {
        let raw = json!({"name": "e", "mappingMode": "STRICT", "x": {"y": [1, "2"]},
            "fields": [{"fieldName": "a", "fields": [], "mapping": null, "odd": "1024"}]});
        let et: EventType = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&et).unwrap(), raw);
        let node = json!({"id": "1", "name": "n", "type": "S3", "category": "INPUT",
            "deleted": false, "stats": {}, "configuration": {"a": "b"}, "state": null, "extra": 1});
        let n: Node = serde_json::from_value(node.clone()).unwrap();
        assert_eq!(serde_json::to_value(&n).unwrap(), node);
    }
}
