//! The account's data path: events pushed to its inputs run through its
//! Code Engine modules (real CPython, by its [`CodeExecution`]), its event
//! types' mappings and mapping mode (`alooma_engine`'s Mapper) and into a
//! real warehouse (embedded SQLite, in memory unless given a file), with
//! what does not load held in the Restream Queue with its reason.
//!
//! The account's state stays the one source of its configuration: before
//! each batch the Mapper takes the state's event types and mapping mode,
//! and after it the state takes back what the Mapper learned (new event
//! types, fields, stats, auto-mapped columns). The RESTREAM node's
//! `availbleForRestream` is the queue's size once events flow.
//!
//! A table an event type's mapping names is made in the warehouse, with
//! the mapping's columns, when its first rows load (the service made it
//! when the event type was mapped).
//!
//! Input tokens: every input gets one when it is made (a JWT-shaped text
//! whose payload names the account, the input and its type, as the
//! service's did; its signature is random). `POST /rest/{token}`,
//! `GET /rest/{token}?k=v` and the Python SDK's `/pysdk/{token}` push into
//! that input.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use alooma_engine::code_engine::{Deployment, Modules};
use alooma_engine::flow::{DataPath, Report};
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::model::MappingMode as EngineMode;
use alooma_engine::mapper::Mapper;
use alooma_engine::warehouse::sqlite::Sqlite;
use alooma_engine::warehouse::{Column, LoadRow, Loaded, TableName, Warehouse, WarehouseError};
use serde_json::{json, Value};

use super::model::{EventType, MappingMode};
use super::state::State;

/// The data path of one account, made on first use.
pub struct AccountData {
    path: DataPath,
    /// The modules the Code Engine runs now, and their deployment.
    deployed: Option<(BTreeMap<String, String>, Deployment)>,
}

impl std::fmt::Debug for AccountData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountData")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Where an account's warehouse lives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarehouseLocation {
    /// An SQLite database in memory (gone with the emulator).
    #[default]
    Memory,
    /// An SQLite file (kept across restarts).
    File(PathBuf),
    /// A PostgreSQL server (`postgres://user@host:port/db`).
    Postgres(String),
}

impl WarehouseLocation {
    /// Reads `sqlite:PATH`, `sqlite::memory:` or `postgres://…`.
    ///
    /// ```
    /// use alooma_emulator::domain::data::WarehouseLocation;
    /// assert_eq!(WarehouseLocation::parse("sqlite::memory:"), Some(WarehouseLocation::Memory));
    /// assert!(WarehouseLocation::parse("postgres://u@h/db").is_some());
    /// assert_eq!(WarehouseLocation::parse("mysql://h/db"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        if text == "sqlite::memory:" {
            return Some(WarehouseLocation::Memory);
        }
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            return Some(WarehouseLocation::File(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Some(WarehouseLocation::Postgres(text.to_owned()));
        }
        None
    }
}

/// Why events were not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestError {
    /// No input has this token.
    UnknownToken,
    /// An event is not a JSON object (its place and kind).
    NotAnObject(String),
    /// The warehouse could not be opened.
    Warehouse(String),
}

impl std::fmt::Display for IngestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IngestError::UnknownToken => f.write_str("no input has this token"),
            IngestError::NotAnObject(why) => f.write_str(why),
            IngestError::Warehouse(why) => write!(f, "the warehouse: {why}"),
        }
    }
}

/// Runs `f` on a thread of its own when an async runtime is current: the
/// PostgreSQL client blocks on a runtime of its own, which cannot start
/// inside another (the HTTP front's).
fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// A warehouse dropped on a thread of its own when an async runtime is
/// current (the PostgreSQL client's own runtime cannot be dropped inside
/// another); every call goes to the warehouse it holds.
struct Detached(Option<Box<dyn Warehouse + Send>>);

impl Detached {
    fn inner(&mut self) -> Result<&mut (dyn Warehouse + Send + 'static), WarehouseError> {
        self.0
            .as_deref_mut()
            .ok_or_else(|| WarehouseError::Database("the warehouse is closed".into()))
    }
}

impl Drop for Detached {
    fn drop(&mut self) {
        if let Some(w) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(w));
            }
        }
    }
}

impl Warehouse for Detached {
    fn schemas(&mut self) -> Result<Vec<String>, WarehouseError> {
        self.inner()?.schemas()
    }
    fn create_schema(&mut self, schema: &str) -> Result<(), WarehouseError> {
        self.inner()?.create_schema(schema)
    }
    fn tables(&mut self) -> Result<Vec<(TableName, Vec<Column>)>, WarehouseError> {
        self.inner()?.tables()
    }
    fn create_table(
        &mut self,
        table: &TableName,
        columns: &[Column],
    ) -> Result<(), WarehouseError> {
        self.inner()?.create_table(table, columns)
    }
    fn add_columns(&mut self, table: &TableName, columns: &[Column]) -> Result<(), WarehouseError> {
        self.inner()?.add_columns(table, columns)
    }
    fn drop_table(&mut self, table: &TableName) -> Result<(), WarehouseError> {
        self.inner()?.drop_table(table)
    }
    fn load(&mut self, table: &TableName, rows: &[LoadRow]) -> Result<Loaded, WarehouseError> {
        self.inner()?.load(table, rows)
    }
    fn is_loaded(&mut self, uuid: &str) -> Result<bool, WarehouseError> {
        self.inner()?.is_loaded(uuid)
    }
    fn query_json(&mut self, sql: &str) -> Result<Value, WarehouseError> {
        self.inner()?.query_json(sql)
    }
}

/// A new input token: `header.payload.signature`, base64url.
pub(crate) fn mint_token(account: &str, label: &str, input_type: &str) -> String {
    let header = b64(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64(
        json!({"clientName": account, "inputLabel": label, "inputType": input_type})
            .to_string()
            .as_bytes(),
    );
    let signature: Vec<u8> = (0..32).map(|_| fastrand::u8(..)).collect();
    format!("{header}.{payload}.{}", b64(&signature))
}

/// Base64url without padding.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

fn engine_mode(mode: MappingMode) -> EngineMode {
    match mode {
        MappingMode::Strict => EngineMode::Strict,
        MappingMode::Flexible => EngineMode::Flexible,
        MappingMode::AutoMap => EngineMode::AutoMap,
    }
}

impl State {
    /// The input whose token this is: `(id, name, type)`.
    pub(crate) fn input_of_token(&self, token: &str) -> Option<(String, String, String)> {
        let (id, _) = self
            .input_meta
            .iter()
            .find(|(_, m)| m.token.as_deref() == Some(token))?;
        let node = self.node(id)?;
        Some((id.clone(), node.name.clone(), node.node_type.clone()))
    }

    /// The token events are pushed to the input `name` with.
    pub fn input_token(&self, name: &str) -> Option<&str> {
        let node = self
            .nodes
            .iter()
            .find(|n| n.is_user_input() && n.name == name)?;
        self.input_meta.get(&node.id)?.token.as_deref()
    }

    /// The account's data path, made on first use.
    fn data(&mut self) -> Result<&mut AccountData, IngestError> {
        if self.data.is_none() {
            let location = self.warehouse.clone();
            let warehouse: Box<dyn Warehouse + Send> = off_runtime(move || match &location {
                WarehouseLocation::Memory => Sqlite::in_memory().map(|w| Box::new(w) as _),
                WarehouseLocation::File(path) => Sqlite::open(path).map(|w| Box::new(w) as _),
                WarehouseLocation::Postgres(url) => {
                    alooma_engine::warehouse::postgres::Postgres::connect(url)
                        .map(|w| Box::new(w) as _)
                }
            })
            .map_err(|e| IngestError::Warehouse(e.to_string()))?;
            let mut path = DataPath::new(
                Mapper::new(EngineMode::Strict),
                Box::new(Detached(Some(warehouse))),
            );
            // Mapping an event type made its table on the service.
            path.create_tables = true;
            self.data = Some(AccountData {
                path,
                deployed: None,
            });
        }
        self.data
            .as_mut()
            .ok_or_else(|| IngestError::Warehouse("no data path".into()))
    }

    /// The Mapper takes the state's event types and mode; the Code Engine
    /// the state's modules (deployed again when they changed).
    fn sync_into_path(&mut self) -> Result<(), IngestError> {
        let mode = engine_mode(self.mapping_mode);
        let types: BTreeMap<String, alooma_engine::mapper::model::EventType> = self
            .event_types
            .iter()
            .filter_map(|(name, et)| {
                let json = serde_json::to_value(et).ok()?;
                Some((name.clone(), serde_json::from_value(json).ok()?))
            })
            .collect();
        let modules = self.modules.clone();
        let engine = self.code.engine_arc();
        let data = self.data()?;
        data.path.mapper.default_mode = mode;
        data.path.mapper.event_types = types;
        match engine {
            None => data.path.code = None,
            Some(engine) => {
                let stale = data.deployed.as_ref().is_none_or(|(m, _)| *m != modules);
                if stale {
                    let mut m = Modules::new();
                    for (name, code) in &modules {
                        m.insert(name.clone(), code.clone());
                    }
                    // Modules that do not load fail each event at run time
                    // (the queue holds them with the error); deployed as is.
                    if let Ok(deployment) = engine.deploy(&m) {
                        data.deployed = Some((modules, deployment));
                    }
                }
                data.path.code = data
                    .deployed
                    .as_ref()
                    .map(|(_, d)| (Arc::clone(&engine), d.clone()));
            }
        }
        Ok(())
    }

    /// The state takes back what the Mapper learned; the RESTREAM node
    /// shows the queue's size.
    fn sync_from_path(&mut self) {
        let Some(data) = self.data.as_ref() else {
            return;
        };
        let learned: Vec<(String, EventType)> = data
            .path
            .mapper
            .event_types
            .iter()
            .filter_map(|(name, et)| {
                let json = serde_json::to_value(et).ok()?;
                Some((name.clone(), serde_json::from_value(json).ok()?))
            })
            .collect();
        let queued = data.path.queue.len();
        for (name, et) in learned {
            self.event_types.insert(name, et);
        }
        if let Some(node) = self.node_of_type_mut("RESTREAM") {
            node.stats
                .insert("availbleForRestream".into(), json!(queued));
        }
    }

    /// Takes `events` pushed to the input `input_id` (stamped with their
    /// `_metadata`) through the data path.
    ///
    /// # Errors
    ///
    /// [`IngestError`] when an event is not an object (nothing is taken)
    /// or the warehouse cannot be opened.
    pub(crate) fn ingest(
        &mut self,
        input: (&str, &str, &str),
        events: Vec<Value>,
    ) -> Result<Report, IngestError> {
        let (id, label, input_type) = input;
        let now = self.now_millis();
        let input = Input {
            id: id.to_owned(),
            label: label.to_owned(),
            input_type: input_type.to_owned(),
        };
        let mut stamped = Vec::with_capacity(events.len());
        for (i, e) in events.into_iter().enumerate() {
            stamped.push(
                stamp(e, &input, now)
                    .map_err(|e| IngestError::NotAnObject(format!("event {}: {e}", i + 1)))?,
            );
        }
        self.sync_into_path()?;
        let data = self.data()?;
        let report = off_runtime(|| data.path.process(stamped));
        self.sync_from_path();
        Ok(report)
    }

    /// Sends the Restream Queue through the data path again.
    pub(crate) fn restream_events(&mut self) -> Option<Report> {
        self.data.as_ref()?;
        self.sync_into_path().ok()?;
        let data = self.data.as_mut()?;
        let report = off_runtime(|| data.path.restream());
        self.sync_from_path();
        Some(report)
    }

    /// Empties the Restream Queue of events (when events flowed).
    pub(crate) fn purge_events(&mut self) {
        if let Some(data) = self.data.as_mut() {
            data.path.queue.purge();
        }
    }

    /// Whether events have flowed (the queue and counts are real).
    pub(crate) fn has_data(&self) -> bool {
        self.data.is_some()
    }

    /// Everything counted since events began to flow.
    pub fn data_totals(&self) -> Option<Report> {
        self.data.as_ref().map(|d| d.path.totals.clone())
    }

    /// The Restream Queue: each event with its reason.
    pub fn restream_queue(&self) -> Vec<(Value, String)> {
        self.data
            .as_ref()
            .map(|d| {
                d.path
                    .queue
                    .iter()
                    .map(|q| (q.event.clone(), q.reason.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs a query on the account's warehouse (when events flowed),
    /// answering rows as JSON objects.
    ///
    /// # Errors
    ///
    /// The warehouse's error, as text.
    pub fn query_warehouse(&mut self, sql: &str) -> Result<Value, String> {
        let data = self.data().map_err(|e| e.to_string())?;
        data.path
            .warehouse
            .query_json(sql)
            .map_err(|e| e.to_string())
    }
}
