//! The embedded SQLite warehouse: one file (or memory) for the account's
//! bookkeeping, and one attached database per schema beside it, so that
//! `public.orders` is a table `orders` of the attached database `public`.
//!
//! ```
//! use alooma_engine::warehouse::{sqlite::Sqlite, Column, LoadRow, TableName, Warehouse};
//! use alooma_engine::mapper::{convert::Cell, model::ColumnType};
//! let mut w = Sqlite::in_memory()?;
//! let orders = TableName::new(None, "orders");
//! w.create_table(&orders, &[Column { name: "id".into(), column_type: ColumnType::new("BIGINT") }])?;
//! let row = LoadRow { uuid: "u-1".into(), cells: vec![("id".into(), Cell::Int(7))] };
//! assert_eq!(w.load(&orders, &[row.clone()])?.inserted, 1);
//! assert_eq!(w.load(&orders, &[row])?.already_loaded, 1);
//! assert_eq!(w.query_json("SELECT id FROM public.orders")?, serde_json::json!([{"id": 7}]));
//! # Ok::<(), alooma_engine::warehouse::WarehouseError>(())
//! ```

use super::{Column, LoadRow, Loaded, TableName, Warehouse, WarehouseError, DEFAULT_SCHEMA};
use crate::mapper::convert::Cell;
use crate::mapper::model::ColumnType;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// An embedded SQLite warehouse.
pub struct Sqlite {
    conn: Connection,
    /// The main file, when not in memory (schemas live beside it).
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite").field("path", &self.path).finish()
    }
}

fn db(e: rusqlite::Error) -> WarehouseError {
    WarehouseError::Database(e.to_string())
}

/// A quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A schema name SQLite can attach under: any name of 1 to 63 bytes (as
/// PostgreSQL and Redshift take) but SQLite's own `main` and `temp`.
fn check_schema(schema: &str) -> Result<(), WarehouseError> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.contains('\0')
        && !matches!(schema.to_ascii_lowercase().as_str(), "main" | "temp");
    if ok {
        Ok(())
    } else {
        Err(WarehouseError::BadName(schema.to_owned()))
    }
}

/// The `INSERT` of a row filling these cells' columns.
fn insert_sql(table: &TableName, cells: &[(String, Cell)]) -> String {
    if cells.is_empty() {
        return format!(
            "INSERT INTO {}.{} DEFAULT VALUES",
            ident(&table.schema),
            ident(&table.table)
        );
    }
    let names: Vec<String> = cells.iter().map(|(c, _)| ident(c)).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {}.{} ({}) VALUES ({})",
        ident(&table.schema),
        ident(&table.table),
        names.join(", "),
        marks.join(", ")
    )
}

/// The file suffix of a schema's database: the name itself when it is
/// letters, digits and `_` (`dwh.sqlite.public`), else those kept and
/// every other byte as `%XX` (`a/b` → `a%2Fb`), so any name is one file
/// beside the main one.
fn file_suffix(schema: &str) -> String {
    let mut out = String::with_capacity(schema.len());
    for b in schema.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The SQL type of a mapping's column type (`VARCHAR(256) NOT NULL`).
fn sql_type(ty: &ColumnType) -> String {
    // Only a type name made of letters, digits, `_` and spaces goes into
    // the SQL (the mapping's name, kept for the catalog); anything else is
    // stored by its kind.
    let name = ty.type_name.trim().to_ascii_uppercase();
    // One word, then at most `(n)` or `(p,s)`.
    let (word, args) = match name.split_once('(') {
        Some((w, rest)) => (w, Some(rest)),
        None => (name.as_str(), None),
    };
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && args.is_none_or(|a| {
            a.strip_suffix(')').is_some_and(|inner| {
                !inner.is_empty()
                    && inner.split(',').count() <= 2
                    && inner.split(',').all(|n| {
                        !n.trim().is_empty() && n.trim().chars().all(|c| c.is_ascii_digit())
                    })
            })
        });
    let mut out = if plain {
        name
    } else {
        match crate::mapper::convert::Kind::of(&ty.type_name) {
            Some(crate::mapper::convert::Kind::Int) => "BIGINT".into(),
            Some(crate::mapper::convert::Kind::Float) => "FLOAT".into(),
            Some(crate::mapper::convert::Kind::Bool) => "BOOLEAN".into(),
            Some(crate::mapper::convert::Kind::Timestamp) => "TIMESTAMP".into(),
            Some(crate::mapper::convert::Kind::Date) => "DATE".into(),
            _ => "TEXT".into(),
        }
    };
    if !out.contains('(') {
        if let Some(n) = ty.char_length() {
            out = format!("{out}({n})");
        } else if let Some(p) = ty.precision.as_ref().and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        }) {
            out = match ty.numeric_scale() {
                Some(s) => format!("{out}({p},{s})"),
                None => format!("{out}({p})"),
            };
        }
    }
    if ty.is_non_null() {
        out.push_str(" NOT NULL");
    }
    out
}

/// A cell bound to a statement as it is (text by reference, no copy).
struct Bind<'a>(&'a Cell);

impl rusqlite::ToSql for Bind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match self.0 {
            Cell::Null => ValueRef::Null,
            Cell::Bool(b) => ValueRef::Integer(i64::from(*b)),
            Cell::Int(n) => ValueRef::Integer(*n),
            Cell::Float(x) => ValueRef::Real(*x),
            Cell::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

impl Sqlite {
    /// An in-memory warehouse (schemas are in-memory databases too).
    ///
    /// # Errors
    ///
    /// [`WarehouseError::Database`] when SQLite cannot start.
    pub fn in_memory() -> Result<Self, WarehouseError> {
        let mut w = Sqlite {
            conn: Connection::open_in_memory().map_err(db)?,
            path: None,
        };
        w.prepare()?;
        Ok(w)
    }

    /// The warehouse in the file `path` (created when missing), its
    /// schemas in files beside it (`<path>.<schema>`).
    ///
    /// # Errors
    ///
    /// [`WarehouseError::Database`] when the file cannot be opened.
    pub fn open(path: &Path) -> Result<Self, WarehouseError> {
        let mut w = Sqlite {
            conn: Connection::open(path).map_err(db)?,
            path: Some(path.to_owned()),
        };
        w.prepare()?;
        Ok(w)
    }

    /// The bookkeeping tables, the default schema, and every schema made
    /// before attached again. (The rollback journal, not WAL: a
    /// transaction over attached databases is atomic only so, and a batch
    /// writes its rows and their `@uuid`s in two. The `@uuid`s are a table
    /// `WITHOUT ROWID`: one B-tree a row marked, not a table and an index;
    /// a file made before keeps its table as it is.)
    fn prepare(&mut self) -> Result<(), WarehouseError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS main._alooma_loaded (
                     uuid TEXT PRIMARY KEY, schema_name TEXT, table_name TEXT) WITHOUT ROWID;
                 CREATE TABLE IF NOT EXISTS main._alooma_schemas (name TEXT PRIMARY KEY);",
            )
            .map_err(db)?;
        let schemas: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM main._alooma_schemas ORDER BY name")
                .map_err(db)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)?
        };
        for schema in &schemas {
            self.attach(schema)?;
        }
        if !schemas.iter().any(|s| s == DEFAULT_SCHEMA) {
            self.create_schema(DEFAULT_SCHEMA)?;
        }
        Ok(())
    }

    fn attach(&mut self, schema: &str) -> Result<(), WarehouseError> {
        check_schema(schema)?;
        let file = match &self.path {
            Some(p) => {
                let mut name = p.as_os_str().to_owned();
                name.push(format!(".{}", file_suffix(schema)));
                PathBuf::from(name).to_string_lossy().into_owned()
            }
            None => ":memory:".to_owned(),
        };
        self.conn
            .execute(
                &format!("ATTACH DATABASE ?1 AS {}", ident(schema)),
                params![file],
            )
            .map_err(db)?;
        Ok(())
    }

    fn attached(&self, schema: &str) -> Result<bool, WarehouseError> {
        let mut stmt = self.conn.prepare("PRAGMA database_list").map_err(db)?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)?;
        Ok(names.iter().any(|n| n == schema))
    }

    fn has_table(&self, table: &TableName) -> Result<bool, WarehouseError> {
        if !self.attached(&table.schema)? {
            return Err(WarehouseError::NoSchema(table.schema.clone()));
        }
        let sql = format!(
            "SELECT 1 FROM {}.sqlite_master WHERE type = 'table' AND name = ?1",
            ident(&table.schema)
        );
        Ok(self
            .conn
            .query_row(&sql, params![table.table], |_| Ok(()))
            .optional()
            .map_err(db)?
            .is_some())
    }

    fn columns(&self, table: &TableName) -> Result<Vec<Column>, WarehouseError> {
        let sql = format!(
            "PRAGMA {}.table_info({})",
            ident(&table.schema),
            ident(&table.table)
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(db)?;
        let mut out = Vec::new();
        for row in rows {
            let (name, declared, notnull) = row.map_err(db)?;
            let (base, args) = match declared.split_once('(') {
                Some((b, a)) => (b.trim().to_owned(), a.trim_end_matches(')').to_owned()),
                None => (declared.trim().to_owned(), String::new()),
            };
            let mut ty = ColumnType::new(base.clone());
            let nums: Vec<u64> = args
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect();
            match (base.as_str(), nums.as_slice()) {
                ("NUMERIC" | "DECIMAL", [p, s]) => {
                    ty.precision = Some((*p).into());
                    ty.scale = Some((*s).into());
                }
                ("NUMERIC" | "DECIMAL", [p]) => ty.precision = Some((*p).into()),
                (_, [n]) => ty.length = Some((*n).into()),
                _ => {}
            }
            ty.non_null = Some((notnull != 0).into());
            out.push(Column {
                name,
                column_type: ty,
            });
        }
        Ok(out)
    }

    /// Runs a query and answers its rows as JSON objects (column → value;
    /// SQLite integers, reals, text and `NULL`; blobs as hex text).
    ///
    /// # Errors
    ///
    /// [`WarehouseError::Database`] when the query fails.
    pub fn query_json(&self, sql: &str) -> Result<serde_json::Value, WarehouseError> {
        self.rows_json(sql)
    }

    fn rows_json(&self, sql: &str) -> Result<serde_json::Value, WarehouseError> {
        let mut stmt = self.conn.prepare(sql).map_err(db)?;
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.query([]).map_err(db)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db)? {
            let mut object = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                let v = match row.get_ref(i).map_err(db)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(x) => serde_json::Number::from_f64(x)
                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Blob(b) => b
                        .iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<String>()
                        .into(),
                };
                object.insert(name.clone(), v);
            }
            out.push(serde_json::Value::Object(object));
        }
        Ok(serde_json::Value::Array(out))
    }
}

impl Warehouse for Sqlite {
    fn schemas(&mut self) -> Result<Vec<String>, WarehouseError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM main._alooma_schemas ORDER BY name")
            .map_err(db)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn create_schema(&mut self, schema: &str) -> Result<(), WarehouseError> {
        check_schema(schema)?;
        if !self.attached(schema)? {
            self.attach(schema)?;
        }
        self.conn
            .execute(
                "INSERT OR IGNORE INTO main._alooma_schemas (name) VALUES (?1)",
                params![schema],
            )
            .map_err(db)?;
        Ok(())
    }

    fn tables(&mut self) -> Result<Vec<(TableName, Vec<Column>)>, WarehouseError> {
        let mut out = Vec::new();
        for schema in self.schemas()? {
            let sql = format!(
                "SELECT name FROM {}.sqlite_master WHERE type = 'table' ORDER BY name",
                ident(&schema)
            );
            let names: Vec<String> = {
                let mut stmt = self.conn.prepare(&sql).map_err(db)?;
                let rows = stmt.query_map([], |r| r.get(0)).map_err(db)?;
                rows.collect::<Result<_, _>>().map_err(db)?
            };
            for name in names {
                let table = TableName {
                    schema: schema.clone(),
                    table: name,
                };
                let columns = self.columns(&table)?;
                out.push((table, columns));
            }
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
        let sql = format!(
            "CREATE TABLE {}.{} ({})",
            ident(&table.schema),
            ident(&table.table),
            cols.join(", ")
        );
        self.conn.execute(&sql, []).map_err(db)?;
        Ok(())
    }

    fn add_columns(&mut self, table: &TableName, columns: &[Column]) -> Result<(), WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        let existing = self.columns(table)?;
        for c in columns {
            if existing
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(&c.name))
            {
                continue;
            }
            // An added column cannot be NOT NULL without a default: rows
            // already loaded have none.
            let mut ty = c.column_type.clone();
            ty.non_null = None;
            let sql = format!(
                "ALTER TABLE {}.{} ADD COLUMN {} {}",
                ident(&table.schema),
                ident(&table.table),
                ident(&c.name),
                sql_type(&ty)
            );
            self.conn.execute(&sql, []).map_err(db)?;
        }
        Ok(())
    }

    fn drop_table(&mut self, table: &TableName) -> Result<(), WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        let sql = format!(
            "DROP TABLE {}.{}",
            ident(&table.schema),
            ident(&table.table)
        );
        self.conn.execute(&sql, []).map_err(db)?;
        Ok(())
    }

    fn load(&mut self, table: &TableName, rows: &[LoadRow]) -> Result<Loaded, WarehouseError> {
        if !self.has_table(table)? {
            return Err(WarehouseError::NoTable(table.clone()));
        }
        let known: Vec<String> = self.columns(table)?.into_iter().map(|c| c.name).collect();
        for row in rows {
            if let Some((missing, _)) = row.cells.iter().find(|(c, _)| !known.contains(c)) {
                return Err(WarehouseError::NoColumn {
                    table: table.clone(),
                    column: missing.clone(),
                });
            }
        }
        let tx = self.conn.transaction().map_err(db)?;
        let mut loaded = Loaded::default();
        {
            let mut mark = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO main._alooma_loaded (uuid, schema_name, table_name)
                     VALUES (?1, ?2, ?3)",
                )
                .map_err(db)?;
            // The statement of the previous row, kept while the rows fill
            // the same columns (as they do but for auto-mapping's growth).
            let mut last: Option<(Vec<&str>, rusqlite::CachedStatement<'_>)> = None;
            for row in rows {
                if mark
                    .execute(params![row.uuid, table.schema, table.table])
                    .map_err(db)?
                    == 0
                {
                    loaded.already_loaded += 1;
                    continue;
                }
                let same = last.as_ref().is_some_and(|(names, _)| {
                    names.len() == row.cells.len()
                        && names.iter().zip(&row.cells).all(|(n, (c, _))| n == c)
                });
                let insert = match &mut last {
                    Some((_, insert)) if same => insert,
                    _ => {
                        let names: Vec<&str> = row.cells.iter().map(|(c, _)| c.as_str()).collect();
                        let insert = tx
                            .prepare_cached(&insert_sql(table, &row.cells))
                            .map_err(db)?;
                        &mut last.insert((names, insert)).1
                    }
                };
                insert
                    .execute(rusqlite::params_from_iter(
                        row.cells.iter().map(|(_, c)| Bind(c)),
                    ))
                    .map_err(db)?;
                loaded.inserted += 1;
            }
        }
        tx.commit().map_err(db)?;
        Ok(loaded)
    }

    fn query_json(&mut self, sql: &str) -> Result<serde_json::Value, WarehouseError> {
        self.rows_json(sql)
    }

    fn is_loaded(&mut self, uuid: &str) -> Result<bool, WarehouseError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM main._alooma_loaded WHERE uuid = ?1",
                params![uuid],
                |_| Ok(()),
            )
            .optional()
            .map_err(db)?
            .is_some())
    }
}
