//! [`remove_stats`]: strip every `stats` key, recursively (what the
//! reference client's `get_mapping` does before a mapping is edited).

use alooma_types::{ColumnType, EventType, Extra, Field, FieldMapping, Maybe};
use serde_json::Value;

/// Removes every `stats` key anywhere in the event type, in place: at the
/// event type, in every field at any depth, in field mappings, column types,
/// the event-type mapping, and inside any unknown value kept in their extra
/// maps.
///
/// ```
/// use alooma_mapping::remove_stats;
/// use alooma_types::EventType;
/// let mut et: EventType = serde_json::from_str(r#"{"name":"e","stats":null,"fields":[
///     {"fieldName":"a","mapping":null,"stats":{"count":3},"fields":[
///         {"fieldName":"b","mapping":null,"fields":[],"stats":{}}]}]}"#).unwrap();
/// remove_stats(&mut et);
/// assert!(!serde_json::to_string(&et).unwrap().contains("stats"));
/// ```
pub fn remove_stats(event_type: &mut EventType) {
    event_type.stats = Maybe::Absent;
    strip_extra(&mut event_type.extra);
    if let Some(mapping) = event_type.mapping.as_mut() {
        strip_extra(&mut mapping.extra);
        strip_maybe(&mut mapping.output_hint);
    }
    strip_maybe(&mut event_type.auto_mapping_error);
    strip_maybe(&mut event_type.input_objects);
    if let Some(consolidation) = event_type.consolidation.as_mut() {
        strip_extra(&mut consolidation.extra);
    }
    if let Some(urls) = event_type.schema_urls.as_mut() {
        urls.iter_mut().for_each(remove_stats_value);
    }
    if let Some(fields) = event_type.fields.as_mut() {
        strip_fields(fields);
    }
}

fn strip_maybe(value: &mut Maybe<Value>) {
    if let Some(v) = value.as_mut() {
        remove_stats_value(v);
    }
}

/// Removes every `stats` key of every object anywhere in a raw JSON value,
/// in place (for mappings kept as [`serde_json::Value`]).
///
/// ```
/// use alooma_mapping::remove_stats_value;
/// let mut v = serde_json::json!({"stats": 1, "fields": [{"stats": {"n": 2}, "x": [{"stats": 3}]}]});
/// remove_stats_value(&mut v);
/// assert_eq!(v, serde_json::json!({"fields": [{"x": [{}]}]}));
/// ```
pub fn remove_stats_value(value: &mut Value) {
    match value {
        Value::Object(map) => strip_map(map),
        Value::Array(items) => items.iter_mut().for_each(remove_stats_value),
        _ => {}
    }
}

pub(crate) fn strip_extra(extra: &mut Extra) {
    if let Some(map) = extra.as_map_mut() {
        strip_map(map);
    }
    extra.retain(|_, _| true);
}

fn strip_map(map: &mut serde_json::Map<String, Value>) {
    // `shift_remove` keeps the other keys in their order.
    map.shift_remove("stats");
    map.values_mut().for_each(remove_stats_value);
}

fn strip_fields(fields: &mut [Field]) {
    for field in fields {
        field.stats = Maybe::Absent;
        strip_extra(&mut field.extra);
        if let Some(mapping) = field.mapping.as_mut() {
            strip_mapping(mapping);
        }
        if let Some(children) = field.fields.as_mut() {
            strip_fields(children);
        }
    }
}

fn strip_mapping(mapping: &mut FieldMapping) {
    strip_extra(&mut mapping.extra);
    strip_maybe(&mut mapping.sub_fields);
    if let Some(column_type) = mapping.column_type.as_mut() {
        strip_column_type(column_type);
    }
}

fn strip_column_type(column_type: &mut ColumnType) {
    strip_extra(&mut column_type.extra);
}
