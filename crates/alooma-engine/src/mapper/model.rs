//! The Mapper's own models of an event type and its mapping, read from and
//! written to the service's JSON (`GET event-types/{name}`): what the
//! Mapper reasons about is typed, every other key is kept as it came.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How an event type's unmapped fields are handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MappingMode {
    /// An event with an unmapped field waits in the Restream Queue.
    #[default]
    Strict,
    /// Unmapped fields are dropped; mapped fields load.
    Flexible,
    /// New fields get a column of their own (name and type inferred).
    AutoMap,
}

impl MappingMode {
    /// The mode's wire name (`STRICT` …).
    pub fn as_str(self) -> &'static str {
        match self {
            MappingMode::Strict => "STRICT",
            MappingMode::Flexible => "FLEXIBLE",
            MappingMode::AutoMap => "AUTO_MAP",
        }
    }

    /// The mode of a wire name (`AUTO_MAP`; case-insensitive).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "STRICT" => Some(MappingMode::Strict),
            "FLEXIBLE" => Some(MappingMode::Flexible),
            "AUTO_MAP" | "AUTOMAP" => Some(MappingMode::AutoMap),
            _ => None,
        }
    }
}

/// An event type: its fields (the union of every field seen) and its
/// mapping (the table its events load into).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventType {
    /// The event type's name (`_metadata.event_type` of its events).
    pub name: String,
    /// Where its events load; `None`: not mapped to a table yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<TableMapping>,
    /// Its own mode; `None`: the account's default (`usingDefaultMappingMode`).
    #[serde(
        rename = "mappingMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mode: Option<MappingMode>,
    /// Its top-level fields.
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<Field>,
    /// Every other key, as it came.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// Where an event type's events load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableMapping {
    /// The whole event type is discarded: its events are dropped.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_discarded: bool,
    /// The warehouse schema (`None`: the output's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The table (`""` or `None`: none yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// Every other key, as it came.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A field of an event type: a key of its events, with its sub-fields
/// when its values are objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The key.
    pub field_name: String,
    /// Sub-fields (the keys of its object values).
    #[serde(default, deserialize_with = "null_as_default")]
    pub fields: Vec<Field>,
    /// Its column; `None`: unmapped.
    #[serde(default)]
    pub mapping: Option<FieldMapping>,
    /// What has been seen of it (counts per JSON kind, a few samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Value>,
    /// Every other key, as it came.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A field's column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMapping {
    /// The field is discarded: its values are dropped.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_discarded: bool,
    /// The column's name (`""` when discarded).
    #[serde(default, deserialize_with = "null_as_default")]
    pub column_name: String,
    /// The column's type (`None` when discarded).
    #[serde(default)]
    pub column_type: Option<ColumnType>,
    /// Set by auto-mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_generated: Option<bool>,
    /// Every other key, as it came.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A column's type, as mappings write it (numbers and flags sometimes as
/// text: both are read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnType {
    /// `VARCHAR`, `BIGINT`, `FLOAT`, `BOOLEAN`, `TIMESTAMP` …
    #[serde(rename = "type")]
    pub type_name: String,
    /// `NOT NULL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_null: Option<Value>,
    /// A character type's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<Value>,
    /// Whether an over-long value is cut (rather than refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate: Option<Value>,
    /// A numeric type's precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<Value>,
    /// A numeric type's scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Value>,
    /// Every other key, as it came.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `null` read as the type's default (`false`, `""`, `[]`), as the
/// service's own mappings write some keys.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A flag written as a bool or its text.
fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A whole number written as a number or its text.
fn whole(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

impl ColumnType {
    /// A type of this name and nothing else.
    pub fn new(type_name: impl Into<String>) -> Self {
        ColumnType {
            type_name: type_name.into(),
            ..ColumnType::default()
        }
    }

    /// `VARCHAR(length)`.
    pub fn varchar(length: u64) -> Self {
        ColumnType {
            length: Some(length.into()),
            truncate: Some(false.into()),
            ..ColumnType::new("VARCHAR")
        }
    }

    /// Whether the column is `NOT NULL`.
    pub fn is_non_null(&self) -> bool {
        flag(self.non_null.as_ref())
    }

    /// Whether over-long values are cut.
    pub fn truncates(&self) -> bool {
        flag(self.truncate.as_ref())
    }

    /// A character type's length.
    pub fn char_length(&self) -> Option<u64> {
        whole(self.length.as_ref())
    }

    /// The numeric scale.
    pub fn numeric_scale(&self) -> Option<u64> {
        whole(self.scale.as_ref())
    }
}

impl EventType {
    /// A new, unmapped event type.
    pub fn new(name: impl Into<String>) -> Self {
        EventType {
            name: name.into(),
            mapping: None,
            mode: None,
            fields: Vec::new(),
            rest: Map::new(),
        }
    }

    /// The event type's own mode: `None` when it has none, or says it
    /// follows the account's default (`usingDefaultMappingMode: true`).
    pub fn own_mode(&self) -> Option<MappingMode> {
        let follows_default = match self.rest.get("usingDefaultMappingMode") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        if follows_default {
            None
        } else {
            self.mode
        }
    }

    /// Whether the whole event type is discarded.
    pub fn is_discarded(&self) -> bool {
        self.mapping.as_ref().is_some_and(|m| m.is_discarded)
    }

    /// The table its events load into, when it has one.
    pub fn table(&self) -> Option<(Option<&str>, &str)> {
        let m = self.mapping.as_ref()?;
        let table = m.table_name.as_deref().filter(|t| !t.is_empty())?;
        Some((m.schema.as_deref().filter(|s| !s.is_empty()), table))
    }

    /// The field at `path` (`["customer", "email"]`).
    pub fn field(&self, path: &[String]) -> Option<&Field> {
        let (first, rest) = path.split_first()?;
        let mut field = self.fields.iter().find(|f| &f.field_name == first)?;
        for name in rest {
            field = field.fields.iter().find(|f| &f.field_name == name)?;
        }
        Some(field)
    }
}

impl Field {
    /// A new, unmapped field.
    pub fn new(name: impl Into<String>) -> Self {
        Field {
            field_name: name.into(),
            fields: Vec::new(),
            mapping: None,
            stats: None,
            rest: Map::new(),
        }
    }

    /// Whether the field is discarded.
    pub fn is_discarded(&self) -> bool {
        self.mapping.as_ref().is_some_and(|m| m.is_discarded)
    }

    /// Its column, when it is mapped to one.
    pub fn column(&self) -> Option<(&str, &ColumnType)> {
        let m = self.mapping.as_ref().filter(|m| !m.is_discarded)?;
        let ty = m.column_type.as_ref()?;
        (!m.column_name.is_empty()).then_some((m.column_name.as_str(), ty))
    }
}
