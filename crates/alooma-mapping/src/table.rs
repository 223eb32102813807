//! Event-type level edits real tools made by hand: the target table
//! ([`set_table`]), the consolidation on top of it ([`set_consolidation`],
//! [`use_log_table`]), and a copy under another event type's name
//! ([`copy_mapping`]).

use alooma_types::{Consolidation, EventType, Lenient, Maybe};

/// The suffix of the table Alooma loads raw events into when a
/// consolidation keeps the deduplicated table.
pub const LOG_SUFFIX: &str = "_log";

/// Loads the event type into `schema.table` (and un-discards it), in place,
/// keeping the mapping's other keys and their wire forms.
///
/// ```
/// use alooma_mapping::set_table;
/// use alooma_types::EventType;
/// let mut et = EventType::discarded("orders");
/// set_table(&mut et, "public", "orders");
/// assert_eq!(serde_json::to_value(&et.mapping).unwrap(),
///     serde_json::json!({"isDiscarded": false, "tableName": "orders", "schema": "public"}));
/// ```
pub fn set_table(event_type: &mut EventType, schema: &str, table: &str) {
    let mapping = event_type.mapping_mut();
    mapping.table_name = Maybe::Value(table.to_owned());
    mapping.schema = Maybe::Value(schema.to_owned());
    match mapping.is_discarded.as_mut() {
        Some(flag) => flag.set(false),
        None => mapping.is_discarded = Maybe::Value(Lenient::new(false)),
    }
}

/// Sets the event type's consolidation, in place: the deduplicated table
/// `schema.table`, keyed on `keys`. Keys of an existing consolidation that
/// this SDK does not model are kept (and `viewSchema`, if set).
///
/// ```
/// use alooma_mapping::set_consolidation;
/// use alooma_types::EventType;
/// let mut et = EventType::new("orders");
/// set_consolidation(&mut et, "public", "orders", ["id"]);
/// assert_eq!(serde_json::to_value(&et.consolidation).unwrap(), serde_json::json!({
///     "consolidatedSchema": "public", "consolidatedTableName": "orders",
///     "consolidationKeys": ["id"]}));
/// ```
pub fn set_consolidation<I, S>(event_type: &mut EventType, schema: &str, table: &str, keys: I)
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let fresh = Consolidation::new(schema, table, keys);
    match event_type.consolidation.as_mut() {
        Some(c) => {
            c.consolidated_schema = fresh.consolidated_schema;
            c.consolidated_table_name = fresh.consolidated_table_name;
            c.consolidation_keys = fresh.consolidation_keys;
        }
        None => event_type.consolidation = Maybe::Value(fresh),
    }
}

/// Switches the event type to its `_log` table with a consolidation on top,
/// as the UI's "consolidate" did: events load into `schema.<table>_log`
/// and are deduplicated on `keys` into `schema.<table>`. `table` is the
/// event type's current table without a `_log` suffix (or its name when it
/// has none). Doing it twice is the same as once.
///
/// ```
/// use alooma_mapping::{set_table, use_log_table};
/// use alooma_types::EventType;
/// let mut et = EventType::new("orders");
/// set_table(&mut et, "public", "orders");
/// use_log_table(&mut et, "public", ["id"]);
/// use_log_table(&mut et, "public", ["id"]);
/// assert_eq!(et.table_name(), Some("orders_log"));
/// let c = et.consolidation.get().unwrap();
/// assert_eq!(c.consolidated_table_name.as_deref(), Some("orders"));
/// ```
pub fn use_log_table<I, S>(event_type: &mut EventType, schema: &str, keys: I)
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let base = event_type
        .table_name()
        .filter(|t| !t.is_empty())
        .unwrap_or(&event_type.name);
    let base = base.strip_suffix(LOG_SUFFIX).unwrap_or(base).to_owned();
    set_table(event_type, schema, &format!("{base}{LOG_SUFFIX}"));
    set_consolidation(event_type, schema, &base, keys);
}

/// A copy of the mapping for another event type, `new_name`: the body
/// `set_mapping(copy, new_name)` must send, whose `name` is the target's.
/// Read-only, server-computed keys (`stats`, `state`, `origInputLabel`,
/// `autoMappingError`, `usingDefaultMappingMode`, `inputObjects`) describe
/// the source event type, so they are left out; everything else is kept.
///
/// ```
/// use alooma_mapping::copy_mapping;
/// use alooma_types::EventType;
/// let source: EventType = serde_json::from_str(r#"{"name":"orders","state":"MAPPED",
///     "mapping":{"tableName":"orders","schema":"public"},"fields":[],"colour":"blue"}"#).unwrap();
/// let copy = copy_mapping(&source, "orders_eu");
/// assert_eq!(serde_json::to_value(&copy).unwrap(), serde_json::json!({"name": "orders_eu",
///     "mapping": {"tableName": "orders", "schema": "public"}, "fields": [], "colour": "blue"}));
/// ```
pub fn copy_mapping(source: &EventType, new_name: &str) -> EventType {
    let mut copy = source.clone();
    copy.name = new_name.to_owned();
    copy.stats = Maybe::Absent;
    copy.state = Maybe::Absent;
    copy.orig_input_label = Maybe::Absent;
    copy.auto_mapping_error = Maybe::Absent;
    copy.using_default_mapping_mode = Maybe::Absent;
    copy.input_objects = Maybe::Absent;
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_table_keeps_the_wire_form_and_other_keys() {
        let mut et: EventType = serde_json::from_value(json!({"name": "e",
            "mapping": {"isDiscarded": "true", "tableName": "", "readOnly": false, "outputId": "o"}}))
        .unwrap();
        set_table(&mut et, "s", "t");
        assert_eq!(
            serde_json::to_value(&et.mapping).unwrap(),
            json!({"isDiscarded": "false", "tableName": "t", "schema": "s", "readOnly": false, "outputId": "o"})
        );
    }

    #[test]
    fn log_table_from_a_name_without_a_table() {
        let mut et = EventType::new("clicks");
        use_log_table(&mut et, "analytics", ["id", "ts"]);
        assert_eq!(et.table_name(), Some("clicks_log"));
        assert_eq!(
            serde_json::to_value(&et.consolidation).unwrap(),
            json!({"consolidatedSchema": "analytics", "consolidatedTableName": "clicks",
                   "consolidationKeys": ["id", "ts"]})
        );
    }

    #[test]
    fn consolidation_keeps_unknown_keys() {
        let mut et: EventType = serde_json::from_value(json!({"name": "e",
            "consolidation": {"viewSchema": "v", "consolidatedSchema": null, "x": 1}}))
        .unwrap();
        set_consolidation(&mut et, "s", "t", ["k"]);
        assert_eq!(
            serde_json::to_value(&et.consolidation).unwrap(),
            json!({"viewSchema": "v", "consolidatedSchema": "s", "consolidatedTableName": "t",
                   "consolidationKeys": ["k"], "x": 1})
        );
    }
}
