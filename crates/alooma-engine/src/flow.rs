//! [`DataPath`]: events through the Code Engine, the Mapper and into the
//! warehouse, each one loaded, dropped by a rule, or held in the Restream
//! Queue with the reason. Nothing accepted is lost: an event that fails
//! anywhere after intake waits in the queue as it entered the Code Engine,
//! and a restream runs it through both again with `restream_count` + 1.
//!
//! # Overlapping stages
//!
//! A batch goes through two stages: [`Coded::run`] (the Code Engine, which
//! needs no state of the path and runs on any thread) and
//! [`DataPath::load`] (the Mapper, which learns from every event, and the
//! warehouse, in order). [`DataPath::process`] runs both, one after the
//! other; [`DataPath::process_stream`] runs a stream of batches with the
//! stages overlapping: reading batch n+2, the Code Engine on batch n+1 and
//! loading batch n happen at once, in bounded memory. The order in which
//! the Mapper sees events, and so every mapping it makes, is the same
//! either way.
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

/// Events to queue, and the events dropped by a rule, by place in the
/// batch.
#[derive(Default)]
struct Failures {
    /// (place, reason kind, reason); a place already queued is
    /// `usize::MAX` (counted once, its later failures kept for nothing).
    to_queue: Vec<(usize, &'static str, String)>,
    queued: BTreeSet<usize>,
    dropped: BTreeSet<usize>,
}

impl Failures {
    /// Queues the event at `origin` for this reason (once: an event that
    /// fails twice, as two parts of a split, counts once).
    fn queue(&mut self, origin: usize, kind: &'static str, reason: String, report: &mut Report) {
        if self.queued.insert(origin) {
            *report.queued.entry(kind.to_owned()).or_insert(0) += 1;
            self.to_queue.push((origin, kind, reason));
        } else {
            self.to_queue.push((usize::MAX, kind, reason));
        }
    }
}

/// A batch after the Code Engine's stage: what each event became, for
/// [`DataPath::load`]. Made by [`Coded::run`], on any thread.
pub struct Coded {
    events: Vec<Value>,
    transformed: Vec<Transformed1>,
    report: Report,
    failures: Failures,
}

impl std::fmt::Debug for Coded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coded")
            .field("events", &self.events.len())
            .field("transformed", &self.transformed.len())
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

impl Coded {
    /// Runs stamped events through the Code Engine's deployment (`None`:
    /// they go on unchanged): each event goes on (keeping its id), is
    /// dropped, is split (each part with an id of its own), or fails.
    pub fn run(code: Option<&(Arc<CodeEngine>, Deployment)>, events: Vec<Value>) -> Coded {
        Coded::run_with(code, events, false)
    }

    /// [`Coded::run`], the batch on one worker when `one_worker`.
    fn run_with(
        code: Option<&(Arc<CodeEngine>, Deployment)>,
        events: Vec<Value>,
        one_worker: bool,
    ) -> Coded {
        let mut report = Report {
            received: events.len(),
            ..Report::default()
        };
        let mut failures = Failures::default();
        let mut transformed: Vec<Transformed1> = Vec::new();
        match code {
            None => transformed.extend(events.iter().enumerate().map(|(origin, e)| Transformed1 {
                origin,
                event: e.clone(),
            })),
            Some((engine, deployment)) => match if one_worker {
                engine.run_on_one_worker(deployment, &events)
            } else {
                engine.run(deployment, &events)
            } {
                Err(e) => {
                    for origin in 0..events.len() {
                        failures.queue(
                            origin,
                            "code_engine",
                            format!("the Code Engine could not run: {e}"),
                            &mut report,
                        );
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
                                failures.dropped.insert(origin);
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
                            Transformed::Failed(error) => failures.queue(
                                origin,
                                "code_engine",
                                format!("Code Engine error: {error}"),
                                &mut report,
                            ),
                        }
                    }
                }
            },
        }
        Coded {
            events,
            transformed,
            report,
            failures,
        }
    }
}

/// Where [`DataPath::process_stream`]'s feed sends batches: to the Code
/// Engine's stages in turn.
#[derive(Debug)]
pub struct Feed<T> {
    coders: Vec<std::sync::mpsc::SyncSender<(Vec<Value>, T)>>,
    next: std::cell::Cell<usize>,
}

/// The data path stopped taking batches (its consumer failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the data path stopped taking batches")
    }
}

impl std::error::Error for Stopped {}

impl<T> Feed<T> {
    /// Sends a batch of stamped events with its tag; waits while the
    /// stages are full.
    ///
    /// # Errors
    ///
    /// [`Stopped`] when the data path stopped (the feed should end).
    pub fn send(&self, events: Vec<Value>, tag: T) -> Result<(), Stopped> {
        let n = self.next.get();
        self.next.set(n.wrapping_add(1));
        let coder = self
            .coders
            .get(n % self.coders.len().max(1))
            .ok_or(Stopped)?;
        coder.send((events, tag)).map_err(|_| Stopped)
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
        let coded = Coded::run(self.code.as_ref(), events);
        self.load(coded)
    }

    /// Runs batches through the data path with its stages overlapping, so
    /// that they take about as long as the slowest stage instead of the sum
    /// of all three (see [Overlapping stages](crate::flow#overlapping-stages)):
    /// `feed` (on a thread of its own) sends batches, each with a tag; the
    /// Code Engine runs one batch (on another thread) while this thread
    /// maps and loads the one before; `done` gets each batch's tag and
    /// [`Report`], in the order sent, with the data path (its Restream
    /// Queue holds what did not load).
    ///
    /// A few batches are in flight (three for each Code Engine worker, and
    /// one loading), so memory does not grow with the stream. When `done` fails, the stream stops: `feed`'s next
    /// [`Feed::send`] answers [`Stopped`], and the error is returned;
    /// otherwise `feed`'s own error is.
    ///
    /// ```
    /// use alooma_engine::flow::DataPath;
    /// use alooma_engine::intake::{stamp, Input};
    /// use alooma_engine::mapper::{model::MappingMode, Mapper};
    /// use alooma_engine::warehouse::sqlite::Sqlite;
    /// let mut path = DataPath::new(Mapper::new(MappingMode::AutoMap), Box::new(Sqlite::in_memory()?));
    /// let input = Input { id: "i".into(), label: "clicks".into(), input_type: "REST_ENDPOINT".into() };
    /// let mut loaded = Vec::new();
    /// path.process_stream(
    ///     |feed| {
    ///         for batch in 0..3 {
    ///             let events = (0..10)
    ///                 .map(|i| stamp(serde_json::json!({"n": batch * 10 + i}), &input, 0).unwrap())
    ///                 .collect();
    ///             if feed.send(events, batch).is_err() {
    ///                 break; // the consumer stopped
    ///             }
    ///         }
    ///         Ok::<(), std::io::Error>(())
    ///     },
    ///     |_path, batch, report| {
    ///         loaded.push((batch, report.loaded));
    ///         Ok(())
    ///     },
    /// )?;
    /// assert_eq!(loaded, [(0, 10), (1, 10), (2, 10)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first error of `done`, else the error of `feed`.
    pub fn process_stream<T, E, F, D>(&mut self, feed: F, mut done: D) -> Result<(), E>
    where
        T: Send,
        E: Send,
        F: FnOnce(&Feed<T>) -> Result<(), E> + Send,
        D: FnMut(&mut DataPath, T, Report) -> Result<(), E>,
    {
        let code = self.code.clone();
        // A Code Engine stage a worker, each running whole batches in turn,
        // so no worker waits for another's share of a batch.
        let coders = code
            .as_ref()
            .map_or(1, |(engine, _)| engine.config().workers.max(1));
        std::thread::scope(|scope| {
            let mut inputs = Vec::with_capacity(coders);
            let mut outputs = Vec::with_capacity(coders);
            let mut stages = Vec::with_capacity(coders);
            for _ in 0..coders {
                let (input, to_code) = std::sync::mpsc::sync_channel::<(Vec<Value>, T)>(1);
                let (coded, output) = std::sync::mpsc::sync_channel::<(Coded, T)>(1);
                let code = code.clone();
                stages.push(scope.spawn(move || {
                    for (events, tag) in to_code {
                        let batch = Coded::run_with(code.as_ref(), events, true);
                        if coded.send((batch, tag)).is_err() {
                            break; // the loader stopped
                        }
                    }
                }));
                inputs.push(input);
                outputs.push(output);
            }
            let feeder = scope.spawn(move || {
                feed(&Feed {
                    coders: inputs,
                    next: std::cell::Cell::new(0),
                })
            });
            let mut outcome = Ok(());
            // Batches come back in the order sent: from each stage in turn;
            // the first stage with nothing more ends the stream.
            for output in outputs.iter().cycle() {
                let Ok((batch, tag)) = output.recv() else {
                    break;
                };
                let report = self.load(batch);
                if let Err(e) = done(self, tag, report) {
                    outcome = Err(e);
                    break;
                }
            }
            // Stops the stages (their next send fails), which stops the feed.
            drop(outputs);
            let fed = feeder
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for stage in stages {
                if let Err(panic) = stage.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            outcome.and(fed)
        })
    }

    /// The Mapper and the warehouse's stage: maps each event the Code
    /// Engine gave and loads the rows; what fails waits in the queue.
    pub fn load(&mut self, coded: Coded) -> Report {
        let Coded {
            events,
            transformed,
            mut report,
            mut failures,
        } = coded;

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
                    failures.dropped.insert(t.origin);
                }
                Outcome::Queued(reason) => {
                    failures.queue(t.origin, reason.kind(), reason.to_string(), &mut report)
                }
            }
        }

        // The warehouse: one transaction a table and event type.
        for ((table, event_type), batch) in rows {
            if let Err(e) = self.prepare_table(&table, &batch) {
                let kind = if e.is_missing_table() {
                    "no_table"
                } else {
                    "warehouse"
                };
                for (origin, _, _) in &batch {
                    failures.queue(*origin, kind, e.to_string(), &mut report);
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
                        failures.queue(*origin, "no_table", e.to_string(), &mut report);
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
                            Err(e) => {
                                let kind = if e.is_missing_table() {
                                    "no_table"
                                } else {
                                    "warehouse"
                                };
                                failures.queue(*origin, kind, e.to_string(), &mut report);
                            }
                        }
                    }
                }
            }
        }

        let mut statuses = vec!["VALID"; events.len()];
        for origin in &failures.dropped {
            if let Some(s) = statuses.get_mut(*origin) {
                *s = "DROP";
            }
        }
        for (origin, kind, _) in &failures.to_queue {
            if let Some(s) = statuses.get_mut(*origin) {
                *s = status_of(kind);
            }
        }
        report.statuses = statuses;
        for (origin, kind, reason) in failures.to_queue {
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
