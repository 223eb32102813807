//! [`diff`]: a structural, per-path comparison of two mappings, to review
//! an edit before `set_mapping`.

use crate::FieldPath;
use alooma_types::{ColumnType, EventType, EventTypeMapping, Field, FieldMapping, TruncateValue};
use std::collections::HashMap;
use std::fmt;

/// One difference between two mappings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// The event-type level mapping (table, schema, discarded) changed.
    EventTypeRemapped {
        /// Before.
        from: Option<EventTypeMapping>,
        /// After.
        to: Option<EventTypeMapping>,
    },
    /// A field exists only after. Every field of an added subtree is listed.
    Added {
        /// The new field.
        path: FieldPath,
        /// Its mapping.
        mapping: Option<FieldMapping>,
    },
    /// A field exists only before (listed once, with its subtree's size).
    Removed {
        /// The removed field.
        path: FieldPath,
        /// How many fields were nested below it.
        nested: usize,
    },
    /// A field's mapping changed (column, type or attributes), with the
    /// discarded state unchanged.
    Remapped {
        /// The field.
        path: FieldPath,
        /// Before.
        from: Option<FieldMapping>,
        /// After.
        to: Option<FieldMapping>,
    },
    /// A field became discarded.
    Discarded {
        /// The field.
        path: FieldPath,
        /// The mapping before.
        from: Option<FieldMapping>,
    },
    /// A discarded field is no longer discarded.
    Undiscarded {
        /// The field.
        path: FieldPath,
        /// The mapping after.
        to: Option<FieldMapping>,
    },
}

impl Change {
    /// The field the change is about (`None` for the event-type mapping).
    pub fn path(&self) -> Option<&FieldPath> {
        match self {
            Change::EventTypeRemapped { .. } => None,
            Change::Added { path, .. }
            | Change::Removed { path, .. }
            | Change::Remapped { path, .. }
            | Change::Discarded { path, .. }
            | Change::Undiscarded { path, .. } => Some(path),
        }
    }
}

/// The differences between two mappings, ordered by path. `Display` prints
/// one line per change:
///
/// ```text
/// ~ (event type): table public.orders -> public.orders_v2
/// + customer.city -> city VARCHAR(64)
/// - customer.phone
/// ~ customer.total: total FLOAT -> total NUMERIC(precision=12, scale=2) NOT NULL
/// x customer.email (was email VARCHAR(256))
/// o customer.zip -> zip VARCHAR(10)
/// ```
/// (`+` added, `-` removed, `~` remapped, `x` discarded, `o` undiscarded.)
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct MappingDiff {
    /// The changes, event-type level first, then by path.
    pub changes: Vec<Change>,
}

impl MappingDiff {
    /// Whether the two mappings have the same fields and mappings.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The number of changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }
}

/// Compares `before` and `after` field by field.
///
/// Fields are matched by name at each level (the n-th field of a name with
/// the n-th of the same name). Keys outside the mappings (`stats` …) are not
/// compared.
///
/// ```
/// use alooma_mapping::{diff, discard_field, map_field, unmap_field};
/// use alooma_types::{ColumnType, EventType};
/// let mut before = EventType::new("e");
/// map_field(&mut before, &"a.x".parse().unwrap(), "x", ColumnType::new("INT")).unwrap();
/// map_field(&mut before, &"a.y".parse().unwrap(), "y", ColumnType::new("INT")).unwrap();
/// let mut after = before.clone();
/// discard_field(&mut after, &"a.x".parse().unwrap()).unwrap();
/// unmap_field(&mut after, &"a.y".parse().unwrap()).unwrap();
/// map_field(&mut after, &"a.z".parse().unwrap(), "z", ColumnType::new("VARCHAR").with_length(64)).unwrap();
/// let d = diff(&before, &after);
/// assert_eq!(d.to_string(), "x a.x (was x INT)\n- a.y\n+ a.z -> z VARCHAR(64)\n");
/// assert!(diff(&after, &after).is_empty());
/// ```
pub fn diff(before: &EventType, after: &EventType) -> MappingDiff {
    let mut changes = Vec::new();
    if before.mapping != after.mapping {
        changes.push(Change::EventTypeRemapped {
            from: before.mapping.get().cloned(),
            to: after.mapping.get().cloned(),
        });
    }
    let mut field_changes = Vec::new();
    diff_level(&[], before.fields(), after.fields(), &mut field_changes);
    field_changes.sort_by(|a, b| a.path().cmp(&b.path()));
    changes.extend(field_changes);
    MappingDiff { changes }
}

fn path_of(parent: &[String], name: &str) -> Option<FieldPath> {
    FieldPath::from_segments(
        parent
            .iter()
            .cloned()
            .chain(std::iter::once(name.to_owned())),
    )
    .ok()
}

fn diff_level(parent: &[String], before: &[Field], after: &[Field], out: &mut Vec<Change>) {
    let after_keys = occurrence_keys(after);
    let after_index: HashMap<(&str, usize), usize> = after_keys
        .iter()
        .enumerate()
        .map(|(i, key)| (*key, i))
        .collect();
    let mut matched = vec![false; after.len()];
    for (old, key) in before.iter().zip(occurrence_keys(before)) {
        let Some(path) = path_of(parent, &old.field_name) else {
            continue; // a field with an empty name cannot be addressed
        };
        let new = after_index
            .get(&key)
            .and_then(|&i| after.get(i).map(|f| (i, f)));
        match new {
            None => out.push(Change::Removed {
                nested: count(old.children()),
                path,
            }),
            Some((i, new)) => {
                if let Some(m) = matched.get_mut(i) {
                    *m = true;
                }
                compare(&path, old.mapping.get(), new.mapping.get(), out);
                diff_level(path.segments(), old.children(), new.children(), out);
            }
        }
    }
    for (new, seen) in after.iter().zip(matched) {
        if !seen {
            added(parent, new, out);
        }
    }
}

fn occurrence_keys(fields: &[Field]) -> Vec<(&str, usize)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    fields
        .iter()
        .map(|f| {
            let n = seen.entry(f.field_name.as_str()).or_insert(0);
            *n += 1;
            (f.field_name.as_str(), *n - 1)
        })
        .collect()
}

fn count(fields: &[Field]) -> usize {
    fields.iter().map(|f| 1 + count(f.children())).sum()
}

fn added(parent: &[String], field: &Field, out: &mut Vec<Change>) {
    let Some(path) = path_of(parent, &field.field_name) else {
        return;
    };
    for child in field.children() {
        added(path.segments(), child, out);
    }
    out.push(Change::Added {
        path,
        mapping: field.mapping.get().cloned(),
    });
}

fn compare(
    path: &FieldPath,
    from: Option<&FieldMapping>,
    to: Option<&FieldMapping>,
    out: &mut Vec<Change>,
) {
    if from == to {
        return;
    }
    let was = from.is_some_and(FieldMapping::discarded);
    let is = to.is_some_and(FieldMapping::discarded);
    let path = path.clone();
    out.push(match (was, is) {
        (false, true) => Change::Discarded {
            path,
            from: from.cloned(),
        },
        (true, false) => Change::Undiscarded {
            path,
            to: to.cloned(),
        },
        _ => Change::Remapped {
            path,
            from: from.cloned(),
            to: to.cloned(),
        },
    });
}

struct ShowMapping<'a>(Option<&'a FieldMapping>);

impl fmt::Display for ShowMapping<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(m) = self.0 else {
            return f.write_str("unmapped");
        };
        if m.discarded() {
            return f.write_str("discarded");
        }
        f.write_str(m.column_name.as_deref().unwrap_or("?"))?;
        match m.column_type() {
            Some(t) => write!(f, " {}", ShowType(t)),
            None => f.write_str(" (no type)"),
        }
    }
}

struct ShowType<'a>(&'a ColumnType);

impl fmt::Display for ShowType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        f.write_str(t.sql_type().unwrap_or("?"))?;
        let mut attrs: Vec<String> = Vec::new();
        if let Some(length) = t.length() {
            attrs.push(length.to_string());
        }
        if let Some(precision) = t.precision() {
            attrs.push(format!("precision={precision}"));
        }
        if let Some(scale) = t.scale() {
            attrs.push(format!("scale={scale}"));
        }
        match t.truncate.get() {
            Some(TruncateValue::Number(n)) => attrs.push(format!("truncate={}", n.get())),
            Some(v) if v.as_bool() == Some(true) => attrs.push("truncate=true".into()),
            _ => {}
        }
        attrs.extend(t.extra.iter().map(|(k, v)| format!("{k}={v}")));
        if !attrs.is_empty() {
            write!(f, "({})", attrs.join(", "))?;
        }
        if t.non_null() {
            f.write_str(" NOT NULL")?;
        }
        Ok(())
    }
}

struct ShowTable<'a>(Option<&'a EventTypeMapping>);

impl fmt::Display for ShowTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("none"),
            Some(m) if m.discarded() => f.write_str("discarded"),
            Some(m) => {
                if let Some(schema) = m.schema.get() {
                    write!(f, "{schema}.")?;
                }
                f.write_str(m.table_name.as_deref().unwrap_or("?"))
            }
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::EventTypeRemapped { from, to } => write!(
                f,
                "~ (event type): table {} -> {}",
                ShowTable(from.as_ref()),
                ShowTable(to.as_ref())
            ),
            Change::Added { path, mapping } => {
                write!(f, "+ {path}")?;
                match mapping {
                    Some(_) => write!(f, " -> {}", ShowMapping(mapping.as_ref())),
                    None => Ok(()),
                }
            }
            Change::Removed { path, nested } => match nested {
                0 => write!(f, "- {path}"),
                1 => write!(f, "- {path} (and 1 nested field)"),
                n => write!(f, "- {path} (and {n} nested fields)"),
            },
            Change::Remapped { path, from, to } => write!(
                f,
                "~ {path}: {} -> {}",
                ShowMapping(from.as_ref()),
                ShowMapping(to.as_ref())
            ),
            Change::Discarded { path, from } => {
                write!(f, "x {path}")?;
                match from {
                    Some(_) => write!(f, " (was {})", ShowMapping(from.as_ref())),
                    None => Ok(()),
                }
            }
            Change::Undiscarded { path, to } => {
                write!(f, "o {path} -> {}", ShowMapping(to.as_ref()))
            }
        }
    }
}

impl fmt::Display for MappingDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}
