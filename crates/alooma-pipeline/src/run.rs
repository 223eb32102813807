//! [`Pipeline::run`]: an exported pipeline run offline, with no server,
//! over raw events into a warehouse: its Code Engine modules in CPython,
//! its event types' mappings and mapping mode in the Mapper, the rows into
//! a real database ([`alooma_engine::flow`]).
//!
//! - **Events** come from JSON files (one object, or an array of
//!   objects), JSON lines, either gzip-compressed (`.gz`), or folders of
//!   them, walked in name order: an S3 retention bucket copied locally
//!   (`<prefix>/<input_label>/<YYYY-MM-DD-HH>/<file>.json.gz`) runs as is.
//!   Files are read as streams, in batches: memory does not grow with the
//!   number of events.
//! - **`_metadata`**: an event's own is kept (retained events carry
//!   theirs). One without an `@uuid` gets a stable one from where it was
//!   read (the file's path as given and the event's place in it), so a
//!   re-run recognises it and loads nothing twice. One without an
//!   `input_label` is labelled by its folder in the retention layout (the
//!   folder above the `YYYY-MM-DD-HH` one), else by its file's name.
//! - **What does not load** (a Code Engine error, an unmapped field in
//!   STRICT, a value that does not convert, a line that is not JSON, a
//!   value that is not an object) is handed to the caller with its reason,
//!   to be written to a file: nothing is lost.
//! - **Tables** a mapping names and the warehouse lacks are created with
//!   the mapping's columns (a new warehouse starts empty); existing ones
//!   are used as they are.
//! - **Warehouses**: `sqlite:PATH` (a file, created when missing),
//!   `sqlite::memory:`, or `postgres://user@host:port/db` (the stand-in
//!   for Redshift).

use crate::{Document, Kind, Pipeline, PipelineError, ResourceId};
use alooma_engine::code_engine::{CodeEngine, Config, Modules};
use alooma_engine::flow::{DataPath, Report};
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::model::{EventType, MappingMode};
use alooma_engine::mapper::Mapper;
use alooma_engine::warehouse::sqlite::Sqlite;
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the rows go.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarehouseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// An SQLite database in memory (gone when the run ends).
    SqliteMemory,
    /// A PostgreSQL server (`postgres://user@host:port/db`).
    Postgres(String),
}

impl std::fmt::Debug for WarehouseUrl {
    /// A PostgreSQL password is left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WarehouseUrl::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            WarehouseUrl::SqliteMemory => f.write_str("SqliteMemory"),
            WarehouseUrl::Postgres(url) => {
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
                        Some((user, _)) => {
                            format!("{}{user}:<redacted>{}", &url[..s + 3], &url[at..])
                        }
                        None => url.clone(),
                    },
                    _ => url.clone(),
                };
                f.debug_tuple("Postgres").field(&shown).finish()
            }
        }
    }
}

impl WarehouseUrl {
    /// Reads `sqlite:PATH`, `sqlite::memory:` (or a path ending in
    /// `.sqlite`/`.db`), `postgres://…`.
    ///
    /// # Errors
    ///
    /// [`PipelineError::Run`] for another scheme, naming the ones taken.
    ///
    /// ```
    /// use alooma_pipeline::run::WarehouseUrl;
    /// assert_eq!(WarehouseUrl::parse("sqlite::memory:").unwrap(), WarehouseUrl::SqliteMemory);
    /// assert!(WarehouseUrl::parse("postgres://localhost/dwh").is_ok());
    /// assert!(WarehouseUrl::parse("mysql://localhost/dwh").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, PipelineError> {
        if text == "sqlite::memory:" || text == "sqlite://:memory:" {
            return Ok(WarehouseUrl::SqliteMemory);
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            return Ok(WarehouseUrl::Sqlite(PathBuf::from(path)));
        }
        if !text.contains("://") && (text.ends_with(".sqlite") || text.ends_with(".db")) {
            return Ok(WarehouseUrl::Sqlite(PathBuf::from(text)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(WarehouseUrl::Postgres(text.to_owned()));
        }
        Err(PipelineError::Run(format!(
            "warehouse {text:?}: give sqlite:PATH, sqlite::memory: or postgres://user@host:port/db"
        )))
    }
}

/// How a run goes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// The warehouse.
    pub warehouse: WarehouseUrl,
    /// How the Code Engine runs (interpreter, workers, limits).
    pub code_engine: Config,
    /// Events per batch (one transaction a table a batch).
    pub batch_size: usize,
}

impl RunOptions {
    /// Into `warehouse`, batches of 1000, the Code Engine with a worker
    /// per core.
    pub fn new(warehouse: WarehouseUrl) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        RunOptions {
            warehouse,
            code_engine: Config::default().workers(cores),
            batch_size: 1000,
        }
    }
}

/// An event that did not load, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotLoaded {
    /// The reason's kind (`unmapped`, `code_engine`, `malformed` …).
    pub kind: String,
    /// Why, in a line.
    pub reason: String,
    /// Where it was read (`file#n`).
    pub source: String,
    /// The event (or, for a line that is not JSON, its text).
    pub event: Value,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunReport {
    /// The data path's counts (loaded, already loaded, discarded …).
    #[serde(flatten)]
    pub flow: Report,
    /// Events read.
    pub events_read: usize,
    /// Lines or values that were not events (not JSON, not an object).
    pub not_events: usize,
    /// The warehouse's tables after the run.
    pub tables: Vec<String>,
}

/// How far a run is: after each batch loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Events read so far.
    pub events_read: usize,
    /// Bytes of the event files read so far (as stored: compressed for
    /// `.gz`).
    pub bytes_read: u64,
    /// Bytes of all the event files.
    pub bytes_total: u64,
}

/// One event read, and where; or why it is not one, with its text.
struct Read1 {
    event: Result<Value, (String, String)>,
    source: String,
}

/// A stable id for the event at `source` (`file#n`).
fn source_uuid(source: &str) -> String {
    alooma_engine::intake::named_uuid(source)
}

/// The input label of an event read from `path` when it names none.
fn label_of(path: &Path) -> String {
    let hour = |s: &str| {
        let b = s.as_bytes();
        b.len() == 13
            && b.iter().enumerate().all(|(i, c)| {
                if matches!(i, 4 | 7 | 10) {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    let parent = path.parent();
    let folder = parent.and_then(|p| p.file_name()).and_then(|n| n.to_str());
    if folder.is_some_and(hour) {
        if let Some(label) = parent
            .and_then(Path::parent)
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            return label.to_owned();
        }
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("events");
    name.split('.').next().unwrap_or(name).to_owned()
}

/// Every file under `path` (itself when a file), in name order.
fn files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), PipelineError> {
    let io = |source| PipelineError::Io {
        path: path.to_owned(),
        source,
    };
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io)?;
        entries.sort();
        for e in entries {
            files(&e, out)?;
        }
    } else {
        std::fs::metadata(path).map_err(io)?;
        out.push(path.to_owned());
    }
    Ok(())
}

/// Reads the events of one file, calling `each` per event, streaming JSON
/// lines; a file whose first line is not a JSON value is read whole as one
/// document (an object, or an array of objects).
fn read_file(
    path: &Path,
    bytes_read: &std::cell::Cell<u64>,
    each: &mut dyn FnMut(Read1) -> Result<(), PipelineError>,
) -> Result<(), PipelineError> {
    let io = |source| PipelineError::Io {
        path: path.to_owned(),
        source,
    };
    let file = Counting {
        inner: std::fs::File::open(path).map_err(io)?,
        count: bytes_read,
    };
    let reader: Box<dyn Read + '_> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut reader = BufReader::new(reader);
    let shown = path.display().to_string();
    let mut first = String::new();
    reader.read_line(&mut first).map_err(io)?;
    let first_is_value = {
        let t = first.trim();
        t.is_empty() || serde_json::from_str::<Value>(t).is_ok()
    };
    if !first_is_value {
        let mut rest = String::new();
        reader.read_to_string(&mut rest).map_err(io)?;
        let text = first + &rest;
        return match serde_json::from_str::<Value>(&text) {
            Ok(Value::Array(items)) => {
                for (i, item) in items.into_iter().enumerate() {
                    each(Read1 {
                        event: Ok(item),
                        source: format!("{shown}#{}", i + 1),
                    })?;
                }
                Ok(())
            }
            Ok(value) => each(Read1 {
                event: Ok(value),
                source: format!("{shown}#1"),
            }),
            // Not one document either: JSON lines whose first is bad.
            Err(_) => {
                let mut n = 0usize;
                for line in text.lines() {
                    one_line(line, &shown, &mut n, each)?;
                }
                Ok(())
            }
        };
    }
    let mut n = 0usize;
    let mut line = first;
    loop {
        one_line(&line, &shown, &mut n, each)?;
        line = String::new();
        if reader.read_line(&mut line).map_err(io)? == 0 {
            return Ok(());
        }
    }
}

/// A reader that adds the bytes it reads to a count.
struct Counting<'a, R> {
    inner: R,
    count: &'a std::cell::Cell<u64>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The event (or events) of one line of a JSON-lines file, the `n`th
/// non-empty one.
fn one_line(
    line: &str,
    shown: &str,
    n: &mut usize,
    each: &mut dyn FnMut(Read1) -> Result<(), PipelineError>,
) -> Result<(), PipelineError> {
    let text = line.trim();
    if text.is_empty() {
        return Ok(());
    }
    *n += 1;
    let source = format!("{shown}#{n}");
    match serde_json::from_str::<Value>(text) {
        // A line holding an array (a one-line array file, a batch) holds
        // one event an item.
        Ok(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                each(Read1 {
                    event: Ok(item),
                    source: format!("{source}.{}", i + 1),
                })?;
            }
            Ok(())
        }
        Ok(value) => each(Read1 {
            event: Ok(value),
            source,
        }),
        Err(e) => each(Read1 {
            // The line as it was, but for its line break.
            event: Err((
                format!("not JSON: {e}: {}", truncate(text)),
                line.trim_end_matches(['\n', '\r']).to_owned(),
            )),
            source,
        }),
    }
}

fn truncate(text: &str) -> String {
    let mut out: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

impl Pipeline {
    /// Runs this pipeline over the events at `paths` into the warehouse of
    /// `options` (see the [module docs](crate::run)); `not_loaded` gets
    /// each event that did not load, `progress` how far the run is before
    /// the first batch and after each.
    ///
    /// # Errors
    ///
    /// [`PipelineError`] when a file cannot be read, the warehouse cannot
    /// be opened, or the Code Engine modules do not load.
    pub fn run(
        &self,
        paths: &[PathBuf],
        options: &RunOptions,
        not_loaded: &mut dyn FnMut(NotLoaded) -> Result<(), PipelineError>,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<RunReport, PipelineError> {
        let warehouse: Box<dyn alooma_engine::warehouse::Warehouse + Send> = match &options
            .warehouse
        {
            WarehouseUrl::Sqlite(path) => Sqlite::open(path).map(|w| Box::new(w) as _),
            WarehouseUrl::SqliteMemory => Sqlite::in_memory().map(|w| Box::new(w) as _),
            WarehouseUrl::Postgres(url) => {
                alooma_engine::warehouse::postgres::Postgres::connect(url).map(|w| Box::new(w) as _)
            }
        }
        .map_err(|e| PipelineError::Run(format!("the warehouse: {e}")))?;
        let mut path = DataPath::new(self.mapper()?, warehouse);
        path.create_tables = true;
        let modules = self.modules();
        if !modules.is_empty() {
            let engine = Arc::new(CodeEngine::new(options.code_engine.clone()));
            let deployment = engine
                .deploy(&modules)
                .map_err(|e| PipelineError::Run(format!("the Code Engine modules: {e}")))?;
            path.code = Some((engine, deployment));
        }

        let mut all = Vec::new();
        for p in paths {
            files(p, &mut all)?;
        }
        let bytes_total = all
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        progress(Progress {
            bytes_total,
            ..Progress::default()
        });
        let mut report = RunReport::default();
        let now = now_millis();
        let batch_size = options.batch_size.max(1);
        let (events_read, not_events) = (&mut report.events_read, &mut report.not_events);
        // Reading and stamping (on a thread of their own), the Code Engine
        // and the Mapper with the warehouse overlap, a batch apart.
        path.process_stream(
            |feed| {
                let mut batch = Vec::with_capacity(batch_size);
                let mut read = Batch::default();
                let bytes_read = std::cell::Cell::new(0);
                let mut failed = None;
                for file in &all {
                    let label = label_of(file);
                    let input = Input {
                        id: format!("file:{label}"),
                        label,
                        input_type: "FILE".into(),
                    };
                    let each = read_file(file, &bytes_read, &mut |one| {
                        *events_read += 1;
                        read.progress = Progress {
                            events_read: *events_read,
                            bytes_read: bytes_read.get(),
                            bytes_total,
                        };
                        match with_id(one.event, &one.source, &input, now) {
                            Ok((event, uuid)) => {
                                read.sources.insert(uuid, one.source);
                                batch.push(event);
                                if batch.len() >= batch_size {
                                    let full = std::mem::replace(
                                        &mut batch,
                                        Vec::with_capacity(batch_size),
                                    );
                                    feed.send(full, std::mem::take(&mut read))
                                        .map_err(|e| PipelineError::Run(e.to_string()))?;
                                }
                            }
                            Err(malformed) => {
                                *not_events += 1;
                                read.malformed.push(NotLoaded {
                                    kind: "malformed".into(),
                                    reason: malformed.0,
                                    source: one.source,
                                    event: malformed.1,
                                });
                            }
                        }
                        Ok(())
                    });
                    if let Err(e) = each {
                        failed = Some(e);
                        break;
                    }
                }
                // The last batch (perhaps only what was not an event), also
                // when a file could not be read: what was read before it is
                // loaded, and what was not an event handed over, before the
                // error.
                read.progress = Progress {
                    events_read: *events_read,
                    bytes_read: bytes_read.get(),
                    bytes_total,
                };
                let sent = feed
                    .send(batch, read)
                    .map_err(|e| PipelineError::Run(e.to_string()));
                match failed {
                    Some(e) => Err(e),
                    None => sent,
                }
            },
            |path, read, _| {
                for malformed in read.malformed {
                    not_loaded(malformed)?;
                }
                for q in path.queue.take() {
                    let source = q.event["_metadata"]["@uuid"]
                        .as_str()
                        .and_then(|u| read.sources.get(u).cloned())
                        .unwrap_or_default();
                    not_loaded(NotLoaded {
                        kind: q.kind.to_owned(),
                        reason: q.reason,
                        source,
                        event: q.event,
                    })?;
                }
                progress(read.progress);
                Ok(())
            },
        )?;
        report.flow = path.totals.clone();
        report.tables = path
            .warehouse
            .tables()
            .map_err(|e| PipelineError::Run(format!("the warehouse: {e}")))?
            .into_iter()
            .map(|(t, _)| t.to_string())
            .collect();
        Ok(report)
    }

    /// The Mapper of this pipeline: its default mapping mode and event
    /// types.
    fn mapper(&self) -> Result<Mapper, PipelineError> {
        let mode = self
            .get(&ResourceId::singleton(Kind::MappingMode))
            .and_then(Document::as_json)
            .and_then(Value::as_str)
            .and_then(MappingMode::parse)
            .unwrap_or_default();
        let mut mapper = Mapper::new(mode);
        for (id, doc) in self.resources() {
            if id.kind != Kind::EventType {
                continue;
            }
            let Some(json) = doc.as_json() else { continue };
            let et: EventType =
                serde_json::from_value(json.clone()).map_err(|e| PipelineError::Layout {
                    path: PathBuf::from(format!(
                        "event-types/{}.json",
                        crate::encode_name(&id.name)
                    )),
                    message: format!("not an event type the Mapper can use: {e}"),
                })?;
            mapper.event_types.insert(id.name.clone(), et);
        }
        Ok(mapper)
    }

    /// The Code Engine modules of this pipeline.
    fn modules(&self) -> Modules {
        let mut modules = Modules::new();
        for (id, doc) in self.resources() {
            if let (Kind::CodeModule, Some(code)) = (id.kind, doc.as_text()) {
                modules.insert(id.name.clone(), code);
            }
        }
        modules
    }
}

/// What was read for one batch besides its events: where each event was
/// read (by `@uuid`), what was not an event, and how far the reading is.
#[derive(Default)]
struct Batch {
    sources: std::collections::HashMap<String, String>,
    malformed: Vec<NotLoaded>,
    progress: Progress,
}

/// A value read at `source`, stamped as an event of `input` with its
/// `@uuid` (a stable one from `source` when it has none), or why it is not
/// an event with what to keep of it.
fn with_id(
    read: Result<Value, (String, String)>,
    source: &str,
    input: &Input,
    now: i64,
) -> Result<(Value, String), (String, Value)> {
    let mut event = match read {
        Err((reason, raw)) => return Err((reason, Value::String(raw))),
        Ok(Value::Object(o)) => o,
        Ok(other) => {
            let reason = match stamp(other.clone(), input, now) {
                Err(e) => e.to_string(),
                Ok(_) => "not an event".to_owned(),
            };
            return Err((reason, other));
        }
    };
    let meta = event.entry("_metadata").or_insert_with(|| json!({}));
    if !meta.is_object() {
        let original = meta.take();
        *meta = json!({ "original_metadata": original });
    }
    if let Value::Object(m) = meta {
        if m.get("@uuid").is_none_or(Value::is_null) {
            m.insert("@uuid".into(), json!(source_uuid(source)));
        }
    }
    let event =
        stamp(Value::Object(event), input, now).map_err(|e| (e.to_string(), json!(null)))?;
    let uuid = event["_metadata"]["@uuid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((event, uuid))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
