//! Looking fields up by path: [`find_field`], [`find_field_mut`] (with
//! `add_if_missing`) and [`add_field`].

use crate::{FieldPath, MappingError};
use alooma_types::{EventType, Field};

/// Finds the field at `path` (the reference client's `find_field_name`).
///
/// At each level the FIRST field with the segment's name is taken.
/// A missing field is [`MappingError::NotFound`], naming the path and how
/// many of its segments matched.
///
/// ```
/// use alooma_mapping::{find_field, FieldPath};
/// use alooma_types::EventType;
/// let et: EventType = serde_json::from_str(r#"{"name":"e","fields":[
///     {"fieldName":"a","mapping":null,"fields":[
///         {"fieldName":"b.c","mapping":null,"fields":[]}]}]}"#).unwrap();
/// let f = find_field(&et, &r"a.b\.c".parse().unwrap()).unwrap();
/// assert_eq!(f.field_name, "b.c");
/// assert!(find_field(&et, &"a.b".parse().unwrap()).is_err());
/// ```
pub fn find_field<'a>(
    event_type: &'a EventType,
    path: &FieldPath,
) -> Result<&'a Field, MappingError> {
    let mut level = event_type.fields();
    let mut found = None;
    for (depth, segment) in path.segments().iter().enumerate() {
        match level.iter().find(|f| f.field_name == *segment) {
            Some(field) => {
                level = field.children();
                found = Some(field);
            }
            None => return Err(not_found(path, depth)),
        }
    }
    found.ok_or_else(|| not_found(path, 0))
}

/// Finds the field at `path` for editing; with `add_if_missing`, creates
/// every missing level (`{"fieldName": name, "fields": [], "mapping": null}`),
/// at any depth (unlike the reference client, which forgets below the first
/// level).
///
/// Edits `event_type` in place (only when it adds fields).
///
/// ```
/// use alooma_mapping::{find_field, find_field_mut};
/// use alooma_types::EventType;
/// let mut et = EventType::new("e");
/// let path = "a.b.c".parse().unwrap();
/// assert!(find_field_mut(&mut et, &path, false).is_err());
/// find_field_mut(&mut et, &path, true).unwrap();
/// assert_eq!(find_field(&et, &path).unwrap().field_name, "c");
/// assert_eq!(
///     serde_json::to_value(&et.fields()[0]).unwrap(),
///     serde_json::json!({"fieldName": "a", "mapping": null, "fields": [
///         {"fieldName": "b", "mapping": null, "fields": [
///             {"fieldName": "c", "mapping": null, "fields": []}]}]})
/// );
/// ```
pub fn find_field_mut<'a>(
    event_type: &'a mut EventType,
    path: &FieldPath,
    add_if_missing: bool,
) -> Result<&'a mut Field, MappingError> {
    let level = if add_if_missing {
        event_type.fields_mut()
    } else {
        match event_type.fields.as_mut() {
            Some(level) => level,
            None => return Err(not_found(path, 0)),
        }
    };
    locate_mut(level, path, add_if_missing)
}

/// Walks `path` from `level`, optionally creating missing fields.
pub(crate) fn locate_mut<'a>(
    mut level: &'a mut Vec<Field>,
    path: &FieldPath,
    add_if_missing: bool,
) -> Result<&'a mut Field, MappingError> {
    let last = path.len() - 1;
    for (depth, segment) in path.segments().iter().enumerate() {
        let index = match level.iter().position(|f| f.field_name == *segment) {
            Some(index) => index,
            None if add_if_missing => {
                level.push(Field::new(segment.clone()));
                level.len() - 1
            }
            None => return Err(not_found(path, depth)),
        };
        let Some(field) = level.get_mut(index) else {
            return Err(not_found(path, depth));
        };
        if depth == last {
            return Ok(field);
        }
        level = if add_if_missing {
            field.children_mut()
        } else {
            match field.fields.as_mut() {
                Some(children) => children,
                None => return Err(not_found(path, depth + 1)),
            }
        };
    }
    Err(not_found(path, 0))
}

/// Appends a new field `{"fieldName": name, "fields": [], "mapping": null}`
/// to `parent` (an event type's `fields_mut()` or a field's `children_mut()`) and
/// returns it. Like the reference client, it does not check for an existing
/// field of that name; use [`find_field_mut`] with `add_if_missing` for
/// find-or-add.
///
/// ```
/// use alooma_mapping::add_field;
/// use alooma_types::EventType;
/// let mut et = EventType::new("e");
/// let a = add_field(et.fields_mut(), "a");
/// add_field(a.children_mut(), "b");
/// assert_eq!(et.fields()[0].children()[0].field_name, "b");
/// ```
pub fn add_field(parent: &mut Vec<Field>, field_name: impl Into<String>) -> &mut Field {
    let index = parent.len();
    parent.push(Field::new(field_name));
    &mut parent[index]
}

/// Calls `visit` on every field of `fields` at any depth, parents before children, with
/// its path (fields whose name cannot make a path are skipped).
pub(crate) fn each_field(fields: &[Field], mut visit: impl FnMut(&FieldPath, &Field)) {
    fn walk(
        fields: &[Field],
        parent: Option<&FieldPath>,
        visit: &mut dyn FnMut(&FieldPath, &Field),
    ) {
        for field in fields {
            let path = match parent {
                Some(p) => p.child(field.field_name.clone()),
                None => FieldPath::from_segments([field.field_name.clone()]),
            };
            if let Ok(path) = path {
                visit(&path, field);
                walk(field.children(), Some(&path), visit);
            }
        }
    }
    walk(fields, None, &mut visit);
}

pub(crate) fn not_found(path: &FieldPath, matched: usize) -> MappingError {
    MappingError::NotFound {
        path: path.clone(),
        matched,
    }
}
