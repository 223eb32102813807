//! Single edits by path: [`discard_field`], [`unmap_field`], [`map_field`],
//! and the field-level [`set_mapping_for_field`] / [`discard_mapping`].
//!
//! Every edit takes `&mut EventType`, changes it in place and returns no new
//! mapping. On error the event type is unchanged.

use crate::find::{locate_mut, not_found};
use crate::{find_field_mut, FieldPath, MappingError};
use alooma_types::{ColumnType, EventType, Field, FieldMapping, Lenient, Maybe};

/// Discards the field at `path`, in place.
///
/// Its mapping becomes `{...existing keys kept..., "isDiscarded": true,
/// "columnName": "", "columnType": null}` and, as a hand edit, loses its
/// `machineGenerated: true`; a `null` mapping becomes a new mapping first
/// (with the service's `machineGenerated: false` and `subFields: null`).
/// Discarding twice is the same as once.
///
/// ```
/// use alooma_mapping::discard_field;
/// use alooma_types::EventType;
/// let mut et: EventType = serde_json::from_str(r#"{"name":"e","fields":[
///     {"fieldName":"a","mapping":null,"fields":[
///         {"fieldName":"b","fields":[],"mapping":{"columnName":"a_b","isDiscarded":false,
///          "columnType":{"type":"INT","nonNull":false},"machineGenerated":true}}]}]}"#).unwrap();
/// discard_field(&mut et, &"a.b".parse().unwrap()).unwrap();
/// assert_eq!(
///     serde_json::to_value(&et.fields()[0].children()[0].mapping).unwrap(),
///     serde_json::json!({"columnName": "", "columnType": null, "isDiscarded": true,
///                        "machineGenerated": false})
/// );
/// ```
pub fn discard_field(event_type: &mut EventType, path: &FieldPath) -> Result<(), MappingError> {
    let field = find_field_mut(event_type, path, false)?;
    discard_mapping(field);
    Ok(())
}

/// Removes the field at `path` (at any depth) from its parent's `fields`, in
/// place, and returns the removed field.
///
/// ```
/// use alooma_mapping::{find_field, unmap_field};
/// use alooma_types::EventType;
/// let mut et: EventType = serde_json::from_str(r#"{"name":"e","fields":[
///     {"fieldName":"a","mapping":null,"fields":[
///         {"fieldName":"b","mapping":null,"fields":[
///             {"fieldName":"c","mapping":null,"fields":[]}]}]}]}"#).unwrap();
/// let path = "a.b.c".parse().unwrap();
/// let removed = unmap_field(&mut et, &path).unwrap();
/// assert_eq!(removed.field_name, "c");
/// assert!(find_field(&et, &path).is_err());
/// assert!(et.fields()[0].children()[0].children().is_empty());
/// ```
pub fn unmap_field(event_type: &mut EventType, path: &FieldPath) -> Result<Field, MappingError> {
    let Some(level) = event_type.fields.as_mut() else {
        return Err(not_found(path, 0));
    };
    let siblings = match path.parent() {
        None => level,
        Some(parent) => {
            let parent_field = locate_mut(level, &parent, false).map_err(|e| renamed(e, path))?;
            match parent_field.fields.as_mut() {
                Some(children) => children,
                None => return Err(not_found(path, path.len() - 1)),
            }
        }
    };
    match siblings.iter().position(|f| f.field_name == path.name()) {
        Some(index) => Ok(siblings.remove(index)),
        None => Err(not_found(path, path.len() - 1)),
    }
}

/// Maps the field at `path` to a column, in place, adding the field (and
/// every missing parent) first if needed. Returns the mapped field.
///
/// The mapping becomes `{"columnName", "columnType": {"type", "nonNull",
/// ...attributes}, "isDiscarded": false, "machineGenerated": false,
/// "subFields": null}`; see [`set_mapping_for_field`].
///
/// ```
/// use alooma_mapping::{find_field, map_field};
/// use alooma_types::{ColumnType, EventType};
/// let mut et = EventType::new("e");
/// let path = "user.name".parse().unwrap();
/// map_field(&mut et, &path, "user_name", ColumnType::new("VARCHAR").with_length(256)).unwrap();
/// assert_eq!(
///     serde_json::to_value(&find_field(&et, &path).unwrap().mapping).unwrap(),
///     serde_json::json!({"columnName": "user_name", "isDiscarded": false,
///                        "machineGenerated": false, "subFields": null,
///                        "columnType": {"type": "VARCHAR", "nonNull": false, "length": 256}})
/// );
/// ```
pub fn map_field<'a>(
    event_type: &'a mut EventType,
    path: &FieldPath,
    column_name: impl Into<String>,
    column_type: ColumnType,
) -> Result<&'a mut Field, MappingError> {
    let field = find_field_mut(event_type, path, true)?;
    set_mapping_for_field(field, column_name, column_type);
    Ok(field)
}

/// Sets one field's mapping to `{"columnName": column_name, "columnType":
/// column_type, "isDiscarded": false}`, in place.
///
/// Type attributes (`length`, `truncate`, `precision` …) travel inside
/// [`ColumnType`]. A field without a mapping gets a new one with the keys
/// the service writes on every mapping (`"machineGenerated": false,
/// "subFields": null`). An existing mapping keeps its other keys, and a
/// `machineGenerated: true` becomes `false`: the mapping is now set by hand.
/// Values keep their wire form (an `isDiscarded` read as `"true"` is
/// written `"false"`).
///
/// ```
/// use alooma_mapping::set_mapping_for_field;
/// use alooma_types::{ColumnType, Field};
/// let mut f = Field::new("price");
/// set_mapping_for_field(&mut f, "price", ColumnType::new("NUMERIC")
///     .with_non_null(true)
///     .with_attribute("precision", 12.into())
///     .with_attribute("scale", 2.into()));
/// assert_eq!(
///     serde_json::to_value(&f.mapping).unwrap(),
///     serde_json::json!({"columnName": "price", "isDiscarded": false, "columnType":
///         {"type": "NUMERIC", "nonNull": true, "precision": 12, "scale": 2},
///         "machineGenerated": false, "subFields": null})
/// );
/// ```
pub fn set_mapping_for_field(
    field: &mut Field,
    column_name: impl Into<String>,
    column_type: ColumnType,
) {
    let mapping = mapping_for_edit(field);
    mapping.column_name = Maybe::Value(column_name.into());
    mapping.column_type = Maybe::Value(column_type);
    set_flag(&mut mapping.is_discarded, false);
}

/// Discards one field's mapping, in place: `isDiscarded: true`,
/// `columnName: ""`, `columnType: null`, other keys kept, `machineGenerated`
/// cleared (a `null` mapping becomes a new mapping first, as in
/// [`set_mapping_for_field`]).
///
/// ```
/// use alooma_mapping::discard_mapping;
/// use alooma_types::Field;
/// let mut f = Field::new("x");
/// discard_mapping(&mut f);
/// assert_eq!(serde_json::to_value(&f.mapping).unwrap(),
///     serde_json::json!({"columnName": "", "columnType": null, "isDiscarded": true,
///                        "machineGenerated": false, "subFields": null}));
/// ```
pub fn discard_mapping(field: &mut Field) {
    let mapping = mapping_for_edit(field);
    set_flag(&mut mapping.is_discarded, true);
    mapping.column_name = Maybe::Value(String::new());
    mapping.column_type = Maybe::Null;
}

/// The field's mapping, about to be edited by hand: a new one (with the
/// service's defaults) when there is none; an existing one loses its
/// `machineGenerated: true`.
pub(crate) fn mapping_for_edit(field: &mut Field) -> &mut FieldMapping {
    if let Some(mapping) = field.mapping.as_mut() {
        mapping.mark_hand_made();
    }
    field.mapping.get_or_insert_with(FieldMapping::hand_made)
}

/// Sets a bool, keeping the form it was read in.
fn set_flag(slot: &mut Maybe<Lenient<bool>>, value: bool) {
    slot.set(value);
}

/// A not-found error on a parent path, reported against the full path.
fn renamed(error: MappingError, path: &FieldPath) -> MappingError {
    match error {
        MappingError::NotFound { matched, .. } => not_found(path, matched),
        other => other,
    }
}
