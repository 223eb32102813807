//! The warehouse: a real database the Mapper's rows load into, behind one
//! small trait ([`Warehouse`]): embedded SQLite ([`sqlite::Sqlite`]) and
//! PostgreSQL ([`postgres::Postgres`], the stand-in for Redshift).
//!
//! - **Names.** A table is `(schema, table)`; no schema is the
//!   warehouse's default (`public`). In SQLite a schema is an attached
//!   database file beside the main one (`public.orders` is written the same
//!   way in SQL on SQLite and PostgreSQL).
//! - **Types.** Column types are the mapping's (`VARCHAR(256)`, `BIGINT`,
//!   `FLOAT`, `BOOLEAN`, `TIMESTAMP` …), stored in the database's nearest
//!   type; the catalog answers the mapping's type names back.
//! - **Exactly once.** Rows load in batches, one transaction a batch; each
//!   row carries its event's `@uuid`, recorded in the same transaction, so
//!   a row whose `@uuid` is already loaded (a replay, a restream of an
//!   event that did load, a re-run) is skipped, never loaded twice.

pub mod postgres;
pub mod sqlite;

use crate::mapper::convert::Cell;
use crate::mapper::model::ColumnType;
use std::fmt;

/// The default schema's name.
pub const DEFAULT_SCHEMA: &str = "public";

/// A table's identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableName {
    /// The schema.
    pub schema: String,
    /// The table.
    pub table: String,
}

impl TableName {
    /// `schema.table`, the default schema when `schema` is `None`.
    pub fn new(schema: Option<&str>, table: &str) -> Self {
        TableName {
            schema: schema.unwrap_or(DEFAULT_SCHEMA).to_owned(),
            table: table.to_owned(),
        }
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.table)
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type, as the mapping writes it.
    pub column_type: ColumnType,
}

/// A row to load: its event's `@uuid` and its cells by column.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRow {
    /// The event's `@uuid` (what makes loading exactly once).
    pub uuid: String,
    /// The cells.
    pub cells: Vec<(String, Cell)>,
}

/// What a load did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Rows inserted.
    pub inserted: usize,
    /// Rows skipped: their `@uuid` was loaded before.
    pub already_loaded: usize,
}

/// Why the warehouse refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarehouseError {
    /// The table does not exist.
    #[error("table {0} does not exist")]
    NoTable(TableName),
    /// The schema does not exist.
    #[error("schema {0} does not exist")]
    NoSchema(String),
    /// The table exists already.
    #[error("table {0} already exists")]
    TableExists(TableName),
    /// A column a row names does not exist.
    #[error("table {table} has no column {column}")]
    NoColumn {
        /// The table.
        table: TableName,
        /// The column.
        column: String,
    },
    /// A name the warehouse cannot take.
    #[error("{0:?} is not a name this warehouse takes")]
    BadName(String),
    /// The database refused (its message).
    #[error("the warehouse refused: {0}")]
    Database(String),
}

impl WarehouseError {
    /// Whether the table (or its schema) is missing: the events wait.
    pub fn is_missing_table(&self) -> bool {
        matches!(
            self,
            WarehouseError::NoTable(_) | WarehouseError::NoSchema(_)
        )
    }
}

/// A database rows load into.
pub trait Warehouse {
    /// The schemas.
    fn schemas(&mut self) -> Result<Vec<String>, WarehouseError>;

    /// Creates a schema (nothing when it exists).
    fn create_schema(&mut self, schema: &str) -> Result<(), WarehouseError>;

    /// The tables of every schema, with their columns.
    fn tables(&mut self) -> Result<Vec<(TableName, Vec<Column>)>, WarehouseError>;

    /// Creates a table with these columns.
    fn create_table(&mut self, table: &TableName, columns: &[Column])
        -> Result<(), WarehouseError>;

    /// Adds the columns the table lacks (by name; existing ones are kept).
    fn add_columns(&mut self, table: &TableName, columns: &[Column]) -> Result<(), WarehouseError>;

    /// Drops a table.
    fn drop_table(&mut self, table: &TableName) -> Result<(), WarehouseError>;

    /// Loads rows into a table in one transaction, each row once per
    /// `@uuid`; nothing is loaded when any row fails.
    fn load(&mut self, table: &TableName, rows: &[LoadRow]) -> Result<Loaded, WarehouseError>;

    /// Whether the event `uuid` was loaded.
    fn is_loaded(&mut self, uuid: &str) -> Result<bool, WarehouseError>;

    /// The longest table or column name it takes, in bytes.
    fn max_name(&self) -> usize {
        crate::mapper::naming::MAX_NAME
    }

    /// Runs an SQL query and answers its rows as JSON objects (column →
    /// value), to look at what loaded.
    fn query_json(&mut self, sql: &str) -> Result<serde_json::Value, WarehouseError>;
}
