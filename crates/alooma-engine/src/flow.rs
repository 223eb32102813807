//! [`DataPath`]: events through the Code Engine, the Mapper and into the
//! warehouse, each one loaded, dropped by a rule, or held in the Restream
//! Queue with the reason. Nothing accepted is lost: an event that fails
//! anywhere after intake waits in the queue as it entered the Code Engine,
//! and a restream runs it through both again with `restream_count` + 1.
//!
//! ```
//! use alooma_engine::flow::DataPath;
//! use alooma_engine::intake::{stamp, Input};
//! use alooma_engine::mapper::{model::MappingMode, Mapper};
//! use alooma_engine::warehouse::sqlite::Sqlite;
//! let mut path = DataPath::new(Mapper::new(MappingMode::AutoMap), Box::new(Sqlite::in_memory()?));
//! let input = Input { id: "i".into(), label: "clicks".into(), input_type: "REST_ENDPOINT".into() };
//! let event = stamp(serde_json::json!({"page": "/a", "n": 1}), &input, 0).unwrap();
//! let report = path.process(vec![event.clone()]);
//! assert_eq!(report.loaded, 1);
//! assert_eq!(path.process(vec![event]).already_loaded, 1); // never twice
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::code_engine::{CodeEngine, Deployment, Transformed};
use crate::intake::child_uuid;
use crate::mapper::model::{ColumnType, Field};
use crate::mapper::{Mapper, Outcome, Row};
use crate::restream::{Queued, RestreamQueue};
use crate::warehouse::{Column, LoadRow, TableName, Warehouse, WarehouseError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The data path of one account.
pub struct DataPath {
    /// The Code Engine and the deployed modules (`None`: events go on
    /// unchanged, as with the default transform).
    pub code: Option<(Arc<CodeEngine>, Deployment)>,
    /// The Mapper.
    pub mapper: Mapper,
    /// The warehouse.
    pub warehouse: Box<dyn Warehouse + Send>,
    /// The Restream Queue.
    pub queue: RestreamQueue,
    /// Everything counted so far.
    pub totals: Report,
    /// Whether a table a mapping names and the warehouse lacks is created
    /// (with the mapping's columns) instead of holding its events in the
    /// queue: for an offline run into a new warehouse; the service queued
    /// them until the table existed.
    pub create_tables: bool,
}

impl std::fmt::Debug for DataPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataPath")
            .field("mapper", &self.mapper)
            .field("queue", &self.queue.len())
            .field("totals", &self.totals)
            .finish_non_exhaustive()
    }
}

/// What processing a batch did (and, in [`DataPath::totals`], everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Events received (a restreamed event counts again).
    pub received: usize,
    /// Rows loaded.
    pub loaded: usize,
    /// Rows not loaded again: their `@uuid` was loaded before.
    pub already_loaded: usize,
    /// Events dropped by a discarded event type.
    pub discarded: usize,
    /// Events the transform dropped (`None`).
    pub dropped_by_code: usize,
    /// Extra events splits made (a split into three adds two).
    pub split_into: usize,
    /// Events sent to the Restream Queue, by reason kind.
    pub queued: BTreeMap<String, usize>,
    /// Rows loaded, by event type.
    pub loaded_by_event_type: BTreeMap<String, usize>,
    /// Each received event's status, in order (a batch's own; not in
    /// [`DataPath::totals`]): the service's sample status codes —
    /// `VALID`, `DROP`, `NEW_TYPE` (its event type has no table yet),
    /// `UNMAPPED_FIELDS`, `TYPE_MISMATCH`, `TRANSFORM_ERROR`, `NO_MAPPING`.
    #[serde(skip)]
    pub statuses: Vec<&'static str>,
}

/// The sample status of an event queued for a reason of this kind.
fn status_of(kind: &str) -> &'static str {
    match kind {
        "unmapped" => "UNMAPPED_FIELDS",
        "conversion" | "warehouse" => "TYPE_MISMATCH",
        "code_engine" => "TRANSFORM_ERROR",
        "no_table" => "NEW_TYPE",
        _ => "NO_MAPPING",
    }
}

impl Report {
    /// Events sent to the Restream Queue.
    pub fn queued_total(&self) -> usize {
        self.queued.values().sum()
    }

    fn add(&mut self, other: &Report) {
        self.received += other.received;
        self.loaded += other.loaded;
        self.already_loaded += other.already_loaded;
        self.discarded += other.discarded;
        self.dropped_by_code += other.dropped_by_code;
        self.split_into += other.split_into;
        for (k, v) in &other.queued {
            *self.queued.entry(k.clone()).or_insert(0) += v;
        }
        for (k, v) in &other.loaded_by_event_type {
            *self.loaded_by_event_type.entry(k.clone()).or_insert(0) += v;
        }
    }
}

/// A row waiting to load: the original event's place, the row, its `@uuid`.
type Pending = (usize, Row, String);

/// A transformed event and the original it came from.
struct Transformed1 {
    origin: usize,
    event: Value,
}

fn event_type_of(event: &Value) -> Option<String> {
    Mapper::event_type_of(event).map(str::to_owned)
}

fn uuid_of(event: &Value) -> String {
    event
        .get("_metadata")
        .and_then(|m| m.get("@uuid"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Gives `event` a `_metadata` object with a text `@uuid`: the parent's
/// `_metadata` when it has none (or one that is not an object, kept under
/// `original_metadata`), the parent's id for an event that goes on, a
/// stable id of its own (and `@parent_uuid`) for the `index`th part of a
/// split.
fn keep_id(
    event: &mut serde_json::Map<String, Value>,
    parent: Option<&Value>,
    part: Option<(&str, usize)>,
) {
    // The common case: the transform kept `_metadata` and its id.
    if part.is_none()
        && event
            .get("_metadata")
            .and_then(|m| m.get("@uuid"))
            .is_some_and(Value::is_string)
    {
        return;
    }
    let parent_meta = parent.cloned().unwrap_or_else(|| json!({}));
    let parent_id = parent_meta
        .get("@uuid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let meta = event
        .entry("_metadata")
        .or_insert_with(|| parent_meta.clone());
    if !meta.is_object() {
        let original = std::mem::replace(meta, parent_meta.clone());
        if let Value::Object(m) = meta {
            m.insert("original_metadata".into(), original);
        }
    }
    if let Value::Object(m) = meta {
        match part {
            Some((parent, i)) => {
                m.insert("@uuid".into(), json!(child_uuid(parent, i)));
                m.insert("@parent_uuid".into(), json!(parent));
            }
            None => {
                if !m.get("@uuid").is_some_and(Value::is_string) {
                    m.insert("@uuid".into(), json!(parent_id));
                }
            }
        }
    }
}

/// Every column an event type's mapping gives, in field order.
fn mapped_columns(fields: &[Field], out: &mut Vec<Column>) {
    for f in fields {
        if let Some((name, ty)) = f.column() {
            if !out.iter().any(|c| c.name == name) {
                out.push(Column {
                    name: name.to_owned(),
                    column_type: ty.clone(),
                });
            }
        }
        mapped_columns(&f.fields, out);
    }
}

impl DataPath {
    /// A data path with no Code Engine deployment and an empty queue.
    pub fn new(mut mapper: Mapper, warehouse: Box<dyn Warehouse + Send>) -> Self {
        mapper.max_name = mapper.max_name.min(warehouse.max_name());
        DataPath {
            code: None,
            mapper,
            warehouse,
            queue: RestreamQueue::new(),
            totals: Report::default(),
            create_tables: false,
        }
    }

    /// Holds stamped events in the Restream Queue, all with one reason
    /// (the Code Engine's modules do not load, say): nothing runs.
    pub fn hold(&mut self, events: Vec<Value>, kind: &'static str, reason: &str) -> Report {
        let mut report = Report {
            received: events.len(),
            ..Report::default()
        };
        if !events.is_empty() {
            report.queued.insert(kind.to_owned(), events.len());
        }
        report.statuses = vec![status_of(kind); events.len()];
        for event in events {
            self.queue.push(Queued {
                event_type: event_type_of(&event),
                event,
                reason: reason.to_owned(),
                kind,
            });
        }
        self.totals.add(&report);
        report
    }

    /// Runs stamped events (see [`crate::intake`]) through the Code
    /// Engine, the Mapper and into the warehouse, in one batch.
    pub fn process(&mut self, events: Vec<Value>) -> Report {
        let mut report = Report {
            received: events.len(),
            ..Report::default()
        };
        let mut queued_origins: BTreeSet<usize> = BTreeSet::new();
        let queue = |origin: usize,
                     kind: &'static str,
                     reason: String,
                     report: &mut Report,
                     queued_origins: &mut BTreeSet<usize>| {
            if queued_origins.insert(origin) {
                *report.queued.entry(kind.to_owned()).or_insert(0) += 1;
                (origin, kind, reason)
            } else {
                (usize::MAX, kind, reason)
            }
        };
        let mut to_queue: Vec<(usize, &'static str, String)> = Vec::new();
        // Events a rule dropped (the transform, a discarded type), by place.
        let mut dropped: BTreeSet<usize> = BTreeSet::new();

        // The Code Engine.
        let mut transformed: Vec<Transformed1> = Vec::new();
        match &self.code {
            None => transformed.extend(events.iter().enumerate().map(|(origin, e)| Transformed1 {
                origin,
                event: e.clone(),
            })),
            Some((engine, deployment)) => match engine.run(deployment, &events) {
                Err(e) => {
                    for origin in 0..events.len() {
                        to_queue.push(queue(
                            origin,
                            "code_engine",
                            format!("the Code Engine could not run: {e}"),
                            &mut report,
                            &mut queued_origins,
                        ));
                    }
                }
                Ok(runs) => {
                    for (origin, run) in runs.into_iter().enumerate() {
                        let parent_meta = events.get(origin).and_then(|e| e.get("_metadata"));
                        match run.result {
                            Transformed::Event(mut e) => {
                                // The transform may have dropped or
                                // replaced `_metadata`: the event keeps
                                // its id, what loading once goes by.
                                keep_id(&mut e, parent_meta, None);
                                transformed.push(Transformed1 {
                                    origin,
                                    event: Value::Object(e),
                                });
                            }
                            Transformed::Dropped => {
                                report.dropped_by_code += 1;
                                dropped.insert(origin);
                            }
                            Transformed::Split(parts) => {
                                report.split_into += parts.len().saturating_sub(1);
                                let parent = events.get(origin).map(uuid_of).unwrap_or_default();
                                for (i, mut part) in parts.into_iter().enumerate() {
                                    keep_id(&mut part, parent_meta, Some((&parent, i)));
                                    transformed.push(Transformed1 {
                                        origin,
                                        event: Value::Object(part),
                                    });
                                }
                            }
                            Transformed::Failed(error) => to_queue.push(queue(
                                origin,
                                "code_engine",
                                format!("Code Engine error: {error}"),
                                &mut report,
                                &mut queued_origins,
                            )),
                        }
                    }
                }
            },
        }

        // The Mapper.
        let mut rows: BTreeMap<(TableName, String), Vec<Pending>> = BTreeMap::new();
        for t in transformed {
            match self.mapper.map(&t.event) {
                Outcome::Load(row) => {
                    let table = TableName::new(row.schema.as_deref(), &row.table);
                    let uuid = uuid_of(&t.event);
                    rows.entry((table, row.event_type.clone()))
                        .or_default()
                        .push((t.origin, row, uuid));
                }
                Outcome::Discarded(_) => {
                    report.discarded += 1;
                    dropped.insert(t.origin);
                }
                Outcome::Queued(reason) => to_queue.push(queue(
                    t.origin,
                    reason.kind(),
                    reason.to_string(),
                    &mut report,
                    &mut queued_origins,
                )),
            }
        }

        // The warehouse: one transaction a table and event type.
        for ((table, event_type), batch) in rows {
            if let Err(e) = self.prepare_table(&table, &batch) {
                for (origin, _, _) in &batch {
                    let kind = if e.is_missing_table() {
                        "no_table"
                    } else {
                        "warehouse"
                    };
                    to_queue.push(queue(
                        *origin,
                        kind,
                        e.to_string(),
                        &mut report,
                        &mut queued_origins,
                    ));
                }
                continue;
            }
            let (origins, load): (Vec<usize>, Vec<LoadRow>) = batch
                .into_iter()
                .map(|(origin, row, uuid)| {
                    (
                        origin,
                        LoadRow {
                            uuid,
                            cells: row.columns,
                        },
                    )
                })
                .unzip();
            match self.warehouse.load(&table, &load) {
                Ok(done) => {
                    report.loaded += done.inserted;
                    report.already_loaded += done.already_loaded;
                    *report.loaded_by_event_type.entry(event_type).or_insert(0) += done.inserted;
                }
                Err(e) if e.is_missing_table() => {
                    for origin in &origins {
                        to_queue.push(queue(
                            *origin,
                            "no_table",
                            e.to_string(),
                            &mut report,
                            &mut queued_origins,
                        ));
                    }
                }
                Err(_) => {
                    // One row refused fails the batch's transaction: each row
                    // alone, so the others load and only the refused wait.
                    for (origin, row) in origins.iter().zip(load) {
                        match self.warehouse.load(&table, std::slice::from_ref(&row)) {
                            Ok(done) => {
                                report.loaded += done.inserted;
                                report.already_loaded += done.already_loaded;
                                *report
                                    .loaded_by_event_type
                                    .entry(event_type.clone())
                                    .or_insert(0) += done.inserted;
                            }
                            Err(e) => to_queue.push(queue(
                                *origin,
                                if e.is_missing_table() {
                                    "no_table"
                                } else {
                                    "warehouse"
                                },
                                e.to_string(),
                                &mut report,
                                &mut queued_origins,
                            )),
                        }
                    }
                }
            }
        }

        let mut statuses = vec!["VALID"; events.len()];
        for origin in &dropped {
            if let Some(s) = statuses.get_mut(*origin) {
                *s = "DROP";
            }
        }
        for (origin, kind, _) in &to_queue {
            if let Some(s) = statuses.get_mut(*origin) {
                *s = status_of(kind);
            }
        }
        report.statuses = statuses;
        for (origin, kind, reason) in to_queue {
            let Some(event) = events.get(origin) else {
                continue; // a second failure of an event already queued
            };
            self.queue.push(Queued {
                event: event.clone(),
                reason,
                kind,
                event_type: event_type_of(event),
            });
        }
        self.totals.add(&report);
        report
    }

    /// The table a batch loads into, with the columns its rows need: made
    /// or widened when auto-mapping added them.
    fn prepare_table(
        &mut self,
        table: &TableName,
        batch: &[Pending],
    ) -> Result<(), WarehouseError> {
        let grows = batch
            .iter()
            .any(|(_, row, _)| row.new_table || !row.new_columns.is_empty());
        if !grows && !self.create_tables {
            return Ok(());
        }
        // With `create_tables`, every batch makes sure its table has every
        // column the mapping gives (a mapping changed since, a column an
        // earlier event's failure left unmade).
        let Some((_, first, _)) = batch.first() else {
            return Ok(());
        };
        let mut columns = Vec::new();
        if let Some(et) = self.mapper.event_types.get(&first.event_type) {
            mapped_columns(&et.fields, &mut columns);
        }
        if columns.is_empty() {
            columns.push(Column {
                name: "_alooma_row".into(),
                column_type: ColumnType::new("BIGINT"),
            });
        }
        if self.warehouse.schemas()?.iter().all(|s| *s != table.schema) {
            self.warehouse.create_schema(&table.schema)?;
        }
        match self.warehouse.add_columns(table, &columns) {
            Err(e) if e.is_missing_table() => self.warehouse.create_table(table, &columns),
            other => other,
        }
    }

    /// Sends every queued event through the Code Engine and the Mapper
    /// again, with `_metadata.restream_count` + 1; what fails again waits
    /// again.
    pub fn restream(&mut self) -> Report {
        let events: Vec<Value> = self
            .queue
            .take()
            .into_iter()
            .map(|q| {
                let mut e = q.event;
                if let Some(Value::Object(m)) = e.get_mut("_metadata") {
                    let n = m.get("restream_count").and_then(Value::as_u64).unwrap_or(0);
                    m.insert("restream_count".into(), json!(n + 1));
                }
                e
            })
            .collect();
        self.process(events)
    }
}
