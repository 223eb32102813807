//! The PostgreSQL warehouse (the stand-in for Redshift): the same
//! [`Warehouse`] over a real server, `schema.table` as itself.
//!
//! Values travel as text and are cast to their column's type by the
//! server (`CAST($1 AS bigint)`), so a value loads as the warehouse's COPY
//! would take it; the loaded events' `@uuid`s are in
//! `public._alooma_loaded`, written in the same transaction as the rows.

use super::{Column, LoadRow, Loaded, TableName, Warehouse, WarehouseError, DEFAULT_SCHEMA};
use crate::mapper::convert::Cell;
use crate::mapper::model::ColumnType;
use postgres::{Client, NoTls};

/// A PostgreSQL warehouse.
pub struct Postgres {
    url: String,
    client: Client,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres").finish_non_exhaustive()
    }
}

fn db(e: postgres::Error) -> WarehouseError {
    // The server's own message when it sent one.
    let message = e
        .as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_owned());
    WarehouseError::Database(message)
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The server's type for a mapping's column type.
fn sql_type(ty: &ColumnType) -> String {
    let name = ty.type_name.trim().to_ascii_uppercase();
    let base = name.split('(').next().unwrap_or_default().trim().to_owned();
    let mut out = match base.as_str() {
        "VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" => match ty.char_length() {
            // Redshift's and Snowflake's longest are beyond PostgreSQL's
            // varchar limit: text then.
            Some(n) if n <= 10_485_760 => format!("varchar({n})"),
            _ => "text".into(),
        },
        "CHAR" | "CHARACTER" | "BPCHAR" => match ty.char_length() {
            Some(n) => format!("char({n})"),
            None => "char(1)".into(),
        },
        "TEXT" | "STRING" | "JSON" | "SUPER" | "VARIANT" => "text".into(),
        "BIGINT" | "INT8" => "bigint".into(),
        "INT" | "INTEGER" | "INT4" => "integer".into(),
        "SMALLINT" | "INT2" => "smallint".into(),
        "FLOAT" | "FLOAT8" | "FLOAT_NORM" | "DOUBLE" | "DOUBLE PRECISION" => {
            "double precision".into()
        }
        "REAL" | "FLOAT4" => "real".into(),
        "NUMERIC" | "DECIMAL" => {
            let p = ty.precision.as_ref().and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            });
            match (p, ty.numeric_scale()) {
                (Some(p), Some(s)) => format!("numeric({p},{s})"),
                (Some(p), None) => format!("numeric({p})"),
                _ => "numeric".into(),
            }
        }
        "BOOLEAN" | "BOOL" => "boolean".into(),
        "TIMESTAMP" | "DATETIME" => "timestamp".into(),
        "TIMESTAMPTZ" => "timestamptz".into(),
        "DATE" => "date".into(),
        _ => "text".into(),
    };
    if ty.is_non_null() {
        out.push_str(" NOT NULL");
    }
    out
}

/// The type a value is cast to before it goes into its column: the
/// column's, without a length or precision.
fn cast_type(ty: &ColumnType) -> String {
    let full = sql_type(&ColumnType {
        non_null: None,
        ..ty.clone()
    });
    let base = full.split('(').next().unwrap_or("text").trim();
    match base {
        "char" => "bpchar".into(),
        other => other.to_owned(),
    }
}

/// The mapping's type for a column the server describes.
fn mapping_type(
    data_type: &str,
    length: Option<i32>,
    precision: Option<i32>,
    scale: Option<i32>,
) -> ColumnType {
    let mut ty = ColumnType::new(match data_type {
        "character varying" => "VARCHAR",
        "character" => "CHAR",
        "text" => "TEXT",
        "bigint" => "BIGINT",
        "integer" => "INTEGER",
        "smallint" => "SMALLINT",
        "double precision" => "FLOAT",
        "real" => "REAL",
        "numeric" => "NUMERIC",
        "boolean" => "BOOLEAN",
        "timestamp without time zone" => "TIMESTAMP",
        "timestamp with time zone" => "TIMESTAMPTZ",
        "date" => "DATE",
        other => other,
    });
    if let Some(n) = length {
        ty.length = Some(n.into());
    }
    if data_type == "numeric" {
        ty.precision = precision.map(Into::into);
        ty.scale = scale.map(Into::into);
    }
    ty
}

/// Rows of a batch that fill the same columns: the column names, each
/// column's values (as text, `None` for SQL `NULL`), and how many rows.
type Group<'a> = (Vec<&'a str>, Vec<Vec<Option<String>>>, usize);

/// A cell as the text the server casts.
fn text_of(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Null => None,
        Cell::Bool(b) => Some(b.to_string()),
        Cell::Int(n) => Some(n.to_string()),
        Cell::Float(x) => Some(x.to_string()),
        Cell::Text(t) => Some(t.clone()),
    }
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`, or
    /// `host=/tmp port=5432 user=…`), making the default schema and the
    /// bookkeeping table when missing.
    ///
    /// # Errors
    ///
    /// [`WarehouseError::Database`] when the server cannot be reached.
    pub fn connect(url: &str) -> Result<Self, WarehouseError> {
        Ok(Postgres {
            url: url.to_owned(),
            client: Self::open(url)?,
        })
    }

    /// A new connection, with the default schema and the bookkeeping table.
    fn open(url: &str) -> Result<Client, WarehouseError> {
        let mut client = Client::connect(url, NoTls).map_err(db)?;
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {public};
                 CREATE TABLE IF NOT EXISTS {public}._alooma_loaded (
                     uuid text PRIMARY KEY, schema_name text, table_name text)",
                public = ident(DEFAULT_SCHEMA)
            ))
            .map_err(db)?;
        Ok(client)
    }

    /// The connection, opened again when the server closed it (a restart,
    /// a dropped connection): the call that found it broken failed (its
    /// events wait in the Restream Queue), the next one reconnects.
    fn live(&mut self) -> Result<&mut Client, WarehouseError> {
        if self.client.is_closed() {
            self.client = Self::open(&self.url)?;
        }
        Ok(&mut self.client)
    }

    fn has_schema(&mut self, schema: &str) -> Result<bool, WarehouseError> {
        Ok(!self
            .live()?
            .query(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
                &[&schema],
            )
            .map_err(db)?
            .is_empty())
    }

    fn has_table(&mut self, table: &TableName) -> Result<bool, WarehouseError> {
        if !self.has_schema(&table.schema)? {
            return Err(WarehouseError::NoSchema(table.schema.clone()));
        }
        Ok(!self
            .live()?
            .query(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
                &[&table.schema, &table.table],
            )
            .map_err(db)?
            .is_empty())
    }

    fn columns(&mut self, table: &TableName) -> Result<Vec<Column>, WarehouseError> {
        let rows = self
            .live()?
            .query(
                "SELECT column_name::text, data_type::text, is_nullable::text,
                        character_maximum_length::int, numeric_precision::int, numeric_scale::int
                 FROM information_schema.columns
                 WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                &[&table.schema, &table.table],
            )
            .map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| {
                let mut ty = mapping_type(r.get(1), r.get(3), r.get(4), r.get(5));
                ty.non_null = Some((r.get::<_, String>(2) == "NO").into());
                Column {
                    name: r.get(0),
                    column_type: ty,
                }
            })
            .collect())
    }
}

impl Warehouse for Postgres {
    fn schemas(&mut self) -> Result<Vec<String>, WarehouseError> {
        let rows = self
            .live()?
            .query(
                "SELECT schema_name::text FROM information_schema.schemata
                 WHERE schema_name NOT LIKE 'pg\\_%' AND schema_name <> 'information_schema'
                 ORDER BY 1",
                &[],
            )
            .map_err(db)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn create_schema(&mut self, schema: &str) -> Result<(), WarehouseError> {
        if schema.is_empty() || schema.len() > 63 {
            return Err(WarehouseError::BadName(schema.to_owned()));
        }
        self.live()?
            .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {}", ident(schema)))
            .map_err(db)
    }

    fn tables(&mut self) -> Result<Vec<(TableName, Vec<Column>)>, WarehouseError> {
        let rows = self
            .live()?
            .query(
                "SELECT table_schema::text, table_name::text FROM information_schema.tables
                 WHERE table_type = 'BASE TABLE' AND table_schema NOT LIKE 'pg\\_%'
                   AND table_schema <> 'information_schema' AND table_name <> '_alooma_loaded'
                 ORDER BY 1, 2",
                &[],
            )
            .map_err(db)?;
        let names: Vec<TableName> = rows
            .iter()
            .map(|r| TableName {
                schema: r.get(0),
                table: r.get(1),
            })
            .collect();
        let mut out = Vec::new();
        for t in names {
            let cols = self.columns(&t)?;
            out.push((t, cols));
        }
        Ok(out)
    }

    fn create_table(
        &mut self,
        table: &TableName,
        columns: &[Column],
    ) -> Result<(), WarehouseError> {
        if self.has_table(table)? {
            return Err(WarehouseError::TableExists(table.clone()));
        }
        if columns.is_empty() {
            return Err(WarehouseError::Database(
                "a table needs at least one column".into(),
            ));
        }
        let cols: Vec<String> = columns
            .iter()
            .map(|c| format!("{} {}", ident(&c.name), sql_type(&c.column_type)))
            .collect();
        self.live()?
            .batch_execute(&format!(
                "CREATE TABLE {}.{} ({})",
                ident(&table.schema),
                ident(&table.table),
                cols.join(", ")
            ))
            .map_err(db)
    }

    fn add_columns(&mut self, table: &TableName, columns: &[Column]) -> Result<(), WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        let existing = self.columns(table)?;
        for c in columns {
            if existing.iter().any(|e| e.name == c.name) {
                continue;
            }
            let mut ty = c.column_type.clone();
            ty.non_null = None;
            self.live()?
                .batch_execute(&format!(
                    "ALTER TABLE {}.{} ADD COLUMN {} {}",
                    ident(&table.schema),
                    ident(&table.table),
                    ident(&c.name),
                    sql_type(&ty)
                ))
                .map_err(db)?;
        }
        Ok(())
    }

    fn drop_table(&mut self, table: &TableName) -> Result<(), WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        self.live()?
            .batch_execute(&format!(
                "DROP TABLE {}.{}",
                ident(&table.schema),
                ident(&table.table)
            ))
            .map_err(db)
    }

    fn load(&mut self, table: &TableName, rows: &[LoadRow]) -> Result<Loaded, WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        let columns = self.columns(table)?;
        for row in rows {
            if let Some((missing, _)) = row
                .cells
                .iter()
                .find(|(c, _)| !columns.iter().any(|k| &k.name == c))
            {
                return Err(WarehouseError::NoColumn {
                    table: table.clone(),
                    column: missing.clone(),
                });
            }
        }
        let mut tx = self.live()?.transaction().map_err(db)?;
        // The batch's ids in one statement: those not loaded before come
        // back (each once, though a batch held it twice).
        let uuids: Vec<&str> = rows.iter().map(|r| r.uuid.as_str()).collect();
        let mut fresh: std::collections::HashSet<String> = tx
            .query(
                &format!(
                    "INSERT INTO {}._alooma_loaded (uuid, schema_name, table_name)
                     SELECT u, $2, $3 FROM unnest($1::text[]) AS u
                     ON CONFLICT DO NOTHING RETURNING uuid",
                    ident(DEFAULT_SCHEMA)
                ),
                &[&uuids, &table.schema, &table.table],
            )
            .map_err(db)?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        // The rows to insert, grouped by their columns (one group as a
        // rule): each group is one statement over arrays, one value a
        // column and row, cast by the server to the column's type.
        let mut loaded = Loaded::default();
        let mut groups: Vec<Group<'_>> = Vec::new();
        for row in rows {
            if !fresh.remove(&row.uuid) {
                loaded.already_loaded += 1;
                continue;
            }
            loaded.inserted += 1;
            let names: Vec<&str> = row.cells.iter().map(|(c, _)| c.as_str()).collect();
            let at = match groups.iter().position(|(n, _, _)| *n == names) {
                Some(at) => at,
                None => {
                    groups.push((names, vec![Vec::new(); row.cells.len()], 0));
                    groups.len() - 1
                }
            };
            if let Some((_, values, count)) = groups.get_mut(at) {
                *count += 1;
                for (column, (_, cell)) in values.iter_mut().zip(&row.cells) {
                    column.push(text_of(cell));
                }
            }
        }
        for (names, values, count) in &groups {
            if names.is_empty() {
                // Rows without a value: one each.
                let sql = format!(
                    "INSERT INTO {}.{} DEFAULT VALUES",
                    ident(&table.schema),
                    ident(&table.table)
                );
                for _ in 0..*count {
                    tx.execute(sql.as_str(), &[]).map_err(db)?;
                }
                continue;
            }
            let casts: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let ty = columns
                        .iter()
                        .find(|k| k.name == *c)
                        // The type without its length: the column itself
                        // refuses a value too long instead of a cast
                        // cutting it.
                        .map(|k| cast_type(&k.column_type))
                        .unwrap_or_else(|| "text".into());
                    format!("CAST(x.a{i} AS {ty})")
                })
                .collect();
            let arrays: Vec<String> = (1..=names.len()).map(|i| format!("${i}::text[]")).collect();
            let aliases: Vec<String> = (0..names.len()).map(|i| format!("a{i}")).collect();
            let sql = format!(
                "INSERT INTO {}.{} ({}) SELECT {} FROM unnest({}) AS x({})",
                ident(&table.schema),
                ident(&table.table),
                names
                    .iter()
                    .map(|c| ident(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                casts.join(", "),
                arrays.join(", "),
                aliases.join(", ")
            );
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
                .iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                .collect();
            tx.execute(sql.as_str(), &params).map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(loaded)
    }

    fn is_loaded(&mut self, uuid: &str) -> Result<bool, WarehouseError> {
        Ok(!self
            .live()?
            .query(
                &format!(
                    "SELECT 1 FROM {}._alooma_loaded WHERE uuid = $1",
                    ident(DEFAULT_SCHEMA)
                ),
                &[&uuid],
            )
            .map_err(db)?
            .is_empty())
    }

    /// PostgreSQL's identifiers are 63 bytes at most.
    fn max_name(&self) -> usize {
        63
    }

    fn query_json(&mut self, sql: &str) -> Result<serde_json::Value, WarehouseError> {
        let wrapped = format!(
            "SELECT coalesce(jsonb_agg(q), '[]'::jsonb) FROM ({}) q",
            sql.trim().trim_end_matches(';')
        );
        let row = self.live()?.query_one(wrapped.as_str(), &[]).map_err(db)?;
        Ok(row.get::<_, serde_json::Value>(0))
    }
}
