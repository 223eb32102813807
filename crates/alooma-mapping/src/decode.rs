//! Fast decoding of large mappings: [`from_str`] and
//! [`from_str_without_stats`].
//!
//! [`from_str`] and [`from_slice`] are `serde_json` into [`EventType`], whose
//! `Deserialize` (in `alooma-types`) already decodes in one streaming pass.
//! [`from_str_without_stats`] adds what only an editor needs: it skips every
//! `stats` value while parsing, so a mapping of tens of megabytes never holds
//! them in memory. It equals `from_str` followed by
//! [`remove_stats`](crate::remove_stats), with the same errors for missing or
//! duplicate known keys.

use alooma_types::{ColumnType, EventType, EventTypeStats, Extra, Field, FieldMapping};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Decodes an event type (with its fields) from JSON text.
///
/// The same as `serde_json::from_str::<EventType>`.
///
/// ```
/// let json = r#"{"name":"e","stats":{"n":1},"fields":[{"fieldName":"a","fields":[],"mapping":null}]}"#;
/// let fast = alooma_mapping::decode::from_str(json).unwrap();
/// let slow: alooma_types::EventType = serde_json::from_str(json).unwrap();
/// assert_eq!(fast, slow);
/// ```
pub fn from_str(json: &str) -> Result<EventType, serde_json::Error> {
    serde_json::from_str(json)
}

/// Like [`from_str`], then [`remove_stats`](crate::remove_stats), in one
/// pass: `stats` values are skipped by the parser and never stored.
///
/// ```
/// let json = r#"{"name":"e","stats":{"n":1},"fields":[
///     {"fieldName":"a","fields":[],"mapping":null,"stats":{"count":3}}]}"#;
/// let et = alooma_mapping::decode::from_str_without_stats(json).unwrap();
/// let mut expected = alooma_mapping::decode::from_str(json).unwrap();
/// alooma_mapping::remove_stats(&mut expected);
/// assert_eq!(et, expected);
/// ```
pub fn from_str_without_stats(json: &str) -> Result<EventType, serde_json::Error> {
    decode(serde_json::Deserializer::from_str(json))
}

/// [`from_str`] on bytes.
pub fn from_slice(json: &[u8]) -> Result<EventType, serde_json::Error> {
    serde_json::from_slice(json)
}

/// [`from_str_without_stats`] on bytes.
pub fn from_slice_without_stats(json: &[u8]) -> Result<EventType, serde_json::Error> {
    decode(serde_json::Deserializer::from_slice(json))
}

fn decode<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<EventType, serde_json::Error> {
    let et = EventTypeSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(et)
}

/// Reads the value of an unknown key into `extra`, or skips a `stats` value.
fn extra_entry<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Extra,
    key: String,
) -> Result<(), A::Error> {
    if key == "stats" {
        map.next_value::<IgnoredAny>()?;
    } else {
        let value = map.next_value_seed(ValueSeed)?;
        extra.insert(key, value);
    }
    Ok(())
}

fn once<T, E: de::Error>(slot: &mut Option<T>, name: &'static str, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(name));
    }
    *slot = Some(value);
    Ok(())
}

#[derive(Clone, Copy)]
struct EventTypeSeed;

impl<'de> DeserializeSeed<'de> for EventTypeSeed {
    type Value = EventType;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<EventType, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventTypeSeed {
    type Value = EventType;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event type object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventType, A::Error> {
        let mut name = None;
        let mut mapping = None;
        let mut mode = None;
        let mut fields: Option<Option<Vec<Field>>> = None;
        let mut auto_error: Option<Option<Value>> = None;
        // The other typed keys decode (and fail) exactly as in
        // `EventType`'s own `Deserialize`; `stats` is checked, then dropped.
        let mut state = None;
        let mut stats: Option<Option<EventTypeStats>> = None;
        let mut label = None;
        let mut default_mode = None;
        let mut consolidation = None;
        let mut urls = None;
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "name" => once(&mut name, "name", map.next_value::<String>()?)?,
                "mapping" => once(&mut mapping, "mapping", map.next_value()?)?,
                "mappingMode" => once(&mut mode, "mappingMode", map.next_value()?)?,
                "fields" => {
                    let f = map.next_value_seed(OptionSeed(FieldsSeed))?;
                    once(&mut fields, "fields", f)?
                }
                "state" => once(&mut state, "state", map.next_value()?)?,
                "stats" => once(&mut stats, "stats", map.next_value()?)?,
                "origInputLabel" => once(&mut label, "origInputLabel", map.next_value()?)?,
                "autoMappingError" => once(&mut auto_error, "autoMappingError", map.next_value()?)?,
                "usingDefaultMappingMode" => once(
                    &mut default_mode,
                    "usingDefaultMappingMode",
                    map.next_value()?,
                )?,
                "consolidation" => once(&mut consolidation, "consolidation", map.next_value()?)?,
                "schemaUrls" => once(&mut urls, "schemaUrls", map.next_value()?)?,
                _ => extra_entry(&mut map, &mut extra, key)?,
            }
        }
        let mut et = EventType::new(name.ok_or_else(|| de::Error::missing_field("name"))?);
        et.mapping = mapping.flatten();
        et.mapping_mode = mode.flatten();
        et.fields = fields.flatten();
        et.state = state.flatten();
        et.orig_input_label = label.flatten();
        et.auto_mapping_error = auto_error;
        et.using_default_mapping_mode = default_mode.flatten();
        et.consolidation = consolidation.flatten();
        et.schema_urls = urls.flatten();
        et.extra = extra;
        crate::stats::strip_event_type_level(&mut et);
        Ok(et)
    }
}

/// `null` → `None`, anything else through the inner seed.
struct OptionSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OptionSeed<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OptionSeed<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

#[derive(Clone, Copy)]
struct FieldsSeed;

impl<'de> DeserializeSeed<'de> for FieldsSeed {
    type Value = Vec<Field>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Field>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed {
    type Value = Vec<Field>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of fields")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Field>, A::Error> {
        let mut fields = Vec::new();
        while let Some(field) = seq.next_element_seed(FieldSeed)? {
            fields.push(field);
        }
        fields.shrink_to_fit();
        Ok(fields)
    }
}

#[derive(Clone, Copy)]
struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let mut name = None;
        let mut fields = None;
        let mut mapping: Option<Option<FieldMapping>> = None;
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "fieldName" => once(&mut name, "fieldName", map.next_value::<String>()?)?,
                "fields" => once(&mut fields, "fields", map.next_value_seed(FieldsSeed)?)?,
                "mapping" => once(
                    &mut mapping,
                    "mapping",
                    map.next_value_seed(OptionSeed(MappingSeed))?,
                )?,
                _ => extra_entry(&mut map, &mut extra, key)?,
            }
        }
        let mut field = Field::new(name.ok_or_else(|| de::Error::missing_field("fieldName"))?);
        field.fields = fields.unwrap_or_default();
        field.mapping = mapping.flatten();
        field.extra = extra;
        Ok(field)
    }
}

#[derive(Clone, Copy)]
struct MappingSeed;

impl<'de> DeserializeSeed<'de> for MappingSeed {
    type Value = FieldMapping;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FieldMapping, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for MappingSeed {
    type Value = FieldMapping;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field mapping object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldMapping, A::Error> {
        let mut m = FieldMapping::default();
        let mut seen = [false; 3];
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "columnName" => {
                    twice(&mut seen[0], "columnName")?;
                    m.column_name = map.next_value()?;
                }
                "columnType" => {
                    twice(&mut seen[1], "columnType")?;
                    m.column_type = Some(map.next_value_seed(OptionSeed(ColumnTypeSeed))?);
                }
                "isDiscarded" => {
                    twice(&mut seen[2], "isDiscarded")?;
                    m.is_discarded = map.next_value()?;
                }
                _ => extra_entry(&mut map, &mut m.extra, key)?,
            }
        }
        Ok(m)
    }
}

fn twice<E: de::Error>(seen: &mut bool, name: &'static str) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct ColumnTypeSeed;

impl<'de> DeserializeSeed<'de> for ColumnTypeSeed {
    type Value = ColumnType;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ColumnType, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ColumnTypeSeed {
    type Value = ColumnType;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a column type object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnType, A::Error> {
        let mut type_name = None;
        let mut non_null = None;
        let mut length = None;
        let mut truncate = None;
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => once(&mut type_name, "type", map.next_value::<String>()?)?,
                "nonNull" => once(&mut non_null, "nonNull", map.next_value::<bool>()?)?,
                "length" => once(&mut length, "length", map.next_value::<Option<u64>>()?)?,
                "truncate" => once(&mut truncate, "truncate", map.next_value::<Option<bool>>()?)?,
                _ => extra_entry(&mut map, &mut extra, key)?,
            }
        }
        let mut t = ColumnType::new(type_name.ok_or_else(|| de::Error::missing_field("type"))?);
        t.non_null = non_null.unwrap_or(false);
        t.length = length.flatten();
        t.truncate = truncate.flatten();
        t.extra = extra;
        Ok(t)
    }
}

/// A JSON value with every `stats` key of every object left out.
struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            extra_entry(&mut map, &mut object, key)?;
        }
        Ok(Value::Object(object))
    }
}
