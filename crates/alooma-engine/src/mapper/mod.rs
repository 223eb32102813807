//! The Mapper: each event, after the Code Engine, becomes a row of its
//! event type's table, is dropped by a rule, or waits in the Restream
//! Queue with the reason (data-path §3).
//!
//! - **Event types** are created on first sight (named by
//!   `_metadata.event_type`, else `_metadata.input_label`) and keep the
//!   union of every field seen, in the order first seen, with stats: how
//!   many values of each JSON kind, and a few samples. Fields are never
//!   removed.
//! - **Modes** ([`MappingMode`]): the event type's own, else (or when it
//!   says `usingDefaultMappingMode: true`) the account's default (STRICT
//!   unless set). STRICT queues an event with a
//!   value in an unmapped field; FLEXIBLE drops unmapped fields; AUTO_MAP
//!   gives each new field a column (its name from the path, its type
//!   inferred from the value: [`naming`], [`convert::infer`]) and, for an
//!   event type without a table, a table named after the event type, and
//!   loads the event ([`Row::new_columns`] and [`Row::new_table`] say what
//!   the warehouse must add first).
//! - **Metadata** fields (`_metadata.*`) never hold an event back: they
//!   load where mapped, are auto-mapped in AUTO_MAP, and are otherwise
//!   left out.
//! - **Nesting**: an object's keys are sub-fields, loaded as their own
//!   columns; a field whose values are lists is one column holding the
//!   list's JSON; an object field mapped to a column of its own loads its
//!   JSON whole.
//! - **Discards**: a discarded event type drops its events, a discarded
//!   field drops its values; neither touches the Restream Queue.
//! - **Conversion** on load ([`convert::convert`]): a value that does not
//!   fit its column (too long without `truncate`, `null` into `NOT NULL`,
//!   text that is not a number) queues the event naming the field, the
//!   column and the value.
//!
//! Choices where the service's documentation is silent: the event-type
//! name fallback above; a `null` value never maps a field (auto-mapping
//! waits for a value, and STRICT lets it pass); two fields mapped to one
//! column load the first one's value; stats keep three samples per kind.

pub mod convert;
pub mod model;
pub mod naming;

use convert::{convert, infer, Cell};
use model::{ColumnType, EventType, Field, FieldMapping, MappingMode, TableMapping};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Samples kept per JSON kind in a field's stats.
const SAMPLES: usize = 3;

/// The Mapper of one account: its event types and default mode.
#[derive(Debug, Clone)]
pub struct Mapper {
    /// The account's default mapping mode.
    pub default_mode: MappingMode,
    /// The event types by name.
    pub event_types: BTreeMap<String, EventType>,
    /// The longest name auto-mapping gives a table or column (the
    /// warehouse's limit).
    pub max_name: usize,
}

impl Default for Mapper {
    fn default() -> Self {
        Mapper::new(MappingMode::Strict)
    }
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A row to load.
    Load(Row),
    /// Dropped by a rule (not an error; never queued).
    Discarded(Discard),
    /// Held in the Restream Queue.
    Queued(QueueReason),
}

/// Why an event was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discard {
    /// Its event type is discarded.
    EventType(String),
}

/// Why an event waits in the Restream Queue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueueReason {
    /// STRICT: these fields hold values and are not mapped.
    Unmapped {
        /// The event type.
        event_type: String,
        /// The fields' paths (`customer.email`).
        fields: Vec<String>,
    },
    /// A value does not fit its column.
    Conversion {
        /// The field's path.
        field: String,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// The event type has no table (and is not auto-mapped).
    NoTable {
        /// The event type.
        event_type: String,
    },
    /// The event is not a JSON object.
    NotAnObject,
    /// The event names no event type (no `_metadata.event_type` or
    /// `input_label`).
    NoEventType,
}

impl QueueReason {
    /// A short name for counting (`unmapped`, `conversion` …).
    pub fn kind(&self) -> &'static str {
        match self {
            QueueReason::Unmapped { .. } => "unmapped",
            QueueReason::Conversion { .. } => "conversion",
            QueueReason::NoTable { .. } => "no_table",
            QueueReason::NotAnObject => "not_an_object",
            QueueReason::NoEventType => "no_event_type",
        }
    }
}

impl fmt::Display for QueueReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueReason::Unmapped { event_type, fields } => write!(
                f,
                "event type {event_type:?} is STRICT and these fields are not mapped: {}",
                fields.join(", ")
            ),
            QueueReason::Conversion {
                field,
                column,
                message,
            } => write!(f, "field {field} (column {column}): {message}"),
            QueueReason::NoTable { event_type } => {
                write!(f, "event type {event_type:?} is not mapped to a table")
            }
            QueueReason::NotAnObject => f.write_str("the event is not a JSON object"),
            QueueReason::NoEventType => {
                f.write_str("the event names no event type (_metadata.event_type)")
            }
        }
    }
}

/// A row to load into a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The event type.
    pub event_type: String,
    /// The schema (`None`: the warehouse's default).
    pub schema: Option<String>,
    /// The table.
    pub table: String,
    /// The columns and their values, in field order.
    pub columns: Vec<(String, Cell)>,
    /// Columns auto-mapping added for this event (the warehouse adds them
    /// before loading).
    pub new_columns: Vec<(String, ColumnType)>,
    /// Whether auto-mapping gave the event type its table with this event.
    pub new_table: bool,
}

/// A leaf of an event: where its path lies in [`Leaves::steps`] and its
/// value.
struct Leaf<'a> {
    start: usize,
    end: usize,
    value: &'a Value,
}

/// The leaves of an event, with every leaf's path in one vector: a step is
/// a key and the index of its field among its siblings.
#[derive(Default)]
struct Leaves<'a> {
    steps: Vec<(&'a str, usize)>,
    leaves: Vec<Leaf<'a>>,
}

impl<'a> Leaves<'a> {
    fn steps(&self, leaf: &Leaf<'a>) -> &[(&'a str, usize)] {
        self.steps.get(leaf.start..leaf.end).unwrap_or_default()
    }

    /// The leaf's path as text (`customer.email`).
    fn path(&self, leaf: &Leaf<'a>) -> String {
        let names: Vec<&str> = self.steps(leaf).iter().map(|(k, _)| *k).collect();
        names.join(".")
    }

    /// The leaf's path as keys.
    fn keys(&self, leaf: &Leaf<'a>) -> Vec<&'a str> {
        self.steps(leaf).iter().map(|(k, _)| *k).collect()
    }
}

impl Mapper {
    /// A Mapper with no event types and this default mode.
    pub fn new(default_mode: MappingMode) -> Self {
        Mapper {
            default_mode,
            event_types: BTreeMap::new(),
            max_name: naming::MAX_NAME,
        }
    }

    /// The event type an event belongs to: `_metadata.event_type`, else
    /// `_metadata.input_label`.
    pub fn event_type_of(event: &Value) -> Option<&str> {
        let meta = event.get("_metadata")?;
        meta.get("event_type")
            .and_then(Value::as_str)
            .or_else(|| meta.get("input_label").and_then(Value::as_str))
            .filter(|s| !s.is_empty())
    }

    /// Maps one event: the event type learns its fields, and the event
    /// becomes a row, is dropped, or is queued (see the module docs).
    pub fn map(&mut self, event: &Value) -> Outcome {
        let Value::Object(object) = event else {
            return Outcome::Queued(QueueReason::NotAnObject);
        };
        let Some(name) = Self::event_type_of(event).map(str::to_owned) else {
            return Outcome::Queued(QueueReason::NoEventType);
        };
        let default_mode = self.default_mode;
        let max_name = self.max_name;
        let et = self
            .event_types
            .entry(name.clone())
            .or_insert_with(|| EventType::new(name.clone()));
        observe(&mut et.fields, object);
        if et.is_discarded() {
            return Outcome::Discarded(Discard::EventType(name));
        }
        let mode = et.own_mode().unwrap_or(default_mode);
        let mut leaves = Leaves::default();
        collect(&et.fields, object, &mut Vec::new(), &mut leaves);

        let mut new_table = false;
        if et.table().is_none() {
            if mode != MappingMode::AutoMap {
                return Outcome::Queued(QueueReason::NoTable { event_type: name });
            }
            let mapping = et.mapping.get_or_insert_with(TableMapping::default);
            mapping.table_name = Some(naming::legal(&[name.as_str()], max_name));
            new_table = true;
        }

        let mut unmapped = Vec::new();
        let mut new_columns = Vec::new();
        // The column names in use: gathered only when auto-mapping will
        // name a column for this event.
        let names_one = mode == MappingMode::AutoMap
            && leaves.leaves.iter().any(|leaf| {
                !leaf.value.is_null()
                    && field_at(&et.fields, leaves.steps(leaf))
                        .is_some_and(|f| !f.is_discarded() && f.column().is_none())
            });
        let mut taken: BTreeSet<String> = if names_one {
            columns_of(&et.fields)
        } else {
            BTreeSet::new()
        };
        let mut columns: Vec<(String, Cell)> = Vec::with_capacity(leaves.leaves.len());
        for leaf in &leaves.leaves {
            let Some(field) = field_at_mut(&mut et.fields, leaves.steps(leaf)) else {
                continue;
            };
            if field.is_discarded() {
                continue;
            }
            if field.column().is_none() {
                let metadata = leaves
                    .steps(leaf)
                    .first()
                    .is_some_and(|(p, _)| *p == "_metadata");
                if leaf.value.is_null() {
                    continue;
                }
                match mode {
                    MappingMode::AutoMap => {
                        let Some(ty) = infer(leaf.value) else {
                            continue;
                        };
                        let column = naming::unique(
                            &naming::legal(&leaves.keys(leaf), max_name),
                            &mut taken,
                            max_name,
                        );
                        field.mapping = Some(FieldMapping {
                            is_discarded: false,
                            column_name: column.clone(),
                            column_type: Some(ty.clone()),
                            machine_generated: Some(true),
                            rest: Map::new(),
                        });
                        new_columns.push((column, ty));
                    }
                    MappingMode::Strict if !metadata => {
                        unmapped.push(leaves.path(leaf));
                        continue;
                    }
                    _ => continue,
                }
            }
            let Some((column, ty)) = field.column() else {
                continue;
            };
            // Two fields mapped to one column: the first one's value.
            if columns.iter().any(|(c, _)| c == column) {
                continue;
            }
            match convert(leaf.value, ty) {
                Ok(cell) => columns.push((column.to_owned(), cell)),
                Err(e) => {
                    return Outcome::Queued(QueueReason::Conversion {
                        field: leaves.path(leaf),
                        column: column.to_owned(),
                        message: e.message,
                    })
                }
            }
        }
        // A NOT NULL column whose field the event lacks gets null: refused.
        if let Some((path, column, ty)) = missing_non_null(&et.fields, &columns) {
            return Outcome::Queued(QueueReason::Conversion {
                field: path,
                column,
                message: format!("null into the NOT NULL {ty} column (the event has no value)"),
            });
        }
        if !unmapped.is_empty() {
            return Outcome::Queued(QueueReason::Unmapped {
                event_type: name,
                fields: unmapped,
            });
        }
        // `table()` is set above when it was missing.
        let (schema, table) = match et.table() {
            Some((schema, table)) => (schema.map(str::to_owned), table.to_owned()),
            None => return Outcome::Queued(QueueReason::NoTable { event_type: name }),
        };
        Outcome::Load(Row {
            event_type: name,
            schema,
            table,
            columns,
            new_columns,
            new_table,
        })
    }
}

/// Adds the keys of `object` the fields lack (in order) and counts each
/// value in its field's stats, at every depth.
fn observe(fields: &mut Vec<Field>, object: &Map<String, Value>) {
    // Events of a type mostly come with their keys in one order: the field
    // after the last one found is tried first.
    let mut next = 0;
    for (key, value) in object {
        let hinted = fields.get(next).is_some_and(|f| &f.field_name == key);
        let index = if hinted {
            next
        } else {
            match fields.iter().position(|f| &f.field_name == key) {
                Some(i) => i,
                None => {
                    fields.push(Field::new(key.clone()));
                    fields.len() - 1
                }
            }
        };
        next = index + 1;
        let field = &mut fields[index];
        count(field, value);
        if let Value::Object(inner) = value {
            observe(&mut field.fields, inner);
        }
    }
}

/// The key of the JSON kind's stats (`numberStats` …).
fn kind_stats(value: &Value) -> &'static str {
    match value {
        Value::Null => "nullStats",
        Value::Bool(_) => "booleanStats",
        Value::Number(_) => "numberStats",
        Value::String(_) => "stringStats",
        Value::Array(_) => "arrayStats",
        Value::Object(_) => "objectStats",
    }
}

/// Counts `value` in `field.stats`: `{"totalCount": n, "<kind>Stats":
/// {"count": k, "sample": [{"value": v}, …]}}` (objects are not sampled).
/// The few keys are found by a walk, not hashed: it runs for every value.
fn count(field: &mut Field, value: &Value) {
    let stats = field.stats.get_or_insert_with(|| json!({}));
    let Value::Object(stats) = stats else {
        return;
    };
    let key = kind_stats(value);
    let (mut total, mut kind) = (false, false);
    for (k, v) in stats.iter_mut() {
        if k == "totalCount" {
            *v = json!(v.as_u64().unwrap_or(0) + 1);
            total = true;
        } else if k == key {
            if let Value::Object(of_kind) = v {
                count_kind(of_kind, value);
            }
            kind = true;
        }
    }
    if !total {
        stats.insert("totalCount".to_owned(), json!(1));
    }
    if !kind {
        let mut of_kind = Map::new();
        of_kind.insert("count".to_owned(), json!(0));
        of_kind.insert("sample".to_owned(), json!([]));
        count_kind(&mut of_kind, value);
        stats.insert(key.to_owned(), Value::Object(of_kind));
    }
}

/// Counts `value` in its kind's stats (`{"count": k, "sample": […]}`).
fn count_kind(stats: &mut Map<String, Value>, value: &Value) {
    let mut counted = false;
    for (k, v) in stats.iter_mut() {
        if k == "count" {
            *v = json!(v.as_u64().unwrap_or(0) + 1);
            counted = true;
        } else if k == "sample" && !value.is_object() {
            if let Value::Array(samples) = v {
                if samples.len() < SAMPLES {
                    samples.push(json!({ "value": value }));
                }
            }
        }
    }
    if !counted {
        stats.insert("count".to_owned(), json!(1));
    }
}

/// The leaves of `object` by the fields: a nested object is walked unless
/// its field is mapped to a column of its own; anything else is a leaf.
fn collect<'a>(
    fields: &[Field],
    object: &'a Map<String, Value>,
    path: &mut Vec<(&'a str, usize)>,
    out: &mut Leaves<'a>,
) {
    for (index, field) in fields.iter().enumerate() {
        let Some((key, value)) = object.get_key_value(&field.field_name) else {
            continue;
        };
        path.push((key.as_str(), index));
        match value {
            Value::Object(inner) if field.column().is_none() && !field.is_discarded() => {
                collect(&field.fields, inner, path, out);
            }
            _ => {
                let start = out.steps.len();
                out.steps.extend_from_slice(path);
                out.leaves.push(Leaf {
                    start,
                    end: out.steps.len(),
                    value,
                });
            }
        }
        path.pop();
    }
}

/// The field at a leaf's steps (by index: no name compared).
fn field_at_mut<'f>(fields: &'f mut [Field], steps: &[(&str, usize)]) -> Option<&'f mut Field> {
    let ((_, index), rest) = steps.split_first()?;
    let field = fields.get_mut(*index)?;
    if rest.is_empty() {
        Some(field)
    } else {
        field_at_mut(&mut field.fields, rest)
    }
}

fn field_at<'f>(fields: &'f [Field], steps: &[(&str, usize)]) -> Option<&'f Field> {
    let ((_, index), rest) = steps.split_first()?;
    let field = fields.get(*index)?;
    if rest.is_empty() {
        Some(field)
    } else {
        field_at(&field.fields, rest)
    }
}

/// The first mapped `NOT NULL` column not in `loaded`: its field's path,
/// its name and its type.
fn missing_non_null(
    fields: &[Field],
    loaded: &[(String, Cell)],
) -> Option<(String, String, String)> {
    fn walk<'f>(
        fields: &'f [Field],
        path: &mut Vec<&'f str>,
        loaded: &[(String, Cell)],
    ) -> Option<(String, String, String)> {
        for f in fields {
            path.push(&f.field_name);
            if let Some((column, ty)) = f.column() {
                if ty.is_non_null() && !loaded.iter().any(|(c, _)| c == column) {
                    return Some((path.join("."), column.to_owned(), ty.type_name.clone()));
                }
            } else if let Some(found) = walk(&f.fields, path, loaded) {
                return Some(found);
            }
            path.pop();
        }
        None
    }
    walk(fields, &mut Vec::new(), loaded)
}

/// Every column name the fields use (for auto-mapping's unique names).
fn columns_of(fields: &[Field]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(fields: &[Field], out: &mut BTreeSet<String>) {
        for f in fields {
            if let Some(m) = &f.mapping {
                if !m.column_name.is_empty() {
                    out.insert(m.column_name.clone());
                }
            }
            walk(&f.fields, out);
        }
    }
    walk(fields, &mut out);
    out
}
