//! What the account's data path is made of, apart from the state it
//! reads: the data path itself ([`AccountData`]), where its warehouse
//! lives ([`WarehouseLocation`]), why events were not taken
//! ([`IngestError`]), input tokens, and running off the async runtime.

use std::collections::BTreeMap;
use std::path::PathBuf;

use alooma_engine::code_engine::Deployment;
use alooma_engine::flow::DataPath;
use alooma_engine::mapper::model::MappingMode as EngineMode;
use alooma_engine::warehouse::{Column, LoadRow, Loaded, TableName, Warehouse, WarehouseError};
use serde_json::{json, Value};

use super::model::MappingMode;

/// The data path of one account, made on first use.
pub struct AccountData {
    pub(crate) path: DataPath,
    /// The modules the Code Engine runs now, and their deployment.
    pub(crate) deployed: Option<(BTreeMap<String, String>, Deployment)>,
    /// Why the state's modules do not load, when they do not (events then
    /// wait in the Restream Queue with it).
    pub(crate) deploy_error: Option<String>,
    /// Event types the Mapper could not read (their mapping is not written
    /// back, so it is never replaced by a blank one).
    pub(crate) unreadable: std::collections::BTreeSet<String>,
    /// What happened, minute by minute (epoch seconds of the minute).
    pub(crate) minutes: BTreeMap<i64, MinuteCounts>,
}

impl std::fmt::Debug for AccountData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountData")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What happened in one minute of the data path (the metrics' source).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MinuteCounts {
    /// Events received.
    pub incoming: u64,
    /// Rows loaded.
    pub loaded: u64,
    /// Events queued for unmapped fields or a missing table.
    pub unmapped: u64,
    /// Events dropped by a rule (the transform, a discarded type).
    pub ignored: u64,
    /// Events queued for an error (Code Engine, conversion, warehouse).
    pub errors: u64,
    /// Events sent through again by a restream.
    pub restreamed: u64,
    /// Bytes of the events received (their JSON).
    pub bytes: u64,
    /// Processing times: (milliseconds, events) of each batch.
    pub latencies: Vec<(f64, u64)>,
}

/// An event of the Restream Queue as the state file keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueuedEvent {
    /// The event as it entered the Code Engine.
    pub event: Value,
    /// Why it did not load.
    pub reason: String,
    /// The reason's kind (`unmapped`, `code_engine` …).
    pub kind: String,
    /// Its event type, when known.
    #[serde(default)]
    pub event_type: Option<String>,
}

/// The queue's kind names, as `&'static str` (an unknown one reads as
/// `restored`).
pub(crate) fn kind_name(kind: &str) -> &'static str {
    match kind {
        "unmapped" => "unmapped",
        "conversion" => "conversion",
        "code_engine" => "code_engine",
        "no_table" => "no_table",
        "warehouse" => "warehouse",
        "not_an_object" => "not_an_object",
        "no_event_type" => "no_event_type",
        _ => "restored",
    }
}

/// Where an account's warehouse lives.
#[derive(Clone, Default, PartialEq, Eq)]
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

/// A connection URL with its password replaced by `<redacted>`.
pub(crate) fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:<redacted>{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl std::fmt::Debug for WarehouseLocation {
    /// A PostgreSQL password is left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WarehouseLocation::Memory => f.write_str("Memory"),
            WarehouseLocation::File(p) => f.debug_tuple("File").field(p).finish(),
            WarehouseLocation::Postgres(url) => {
                f.debug_tuple("Postgres").field(&redact_url(url)).finish()
            }
        }
    }
}

impl WarehouseLocation {
    /// Where another account of the same emulator keeps its warehouse, so
    /// no account sees another's tables, rows or queue: beside an SQLite
    /// file, a file of its own (`dwh.sqlite.account-globex`, the account's
    /// name with bytes other than letters, digits, `-` and `_` as `%XX`);
    /// in memory, a database of its own. Choice \[G\]: a PostgreSQL server
    /// holds the primary account's only; the others' are in memory, as
    /// one database cannot hold two accounts' `public` schemas apart.
    ///
    /// ```
    /// use alooma_emulator::domain::data::WarehouseLocation;
    /// let primary = WarehouseLocation::File("/tmp/dwh.sqlite".into());
    /// assert_eq!(
    ///     primary.for_account("globex"),
    ///     WarehouseLocation::File("/tmp/dwh.sqlite.account-globex".into())
    /// );
    /// ```
    pub fn for_account(&self, account: &str) -> WarehouseLocation {
        match self {
            WarehouseLocation::File(path) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".account-");
                for b in account.bytes() {
                    if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                        name.push(char::from(b).to_string());
                    } else {
                        name.push(format!("%{b:02X}"));
                    }
                }
                WarehouseLocation::File(PathBuf::from(name))
            }
            _ => WarehouseLocation::Memory,
        }
    }

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
pub(crate) fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> R {
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
pub(crate) struct Detached(pub(crate) Option<Box<dyn Warehouse + Send>>);

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
    fn max_name(&self) -> usize {
        self.0
            .as_deref()
            .map_or(alooma_engine::mapper::naming::MAX_NAME, |w| w.max_name())
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

pub(crate) fn engine_mode(mode: MappingMode) -> EngineMode {
    match mode {
        MappingMode::Strict => EngineMode::Strict,
        MappingMode::Flexible => EngineMode::Flexible,
        MappingMode::AutoMap => EngineMode::AutoMap,
    }
}
