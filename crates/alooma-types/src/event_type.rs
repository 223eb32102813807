//! Event types and their mappings: [`EventType`], [`Field`], [`FieldMapping`],
//! [`EventTypeMapping`] and [`MappingMode`].
//!
//! An event type is both what `GET event-types/{name}` answers and what
//! `POST event-types/{name}/mapping` takes ("the mapping" in the reference
//! client's words). Fields nest: `a.b.c` is field `c` inside `b` inside the
//! top-level field `a`.

use crate::{ColumnType, Extra};
use serde::Serialize;

crate::string_enum! {
    /// How new fields of an event type are mapped (`GET mapping-mode`).
    pub enum MappingMode {
        /// Map new fields automatically.
        AutoMap => "AUTO_MAP",
        /// New fields are not mapped; events with unmapped fields go to the Restream Queue.
        Strict => "STRICT",
        /// New fields are not mapped; events are loaded without them.
        Flexible => "FLEXIBLE",
    }
}

/// An event type with its mapping and fields.
///
/// ```
/// use alooma_types::EventType;
/// let json = r#"{"name":"clicks","mapping":{"isDiscarded":false,"tableName":"clicks"},
///                "mappingMode":"STRICT","fields":[],"state":"MAPPED"}"#;
/// let et: EventType = serde_json::from_str(json).unwrap();
/// assert_eq!(et.name, "clicks");
/// assert_eq!(et.extra["state"], "MAPPED"); // unknown keys are kept
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventType {
    /// The event type's name.
    pub name: String,
    /// Where the event type is loaded (table, schema, discarded or not).
    /// The event-type list omits it for some types; `None` means absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<EventTypeMapping>,
    /// The mapping mode of this event type.
    #[serde(
        rename = "mappingMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub mapping_mode: Option<MappingMode>,
    /// The top-level fields. `GET event-types` (the list) omits them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<Field>>,
    /// Everything else the server sent (`state`, `stats`, `consolidation`,
    /// `origInputLabel` …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    EventType {
    name: "name" [required],
    mapping: "mapping" [default],
    mapping_mode: "mappingMode" [default],
    fields: "fields" [default],
    }
}

impl EventType {
    /// An event type with the given name, no fields and no mapping.
    pub fn new(name: impl Into<String>) -> Self {
        EventType {
            name: name.into(),
            mapping: None,
            mapping_mode: None,
            fields: None,
            extra: Extra::new(),
        }
    }

    /// The top-level fields (empty when the server sent none).
    pub fn fields(&self) -> &[Field] {
        self.fields.as_deref().unwrap_or(&[])
    }

    /// The top-level fields, creating the list if the server sent none.
    pub fn fields_mut(&mut self) -> &mut Vec<Field> {
        self.fields.get_or_insert_with(Vec::new)
    }
}

impl EventType {
    /// The body `discard_event_type` sends: the event type `name`, discarded,
    /// with no fields, in STRICT mode:
    /// `{"name": name, "mapping": {"isDiscarded": true, "tableName": ""}, "fields": [], "mappingMode": "STRICT"}`.
    ///
    /// ```
    /// use alooma_types::EventType;
    /// let v = serde_json::to_value(EventType::discarded("clicks")).unwrap();
    /// assert_eq!(v, serde_json::json!({"name": "clicks",
    ///     "mapping": {"isDiscarded": true, "tableName": ""},
    ///     "fields": [], "mappingMode": "STRICT"}));
    /// ```
    pub fn discarded(name: impl Into<String>) -> Self {
        EventType {
            name: name.into(),
            mapping: Some(EventTypeMapping {
                is_discarded: Some(true),
                table_name: Some(String::new()),
                schema: None,
                extra: Extra::new(),
            }),
            mapping_mode: Some(MappingMode::Strict),
            fields: Some(Vec::new()),
            extra: Extra::new(),
        }
    }
}

/// The event-type level mapping: which table the events load into.
///
/// Wire shape: `{"isDiscarded": false, "tableName": "t", "schema": "public", "readOnly": false}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct EventTypeMapping {
    /// Whether the whole event type is discarded.
    #[serde(
        rename = "isDiscarded",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_discarded: Option<bool>,
    /// The target table.
    #[serde(rename = "tableName", default, skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    /// The target schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Everything else (`readOnly` …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    EventTypeMapping {
    is_discarded: "isDiscarded" [default],
    table_name: "tableName" [default],
    schema: "schema" [default],
    }
}

/// One field of an event type, possibly with nested fields.
///
/// Wire shape: `{"fieldName": "a", "fields": [...], "mapping": null | {...}}`.
/// `fields` and `mapping` are always sent (`[]` / `null` when empty), as the
/// service and the reference client do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Field {
    /// The field's name (one path segment; may itself contain a dot).
    #[serde(rename = "fieldName")]
    pub field_name: String,
    /// Nested fields.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// The field's column mapping, `None` (JSON `null`) when unmapped.
    #[serde(default)]
    pub mapping: Option<FieldMapping>,
    /// Everything else (`stats`, `fieldType` …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    Field {
    field_name: "fieldName" [required],
    fields: "fields" [default],
    mapping: "mapping" [default],
    }
}

impl Field {
    /// A new, unmapped field with no children: `{"fieldName": name, "fields": [], "mapping": null}`.
    pub fn new(field_name: impl Into<String>) -> Self {
        Field {
            field_name: field_name.into(),
            fields: Vec::new(),
            mapping: None,
            extra: Extra::new(),
        }
    }
}

/// How one field maps to a warehouse column.
///
/// Wire shape: `{"columnName": "c", "columnType": {...} | null, "isDiscarded": false}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct FieldMapping {
    /// The target column's name (`""` when discarded).
    #[serde(
        rename = "columnName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub column_name: Option<String>,
    /// The target column's type; `Some(None)` is an explicit `null`
    /// (a discarded field), `None` means the key is absent.
    #[serde(
        rename = "columnType",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub column_type: Option<Option<ColumnType>>,
    /// Whether the field is discarded.
    #[serde(
        rename = "isDiscarded",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub is_discarded: Option<bool>,
    /// Everything else (`subFields`, `machineGenerated` …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    FieldMapping {
    column_name: "columnName" [default],
    column_type: "columnType" [nullable],
    is_discarded: "isDiscarded" [default],
    }
}

impl FieldMapping {
    /// A mapping to `column_name` of type `column_type`, not discarded.
    pub fn mapped(column_name: impl Into<String>, column_type: ColumnType) -> Self {
        FieldMapping {
            column_name: Some(column_name.into()),
            column_type: Some(Some(column_type)),
            is_discarded: Some(false),
            extra: Extra::new(),
        }
    }

    /// The column type, if one is set.
    pub fn column_type(&self) -> Option<&ColumnType> {
        self.column_type.as_ref().and_then(Option::as_ref)
    }

    /// Whether the field is discarded (`false` when the key is absent).
    pub fn discarded(&self) -> bool {
        self.is_discarded.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_fields_round_trip_exactly() {
        let v = json!({
            "name": "orders",
            "mapping": {"isDiscarded": false, "tableName": "orders", "schema": "public", "readOnly": false},
            "mappingMode": "FLEXIBLE",
            "stats": null,
            "fields": [
                {"fieldName": "a", "stats": {"count": 3}, "mapping": null, "fields": [
                    {"fieldName": "b.c", "fields": [], "mapping": {
                        "columnName": "a_b", "isDiscarded": false, "machineGenerated": true,
                        "columnType": {"type": "VARCHAR", "length": 256, "nonNull": true, "truncate": false, "x": 1}}},
                    {"fieldName": "d", "fields": [], "mapping": {"columnName": "", "isDiscarded": true, "columnType": null}}
                ]}
            ]
        });
        let et: EventType = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(
            et.fields()[0].fields[1]
                .mapping
                .as_ref()
                .unwrap()
                .column_type,
            Some(None)
        );
        assert_eq!(serde_json::to_value(&et).unwrap(), v);
    }

    #[test]
    fn unknown_mapping_mode_is_kept() {
        let m: MappingMode = serde_json::from_str("\"SEMI_AUTO\"").unwrap();
        assert_eq!(m, MappingMode::Other("SEMI_AUTO".into()));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"SEMI_AUTO\"");
        assert_eq!(MappingMode::KNOWN.len(), 3);
    }
}
