//! Event types and their mappings: [`EventType`], [`Field`], [`FieldMapping`],
//! [`EventTypeMapping`] and [`MappingMode`].
//!
//! An event type is both what `GET event-types/{name}` answers and what
//! `POST event-types/{name}/mapping` takes ("the mapping" in the reference
//! client's words). Fields nest: `a.b.c` is field `c` inside `b` inside the
//! top-level field `a`.

use crate::{ColumnType, Extra, Lenient, Maybe};
use serde::{Deserialize, Serialize};
use std::fmt;

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
/// "consolidation", "schemaUrls", "inputObjects"}`. Only `name` is
/// required; every other key may be absent or `null`, and is sent back the
/// way it came.
///
/// ```
/// use alooma_types::{EventType, EventTypeState, Maybe};
/// let json = r#"{"name":"clicks","mapping":{"isDiscarded":false,"tableName":"clicks"},
///                "mappingMode":"STRICT","fields":[],"state":"MAPPED",
///                "stats":{"count":12,"lastSeen":"2018-10-09T11:26:06.016Z"},"colour":"blue"}"#;
/// let et: EventType = serde_json::from_str(json).unwrap();
/// assert_eq!(et.name, "clicks");
/// assert_eq!(et.state, Maybe::Value(EventTypeState::Mapped));
/// assert_eq!(et.stats().and_then(|s| s.count()), Some(12));
/// assert_eq!(et.extra["colour"], "blue"); // unknown keys are kept
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EventType {
    /// The event type's name.
    pub name: String,
    /// Where the event type is loaded (table, schema, discarded or not).
    pub mapping: Maybe<EventTypeMapping>,
    /// The mapping mode of this event type.
    pub mapping_mode: Maybe<MappingMode>,
    /// The top-level fields. `GET event-types` (the list) omits them.
    pub fields: Maybe<Vec<Field>>,
    /// `MAPPED`, `NOT_MAPPED`, `DISCARDED` …
    pub state: Maybe<EventTypeState>,
    /// How many events arrived and when the last one did (`null`: none yet).
    pub stats: Maybe<EventTypeStats>,
    /// The label of the input the event type came from.
    pub orig_input_label: Maybe<String>,
    /// Why automatic mapping failed, if it did (`null` when it did not);
    /// free-form, kept as JSON.
    pub auto_mapping_error: Maybe<serde_json::Value>,
    /// Whether the event type follows the system's default mapping mode.
    pub using_default_mapping_mode: Maybe<Lenient<bool>>,
    /// Where the event type is consolidated, if it is.
    pub consolidation: Maybe<Consolidation>,
    /// Schema URLs (`[]` for most event types); kept as JSON.
    pub schema_urls: Maybe<Vec<serde_json::Value>>,
    /// The input objects (tables, collections, reports …) whose events
    /// make up this event type. Undocumented: its shape depends on the
    /// input, so it is kept as the JSON it is on the wire.
    pub input_objects: Maybe<serde_json::Value>,
    /// Everything else the server sent, kept verbatim.
    pub extra: Extra,
}

// alooma-mapping's stats-skipping decoder (`decode.rs`, `EventTypeSeed`)
// reads these same keys: a key added here goes there too (its tests
// compare the two decoders).
/// An event type's counters (`"stats"` of an event type).
///
/// Wire shape: `{"count": 1234, "lastSeen": "2018-10-09T11:26:06.016Z"}`.
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct EventTypeStats {
    /// How many events of this type arrived (a number or a numeric string).
    pub count: Maybe<Lenient<u64>>,
    /// When the last one arrived (ISO 8601, as the server wrote it).
    pub last_seen: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl EventTypeStats {
    /// The event count, when there is one.
    pub fn count(&self) -> Option<u64> {
        self.count.get().map(|c| *c.get())
    }
}

/// Where an event type is consolidated (`"consolidation"` of an event
/// type): the consolidated table on top of the event type's `_log` table.
///
/// Wire shape: `{"consolidatedSchema": null, "consolidatedTableName": null,
/// "viewSchema": null, "consolidationKeys": null}`; each key keeps `null`
/// apart from absent.
///
/// ```
/// use alooma_types::Consolidation;
/// let c = Consolidation::new("public", "orders", ["id"]);
/// assert_eq!(serde_json::to_value(&c).unwrap(), serde_json::json!({
///     "consolidatedSchema": "public", "consolidatedTableName": "orders",
///     "consolidationKeys": ["id"]}));
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Consolidation {
    /// The schema of the consolidated table.
    pub consolidated_schema: Maybe<String>,
    /// The consolidated table.
    pub consolidated_table_name: Maybe<String>,
    /// The schema of the consolidation view.
    pub view_schema: Maybe<String>,
    /// The columns the consolidation deduplicates on.
    pub consolidation_keys: Maybe<Vec<String>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Consolidation {
    /// The consolidation keys, when they are a list of names (`None` for
    /// another form, such as the string some tools write; see
    /// [`Maybe::mistyped`]).
    pub fn keys(&self) -> Option<&[String]> {
        self.consolidation_keys.get().map(Vec::as_slice)
    }

    /// Sets the consolidation keys.
    pub fn set_keys<I, S>(&mut self, keys: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.consolidation_keys = Maybe::Value(keys.into_iter().map(Into::into).collect());
    }

    /// A consolidation into `schema.table`, deduplicating on `keys`.
    pub fn new<I, S>(schema: impl Into<String>, table: impl Into<String>, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Consolidation {
            consolidated_schema: Maybe::Value(schema.into()),
            consolidated_table_name: Maybe::Value(table.into()),
            view_schema: Maybe::Absent,
            consolidation_keys: Maybe::Value(keys.into_iter().map(Into::into).collect()),
            extra: Extra::new(),
        }
    }
}

impl EventType {
    /// An event type with the given name, and no other key.
    pub fn new(name: impl Into<String>) -> Self {
        EventType {
            name: name.into(),
            mapping: Maybe::Absent,
            mapping_mode: Maybe::Absent,
            fields: Maybe::Absent,
            state: Maybe::Absent,
            stats: Maybe::Absent,
            orig_input_label: Maybe::Absent,
            auto_mapping_error: Maybe::Absent,
            using_default_mapping_mode: Maybe::Absent,
            consolidation: Maybe::Absent,
            schema_urls: Maybe::Absent,
            input_objects: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The same event type mapped to `mapping` (a table, or discarded).
    ///
    /// ```
    /// use alooma_types::{ColumnType, EventType, EventTypeMapping, Field, MappingMode};
    /// let et = EventType::new("orders")
    ///     .with_mapping(EventTypeMapping::table("public", "orders"))
    ///     .with_mode(MappingMode::Strict)
    ///     .with_field(Field::mapped("id", "id", ColumnType::new("BIGINT").with_non_null(true)))
    ///     .with_field(Field::new("customer").with_field(Field::mapped("email", "customer_email", ColumnType::new("VARCHAR").with_length(256))));
    /// assert_eq!(et.table_name(), Some("orders"));
    /// assert_eq!(et.fields().len(), 2);
    /// assert_eq!(et.fields()[1].children()[0].field_mapping().unwrap().column_name.get().unwrap(), "customer_email");
    /// ```
    pub fn with_mapping(mut self, mapping: EventTypeMapping) -> Self {
        self.mapping = Maybe::Value(mapping);
        self
    }

    /// The same event type with its own mapping mode.
    pub fn with_mode(mut self, mode: MappingMode) -> Self {
        self.mapping_mode = Maybe::Value(mode);
        self
    }

    /// The same event type with one more top-level field.
    pub fn with_field(mut self, field: Field) -> Self {
        self.fields_mut().push(field);
        self
    }

    /// The event type's counters, when the server sent some (not `null`).
    pub fn stats(&self) -> Option<&EventTypeStats> {
        self.stats.get()
    }

    /// The top-level fields (empty when the server sent none).
    pub fn fields(&self) -> &[Field] {
        self.fields.get().map_or(&[], Vec::as_slice)
    }

    /// The top-level fields, creating the list if the server sent none.
    pub fn fields_mut(&mut self) -> &mut Vec<Field> {
        self.fields.get_or_insert_with(Vec::new)
    }

    /// The event-type level mapping, created (empty) if there is none.
    pub fn mapping_mut(&mut self) -> &mut EventTypeMapping {
        self.mapping.get_or_insert_with(EventTypeMapping::default)
    }

    /// The table the events load into, when one is set.
    pub fn table_name(&self) -> Option<&str> {
        self.mapping.get().and_then(|m| m.table_name.as_deref())
    }

    /// Loads the events into `table` (in the current schema).
    ///
    /// ```
    /// use alooma_types::{EventType, MappingMode};
    /// let mut et = EventType::new("orders");
    /// et.set_table_name("orders_v2");
    /// et.set_schema("analytics");
    /// et.set_mapping_mode(MappingMode::Flexible);
    /// et.set_discarded(false);
    /// assert_eq!(et.table_name(), Some("orders_v2"));
    /// assert_eq!(et.schema(), Some("analytics"));
    /// assert!(!et.is_discarded());
    /// ```
    pub fn set_table_name(&mut self, table: impl Into<String>) {
        self.mapping_mut().table_name = Maybe::Value(table.into());
    }

    /// The schema the events load into, when one is set.
    pub fn schema(&self) -> Option<&str> {
        self.mapping.get().and_then(|m| m.schema.as_deref())
    }

    /// Loads the events into `schema`.
    pub fn set_schema(&mut self, schema: impl Into<String>) {
        self.mapping_mut().schema = Maybe::Value(schema.into());
    }

    /// Whether the whole event type is discarded.
    pub fn is_discarded(&self) -> bool {
        self.mapping.get().is_some_and(EventTypeMapping::discarded)
    }

    /// Discards the event type's events (or stops discarding them), keeping
    /// the wire form of the flag.
    pub fn set_discarded(&mut self, discarded: bool) {
        self.mapping_mut().is_discarded.set(discarded);
    }

    /// Sets the event type's own mapping mode (and, when the event type
    /// says it follows the account's default, says it no longer does).
    pub fn set_mapping_mode(&mut self, mode: MappingMode) {
        self.mapping_mode = Maybe::Value(mode);
        if self.using_default_mapping_mode.is_some() {
            self.using_default_mapping_mode.set(false);
        }
    }

    /// Consolidates the event type as `consolidation` says.
    pub fn set_consolidation(&mut self, consolidation: Consolidation) {
        self.consolidation = Maybe::Value(consolidation);
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
            mapping: Maybe::Value(EventTypeMapping {
                is_discarded: Maybe::Value(Lenient::new(true)),
                table_name: Maybe::Value(String::new()),
                ..EventTypeMapping::default()
            }),
            mapping_mode: Maybe::Value(MappingMode::Strict),
            fields: Maybe::Value(Vec::new()),
            ..EventType::new(name)
        }
    }
}

/// The event-type level mapping: which table the events load into.
///
/// Wire shape: `{"isDiscarded": false, "tableName": "t", "schema": "public",
/// "readOnly": false, "outputId": "…", "outputHint": …}`.
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct EventTypeMapping {
    /// Whether the whole event type is discarded.
    pub is_discarded: Maybe<Lenient<bool>>,
    /// The target table.
    pub table_name: Maybe<String>,
    /// The target schema.
    pub schema: Maybe<String>,
    /// Whether the mapping is read-only.
    pub read_only: Maybe<Lenient<bool>>,
    /// The id of the output node the events load into (a string id).
    pub output_id: Maybe<String>,
    /// A hint about the output (undocumented; kept as the JSON it is on
    /// the wire).
    pub output_hint: Maybe<serde_json::Value>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl EventTypeMapping {
    /// A mapping into `schema.table_name`, not discarded.
    pub fn table(schema: impl Into<String>, table_name: impl Into<String>) -> Self {
        EventTypeMapping {
            is_discarded: Maybe::Value(Lenient::new(false)),
            table_name: Maybe::Value(table_name.into()),
            schema: Maybe::Value(schema.into()),
            ..EventTypeMapping::default()
        }
    }

    /// Whether the event type is discarded (`false` when absent or `null`).
    pub fn discarded(&self) -> bool {
        self.is_discarded.get().is_some_and(|b| *b.get())
    }
}

/// One field of an event type, possibly with nested fields.
///
/// Wire shape: `{"fieldName": "a", "fields": [...], "mapping": null | {...}}`.
/// Only `fieldName` is required. The service sends `fields` and `mapping`
/// on every field (`[]` / `null` when empty), and [`Field::new`] does the
/// same; a field read without them is written back without them.
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Field {
    /// The field's name (one path segment; may itself contain a dot).
    pub field_name: String,
    /// Nested fields.
    pub fields: Maybe<Vec<Field>>,
    /// The field's column mapping (`null` when unmapped).
    pub mapping: Maybe<FieldMapping>,
    /// The field's counters, kept as the server wrote them (read-only:
    /// [`remove_stats`](https://docs.rs/alooma-mapping) drops them before
    /// a mapping is sent back).
    pub stats: Maybe<FieldStats>,
    /// Everything else (`fieldType` …), kept verbatim.
    pub extra: Extra,
}

/// A field's counters (`"stats"` of a field, such as `{"count": 1234,
/// "nullCount": 7}`), kept as the text the server wrote: one allocation
/// per field instead of a map, exact on the way back, and any JSON value
/// is accepted (the service's counters vary). Keys are read on demand;
/// `==` compares the values, not their spelling.
///
/// ```
/// use alooma_types::{Field, FieldStats};
/// let f: Field = serde_json::from_str(
///     r#"{"fieldName":"a","stats":{"count":"12","nullCount":3,"lastSeen":"2018-10-09"}}"#).unwrap();
/// let stats = f.stats.get().unwrap();
/// assert_eq!((stats.count(), stats.null_count()), (Some(12), Some(3)));
/// assert_eq!(stats.get("lastSeen"), Some(serde_json::json!("2018-10-09")));
/// assert_eq!(serde_json::to_string(&f).unwrap(),
///     r#"{"fieldName":"a","stats":{"count":"12","nullCount":3,"lastSeen":"2018-10-09"}}"#);
/// // Other serializers get the value.
/// assert_eq!(serde_json::to_value(&f).unwrap()["stats"]["nullCount"], 3);
/// ```
#[derive(Clone)]
pub struct FieldStats {
    raw: Box<serde_json::value::RawValue>,
}

impl FieldStats {
    /// Counters from a JSON value.
    pub fn from_value(value: &serde_json::Value) -> Self {
        let text = value.to_string();
        FieldStats {
            raw: serde_json::value::RawValue::from_string(text)
                .unwrap_or_else(|_| serde_json::value::RawValue::NULL.to_owned()),
        }
    }

    /// The counters as the server wrote them.
    pub fn as_json(&self) -> &str {
        self.raw.get()
    }

    /// The counters as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.raw.get()).unwrap_or(serde_json::Value::Null)
    }

    /// The value of `key`, when the counters are an object that has it.
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        use serde::Deserializer;
        if !self.raw.get().starts_with('{') {
            return None;
        }
        (&*self.raw)
            .deserialize_map(crate::configuration::FindKey(key))
            .ok()
            .flatten()
    }

    /// `count`: how many events had the field (a number or a numeric
    /// string).
    pub fn count(&self) -> Option<u64> {
        self.number("count")
    }

    /// `nullCount`: how many of them had it `null`.
    pub fn null_count(&self) -> Option<u64> {
        self.number("nullCount")
    }

    fn number(&self, key: &str) -> Option<u64> {
        match self.get(key)? {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl fmt::Debug for FieldStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldStats").field(&self.raw.get()).finish()
    }
}

impl PartialEq for FieldStats {
    fn eq(&self, other: &Self) -> bool {
        self.raw.get() == other.raw.get() || self.to_value() == other.to_value()
    }
}

impl Serialize for FieldStats {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::configuration::serialize_raw(&self.raw, s)
    }
}

impl<'de> Deserialize<'de> for FieldStats {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(FieldStats {
            raw: Box::<serde_json::value::RawValue>::deserialize(d)?,
        })
    }
}

impl Field {
    /// A new, unmapped field with no children: `{"fieldName": name, "fields": [], "mapping": null}`.
    pub fn new(field_name: impl Into<String>) -> Self {
        Field {
            field_name: field_name.into(),
            fields: Maybe::Value(Vec::new()),
            mapping: Maybe::Null,
            stats: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// A leaf field mapped to `column` of `column_type`.
    pub fn mapped(
        field_name: impl Into<String>,
        column: impl Into<String>,
        column_type: ColumnType,
    ) -> Self {
        let mut field = Field::new(field_name);
        field.mapping = Maybe::Value(FieldMapping::mapped(column, column_type));
        field
    }

    /// The same field with one more nested field.
    pub fn with_field(mut self, child: Field) -> Self {
        self.children_mut().push(child);
        self
    }

    /// The nested fields (empty when there are none).
    pub fn children(&self) -> &[Field] {
        self.fields.get().map_or(&[], Vec::as_slice)
    }

    /// The nested fields, creating the list if the field has none.
    pub fn children_mut(&mut self) -> &mut Vec<Field> {
        self.fields.get_or_insert_with(Vec::new)
    }

    /// The field's mapping, when it has one (not `null`).
    pub fn field_mapping(&self) -> Option<&FieldMapping> {
        self.mapping.get()
    }
}

/// How one field maps to a warehouse column.
///
/// Wire shape: `{"columnName": "c", "columnType": {...} | null,
/// "isDiscarded": false, "machineGenerated": false, "subFields": null}`.
/// The service writes `machineGenerated` (whether its auto-mapper made the
/// mapping) and `subFields` on every mapping; [`FieldMapping::mapped`]
/// writes them too, as a hand-made mapping.
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FieldMapping {
    /// The target column's name (`""` when discarded).
    pub column_name: Maybe<String>,
    /// The target column's type (`null` for a discarded field).
    pub column_type: Maybe<ColumnType>,
    /// Whether the field is discarded.
    pub is_discarded: Maybe<Lenient<bool>>,
    /// Whether the service's auto-mapper made this mapping (`false` for a
    /// mapping set by hand).
    pub machine_generated: Maybe<Lenient<bool>>,
    /// The sub-fields of a field mapped as a whole (`null` on most
    /// mappings). Undocumented; kept as the JSON it is on the wire.
    pub sub_fields: Maybe<serde_json::Value>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl FieldMapping {
    /// A hand-made mapping to `column_name` of type `column_type`, not
    /// discarded, with the keys the service writes on every mapping:
    /// `{"columnName", "columnType", "isDiscarded": false,
    /// "machineGenerated": false, "subFields": null}`.
    pub fn mapped(column_name: impl Into<String>, column_type: ColumnType) -> Self {
        FieldMapping {
            column_name: Maybe::Value(column_name.into()),
            column_type: Maybe::Value(column_type),
            is_discarded: Maybe::Value(Lenient::new(false)),
            ..FieldMapping::hand_made()
        }
    }

    /// A new mapping made by hand, with only the keys the service writes on
    /// every mapping: `{"machineGenerated": false, "subFields": null}` (the
    /// edit that creates it sets the rest).
    pub fn hand_made() -> Self {
        FieldMapping {
            machine_generated: Maybe::Value(Lenient::new(false)),
            sub_fields: Maybe::Null,
            ..FieldMapping::default()
        }
    }

    /// The column type, if one is set.
    pub fn column_type(&self) -> Option<&ColumnType> {
        self.column_type.get()
    }

    /// The column type to change in place, created (without a type name)
    /// if there is none.
    pub fn column_type_mut(&mut self) -> &mut ColumnType {
        self.column_type.get_or_insert_with(ColumnType::empty)
    }

    /// Whether the field is discarded (`false` when absent or `null`).
    pub fn discarded(&self) -> bool {
        self.is_discarded.get().is_some_and(|b| *b.get())
    }

    /// Loads the field into `column`.
    pub fn set_column_name(&mut self, column: impl Into<String>) {
        self.column_name = Maybe::Value(column.into());
    }

    /// Discards the field (or stops discarding it), keeping the wire form.
    ///
    /// ```
    /// use alooma_types::{ColumnType, FieldMapping};
    /// let mut m = FieldMapping::mapped("a", ColumnType::new("INT"));
    /// m.set_discarded(true);
    /// m.set_column_name("b");
    /// assert!(m.discarded());
    /// assert_eq!(m.column_name.as_deref(), Some("b"));
    /// ```
    pub fn set_discarded(&mut self, discarded: bool) {
        self.is_discarded.set(discarded);
    }

    /// Whether the service's auto-mapper made this mapping.
    pub fn is_machine_generated(&self) -> bool {
        self.machine_generated.get().is_some_and(|b| *b.get())
    }

    /// Marks the mapping as set by hand: `machineGenerated` becomes `false`
    /// (in its wire form). A mapping without the key is left without it.
    pub fn mark_hand_made(&mut self) {
        if let Some(flag) = self.machine_generated.as_mut() {
            flag.set(false);
        }
    }
}

impl crate::Wire for FieldStats {
    /// Any JSON value but `null` is a field's stats.
    fn decode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        Ok(Maybe::from_nullable(Option::<FieldStats>::deserialize(d)?))
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
            "mapping": {"isDiscarded": false, "tableName": "orders", "schema": "public", "readOnly": false,
                        "outputId": "o1", "outputHint": null},
            "mappingMode": "FLEXIBLE",
            "stats": null,
            "inputObjects": {"in1": ["orders"]},
            "fields": [
                {"fieldName": "a", "stats": {"count": 3}, "mapping": null, "fields": [
                    {"fieldName": "b.c", "fields": [], "mapping": {
                        "columnName": "a_b", "isDiscarded": false, "machineGenerated": true, "subFields": null,
                        "columnType": {"type": "VARCHAR", "length": "256", "nonNull": true, "truncate": false, "x": 1}}},
                    {"fieldName": "d", "fields": [], "mapping": {"columnName": "", "isDiscarded": true, "columnType": null}},
                    {"fieldName": "e"}
                ]}
            ]
        });
        let et: EventType = serde_json::from_value(v.clone()).unwrap();
        let a = &et.fields()[0];
        assert_eq!(
            a.children()[1].mapping.get().unwrap().column_type,
            Maybe::Null
        );
        let bc = a.children()[0].field_mapping().unwrap();
        assert!(bc.is_machine_generated());
        assert_eq!(bc.column_type().unwrap().length(), Some(256));
        assert_eq!(a.children()[2].fields, Maybe::Absent);
        assert_eq!(et.mapping.get().unwrap().output_id.as_deref(), Some("o1"));
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
            "state": "NOT_MAPPED", "usingDefaultMappingMode": "true", "mappingMode": "STRICT",
            "schemaUrls": [], "colour": "blue"
        });
        let et: EventType = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(et.state, Maybe::Value(EventTypeState::NotMapped));
        assert_eq!(et.stats().unwrap().count(), Some(7));
        assert_eq!(et.stats().unwrap().extra["bytes"], 9);
        assert_eq!(et.orig_input_label.as_deref(), Some("MyEventTYpe"));
        assert_eq!(et.auto_mapping_error, Maybe::Null);
        assert_eq!(
            et.using_default_mapping_mode.get().map(|b| *b.get()),
            Some(true)
        );
        let c = et.consolidation.get().unwrap();
        assert_eq!(c.consolidated_schema, Maybe::Null);
        assert_eq!(c.consolidated_table_name.as_deref(), Some("t_c"));
        assert_eq!(c.consolidation_keys.get(), Some(&vec!["id".to_owned()]));
        assert!(et.mapping.get().unwrap().discarded());
        assert_eq!(et.extra.len(), 1, "only the unknown key is in extra");
        assert_eq!(serde_json::to_value(&et).unwrap(), v);
    }

    #[test]
    fn null_and_absent_stay_apart() {
        let null: EventType = serde_json::from_str(r#"{"name":"a","stats":null}"#).unwrap();
        assert_eq!(null.stats, Maybe::Null);
        assert!(null.stats().is_none());
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"name":"a","stats":null}"#
        );
        let absent: EventType = serde_json::from_str(r#"{"name":"a"}"#).unwrap();
        assert_eq!(absent.stats, Maybe::Absent);
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"name":"a"}"#);
        let unknown_state: EventType =
            serde_json::from_str(r#"{"name":"a","state":"HALF_MAPPED"}"#).unwrap();
        assert_eq!(
            unknown_state.state,
            Maybe::Value(EventTypeState::Other("HALF_MAPPED".into()))
        );
    }

    #[test]
    fn wrong_types_in_optional_keys_are_kept() {
        for (odd, path) in [
            (r#"{"name":"a","stats":5}"#, "stats"),
            (r#"{"name":"a","stats":{"count":"many"}}"#, "stats.count"),
            (
                r#"{"name":"a","usingDefaultMappingMode":"yes"}"#,
                "usingDefaultMappingMode",
            ),
            (
                r#"{"name":"a","consolidation":{"viewSchema":3}}"#,
                "consolidation.viewSchema",
            ),
            (
                r#"{"name":"a","consolidation":{"consolidationKeys":""}}"#,
                "consolidation.consolidationKeys",
            ),
            (
                r#"{"name":"a","consolidation":{"consolidationKeys":"ID"}}"#,
                "consolidation.consolidationKeys",
            ),
            (
                r#"{"name":"a","fields":[{"fieldName":"x","mapping":{"columnType":{"length":"long"}}}]}"#,
                "fields[0].mapping.columnType.length",
            ),
            (
                r#"{"name":"a","fields":[{"fieldName":"x"},7,{"fieldName":"y"}]}"#,
                "fields",
            ),
            (r#"{"name":"a","fields":{}}"#, "fields"),
        ] {
            let et: EventType = serde_json::from_str(odd).unwrap();
            assert_eq!(serde_json::to_string(&et).unwrap(), odd);
            let found = crate::mistyped_in(&et);
            assert_eq!(found.len(), 1, "{odd}");
            assert_eq!(found[0].path, path, "{odd}");
        }
    }

    #[test]
    fn required_keys_stay_errors() {
        for bad in [
            r#"{"name":"a","state":"MAPPED","state":"MAPPED"}"#,
            r#"{"mapping":{}}"#,
            r#"{"name":7}"#,
            r#"{"name":"a","fields":[{"fieldName":"x","fields":[{"mapping":null}]}]}"#,
            r#"{"name":"a","fields":[{"fieldName":5}]}"#,
        ] {
            assert!(serde_json::from_str::<EventType>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn new_mappings_carry_the_service_defaults() {
        let m = FieldMapping::mapped("c", ColumnType::new("INT"));
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({"columnName": "c", "columnType": {"type": "INT", "nonNull": false},
                   "isDiscarded": false, "machineGenerated": false, "subFields": null})
        );
        let mut auto: FieldMapping =
            serde_json::from_value(json!({"machineGenerated": "true"})).unwrap();
        auto.mark_hand_made();
        assert_eq!(
            serde_json::to_value(&auto).unwrap(),
            json!({"machineGenerated": "false"})
        );
        let mut bare = FieldMapping::default();
        bare.mark_hand_made();
        assert_eq!(serde_json::to_value(&bare).unwrap(), json!({}));
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
