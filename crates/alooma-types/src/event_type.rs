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

crate::string_enum! {
    /// An event type's state (`"state"` on the wire).
    pub enum EventTypeState {
        /// Mapped: events load into the event type's table.
        Mapped => "MAPPED",
        /// Not mapped yet: events wait in the Restream Queue.
        NotMapped => "NOT_MAPPED",
        /// Discarded: events are dropped.
        Discarded => "DISCARDED",
    }
}

/// An event type with its mapping and fields.
///
/// Wire shape (`GET event-types/{name}`; the list omits `fields`):
/// `{"name", "mapping", "mappingMode", "fields", "state", "stats",
/// "origInputLabel", "autoMappingError", "usingDefaultMappingMode",
/// "consolidation", "schemaUrls"}`. Keys that are absent stay absent and
/// `null`s stay `null` when the event type is sent back.
///
/// ```
/// use alooma_types::{EventType, EventTypeState};
/// let json = r#"{"name":"clicks","mapping":{"isDiscarded":false,"tableName":"clicks"},
///                "mappingMode":"STRICT","fields":[],"state":"MAPPED",
///                "stats":{"count":12,"lastSeen":"2018-10-09T11:26:06.016Z"},"colour":"blue"}"#;
/// let et: EventType = serde_json::from_str(json).unwrap();
/// assert_eq!(et.name, "clicks");
/// assert_eq!(et.state, Some(EventTypeState::Mapped));
/// assert_eq!(et.stats().and_then(|s| s.count), Some(12));
/// assert_eq!(et.extra["colour"], "blue"); // unknown keys are kept
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
    /// `MAPPED`, `NOT_MAPPED`, `DISCARDED` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<EventTypeState>,
    /// How many events arrived and when the last one did; `Some(None)` is
    /// an explicit `null` (no events yet), `None` an absent key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub stats: Option<Option<EventTypeStats>>,
    /// The label of the input the event type came from.
    #[serde(
        rename = "origInputLabel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub orig_input_label: Option<String>,
    /// Why automatic mapping failed, if it did (`null` when it did not).
    #[serde(
        rename = "autoMappingError",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub auto_mapping_error: Option<Option<serde_json::Value>>,
    /// Whether the event type follows the system's default mapping mode.
    #[serde(
        rename = "usingDefaultMappingMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub using_default_mapping_mode: Option<bool>,
    /// Where the event type is consolidated, if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consolidation: Option<Consolidation>,
    /// Schema URLs (`[]` for most event types).
    #[serde(
        rename = "schemaUrls",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub schema_urls: Option<Vec<serde_json::Value>>,
    /// Everything else the server sent, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

// alooma-mapping's stats-skipping decoder (`decode.rs`, `EventTypeSeed`)
// reads these same keys: a key added here goes there too (its tests
// compare the two decoders).
crate::extra::deserialize_with_extra! {
    EventType {
    name: "name" [required],
    mapping: "mapping" [default],
    mapping_mode: "mappingMode" [default],
    fields: "fields" [default],
    state: "state" [default],
    stats: "stats" [nullable],
    orig_input_label: "origInputLabel" [default],
    auto_mapping_error: "autoMappingError" [nullable],
    using_default_mapping_mode: "usingDefaultMappingMode" [default],
    consolidation: "consolidation" [default],
    schema_urls: "schemaUrls" [default],
    }
}

/// An event type's counters (`"stats"` of an event type).
///
/// Wire shape: `{"count": 1234, "lastSeen": "2018-10-09T11:26:06.016Z"}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct EventTypeStats {
    /// How many events of this type arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// When the last one arrived (ISO 8601, as the server wrote it).
    #[serde(rename = "lastSeen", default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    EventTypeStats {
    count: "count" [default],
    last_seen: "lastSeen" [default],
    }
}

/// Where an event type is consolidated (`"consolidation"` of an event type).
///
/// Wire shape: `{"consolidatedSchema": null, "consolidatedTableName": null,
/// "viewSchema": null, "consolidationKeys": null}`; each key keeps `null`
/// apart from absent.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct Consolidation {
    /// The schema of the consolidated table.
    #[serde(
        rename = "consolidatedSchema",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub consolidated_schema: Option<Option<String>>,
    /// The consolidated table.
    #[serde(
        rename = "consolidatedTableName",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub consolidated_table_name: Option<Option<String>>,
    /// The schema of the consolidation view.
    #[serde(
        rename = "viewSchema",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub view_schema: Option<Option<String>>,
    /// The keys the consolidation deduplicates on.
    #[serde(
        rename = "consolidationKeys",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub consolidation_keys: Option<Option<serde_json::Value>>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    Consolidation {
    consolidated_schema: "consolidatedSchema" [nullable],
    consolidated_table_name: "consolidatedTableName" [nullable],
    view_schema: "viewSchema" [nullable],
    consolidation_keys: "consolidationKeys" [nullable],
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
            state: None,
            stats: None,
            orig_input_label: None,
            auto_mapping_error: None,
            using_default_mapping_mode: None,
            consolidation: None,
            schema_urls: None,
            extra: Extra::new(),
        }
    }

    /// The event type's counters, when the server sent some (not `null`).
    pub fn stats(&self) -> Option<&EventTypeStats> {
        self.stats.as_ref().and_then(Option::as_ref)
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
                ..EventTypeMapping::default()
            }),
            mapping_mode: Some(MappingMode::Strict),
            fields: Some(Vec::new()),
            ..EventType::new("")
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
    /// Whether the mapping is read-only.
    #[serde(rename = "readOnly", default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::extra::deserialize_with_extra! {
    EventTypeMapping {
    is_discarded: "isDiscarded" [default],
    table_name: "tableName" [default],
    schema: "schema" [default],
    read_only: "readOnly" [default],
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
    fn documented_keys_are_typed_and_round_trip() {
        let v = json!({
            "autoMappingError": null, "stats": {"count": 7, "lastSeen": "2018-10-09T11:26:06.016Z", "bytes": 9},
            "name": "MyEventType", "fields": [], "origInputLabel": "MyEventTYpe",
            "consolidation": {"consolidatedSchema": null, "consolidatedTableName": "t_c",
                              "viewSchema": null, "consolidationKeys": ["id"], "x": 1},
            "mapping": {"isDiscarded": true, "tableName": "", "readOnly": false, "schema": "public"},
            "state": "NOT_MAPPED", "usingDefaultMappingMode": true, "mappingMode": "STRICT",
            "schemaUrls": [], "colour": "blue"
        });
        let et: EventType = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(et.state, Some(EventTypeState::NotMapped));
        assert_eq!(et.stats().unwrap().count, Some(7));
        assert_eq!(et.stats().unwrap().extra["bytes"], 9);
        assert_eq!(et.orig_input_label.as_deref(), Some("MyEventTYpe"));
        assert_eq!(et.auto_mapping_error, Some(None));
        assert_eq!(et.using_default_mapping_mode, Some(true));
        let c = et.consolidation.as_ref().unwrap();
        assert_eq!(c.consolidated_schema, Some(None));
        assert_eq!(c.consolidated_table_name, Some(Some("t_c".into())));
        assert_eq!(c.consolidation_keys, Some(Some(json!(["id"]))));
        assert_eq!(et.mapping.as_ref().unwrap().read_only, Some(false));
        assert_eq!(et.extra.len(), 1, "only the unknown key is in extra");
        assert_eq!(serde_json::to_value(&et).unwrap(), v);
    }

    #[test]
    fn null_and_absent_stats_stay_apart() {
        let null: EventType = serde_json::from_str(r#"{"name":"a","stats":null}"#).unwrap();
        assert_eq!(null.stats, Some(None));
        assert!(null.stats().is_none());
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"name":"a","stats":null}"#
        );
        let absent: EventType = serde_json::from_str(r#"{"name":"a"}"#).unwrap();
        assert_eq!(absent.stats, None);
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"name":"a"}"#);
        let unknown_state: EventType =
            serde_json::from_str(r#"{"name":"a","state":"HALF_MAPPED"}"#).unwrap();
        assert_eq!(
            unknown_state.state,
            Some(EventTypeState::Other("HALF_MAPPED".into()))
        );
    }

    #[test]
    fn wrong_types_in_typed_keys_are_errors() {
        for bad in [
            r#"{"name":"a","stats":5}"#,
            r#"{"name":"a","stats":{"count":"many"}}"#,
            r#"{"name":"a","usingDefaultMappingMode":"yes"}"#,
            r#"{"name":"a","consolidation":{"viewSchema":3}}"#,
            r#"{"name":"a","state":"MAPPED","state":"MAPPED"}"#,
        ] {
            assert!(serde_json::from_str::<EventType>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_mapping_mode_is_kept() {
        let m: MappingMode = serde_json::from_str("\"SEMI_AUTO\"").unwrap();
        assert_eq!(m, MappingMode::Other("SEMI_AUTO".into()));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"SEMI_AUTO\"");
        assert_eq!(MappingMode::KNOWN.len(), 3);
        // Escaped (owned), borrowed and `Value` strings all decode; other
        // JSON types are errors naming the enum.
        let m: MappingMode = serde_json::from_str(r#""\u0053TRICT""#).unwrap();
        assert_eq!(m, MappingMode::Strict);
        let m: MappingMode = serde_json::from_value(json!("FLEXIBLE")).unwrap();
        assert_eq!(m, MappingMode::Flexible);
        let m: MappingMode = serde_json::from_value(json!("NEW")).unwrap();
        assert_eq!(m, MappingMode::Other("NEW".into()));
        let e = serde_json::from_str::<MappingMode>("7").unwrap_err();
        assert!(e.to_string().contains("a string (MappingMode)"), "{e}");
    }
}
