//! The tables API's catalog, kept in the account's real warehouse.
//!
//! A table made, altered or dropped through the API (`create_table`,
//! `create_table_in_schema`, `alter_table`, `drop_table`) is made, altered
//! or dropped in the warehouse; a schema made through the API is made
//! there too; the tables of the state (a seed's, a restored snapshot's)
//! are made there when the warehouse opens. `get_tables` and `get_table`
//! list what the warehouse holds: the state's tables with the columns
//! auto-mapping added since, and the tables the data path made (a
//! mapping's table, auto-mapping's), their columns as the warehouse
//! describes them.
//!
//! What a warehouse does not hold stays in the state beside it: the
//! columns' distribution and sort keys, a table's retention, the
//! dependencies of views (which `drop_table` checks), and a seed's table
//! without columns (listed, not made). Choice \[G\]: the
//! warehouse only grows columns (`alter_table` adds the ones it lacks);
//! a column the new list leaves out stays in the warehouse with its rows,
//! as Redshift's `ALTER TABLE` through the service did not drop columns.

use alooma_engine::warehouse::{Column, TableName, Warehouse, WarehouseError};
use serde_json::{json, Value};

use super::account_data::off_runtime;
use super::state::{State, Table};

/// Why the warehouse did not follow the catalog.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// The warehouse could not be opened (a server that does not answer).
    #[error("{0}")]
    Unreachable(String),
    /// The warehouse refused the change (a name or type it cannot take).
    #[error("the warehouse refused: {0}")]
    Refused(String),
}

/// The columns of an API column list (`columnName`, `columnType`), as the
/// warehouse takes them.
pub(crate) fn warehouse_columns(columns: &[Value]) -> Result<Vec<Column>, CatalogError> {
    columns
        .iter()
        .map(|c| {
            let name = c["columnName"].as_str().unwrap_or_default().to_owned();
            let column_type = serde_json::from_value(c["columnType"].clone()).map_err(|e| {
                CatalogError::Refused(format!("column {name:?}: not a column type: {e}"))
            })?;
            Ok(Column { name, column_type })
        })
        .collect()
}

/// A warehouse column as the API lists it.
fn api_column(column: &Column) -> Value {
    json!({
        "columnName": column.name,
        "columnType": column.column_type,
        "distKey": false,
        "primaryKey": false,
        "sortKeyIndex": -1,
    })
}

/// The data path's bookkeeping tables are not the user's.
fn is_bookkeeping(table: &TableName) -> bool {
    table.table.starts_with("_alooma_")
}

/// Makes, in `warehouse`, the schemas and tables of the state it lacks:
/// what a seed or a snapshot holds exists in the database too.
pub(crate) fn make_missing(
    schemas: &[String],
    tables: &[Table],
    warehouse: &mut (dyn Warehouse + Send),
) -> Result<(), WarehouseError> {
    let have_schemas = warehouse.schemas()?;
    for schema in schemas {
        if !have_schemas.iter().any(|s| s == schema) {
            warehouse.create_schema(schema)?;
        }
    }
    let have: Vec<TableName> = warehouse.tables()?.into_iter().map(|(t, _)| t).collect();
    for t in tables {
        let name = TableName::new(Some(&t.schema), &t.table_name);
        // A table without columns (a seed's placeholder) no database
        // holds: it stays in the state's catalog only.
        if have.contains(&name) || t.columns.is_empty() {
            continue;
        }
        if !have_schemas.contains(&t.schema) && !schemas.contains(&t.schema) {
            warehouse.create_schema(&t.schema)?;
        }
        let columns = warehouse_columns(&t.columns)
            .map_err(|e| WarehouseError::Database(format!("{name}: {e}")))?;
        warehouse.create_table(&name, &columns)?;
    }
    Ok(())
}

impl State {
    /// Runs `f` on the account's warehouse (opened on first use), off the
    /// async runtime.
    fn with_warehouse<R: Send>(
        &mut self,
        f: impl FnOnce(&mut (dyn Warehouse + Send)) -> Result<R, WarehouseError> + Send,
    ) -> Result<R, CatalogError> {
        let data = self
            .data()
            .map_err(|e| CatalogError::Unreachable(e.to_string()))?;
        let warehouse = &mut data.path.warehouse;
        off_runtime(move || f(warehouse.as_mut())).map_err(|e| CatalogError::Refused(e.to_string()))
    }

    /// Every table of the warehouse, as the API lists them: the state's
    /// (with the columns the warehouse has beyond its list), then those the
    /// data path made.
    pub(crate) fn catalog_tables(&mut self) -> Result<Vec<Table>, CatalogError> {
        let in_warehouse = self.with_warehouse(|w| w.tables())?;
        let mut listed = self.tables.clone();
        for (name, columns) in in_warehouse {
            if is_bookkeeping(&name) {
                continue;
            }
            match listed
                .iter_mut()
                .find(|t| t.schema == name.schema && t.table_name == name.table)
            {
                Some(t) => {
                    for c in &columns {
                        let known = t
                            .columns
                            .iter()
                            .any(|k| k["columnName"].as_str() == Some(c.name.as_str()));
                        if !known {
                            t.columns.push(api_column(c));
                        }
                    }
                }
                None => listed.push(Table {
                    schema: name.schema,
                    table_name: name.table,
                    columns: columns.iter().map(api_column).collect(),
                    retention: Value::Null,
                    dependencies: Vec::new(),
                }),
            }
        }
        Ok(listed)
    }

    /// Whether the warehouse holds `schema.table`.
    pub(crate) fn catalog_has(&mut self, schema: &str, table: &str) -> Result<bool, CatalogError> {
        let name = TableName::new(Some(schema), table);
        Ok(self
            .with_warehouse(|w| w.tables())?
            .iter()
            .any(|(t, _)| *t == name))
    }

    /// Makes `schema` in the warehouse.
    pub(crate) fn catalog_create_schema(&mut self, schema: &str) -> Result<(), CatalogError> {
        let schema = schema.to_owned();
        self.with_warehouse(move |w| {
            if w.schemas()?.contains(&schema) {
                Ok(())
            } else {
                w.create_schema(&schema)
            }
        })
    }

    /// Makes `schema.table` with `columns` in the warehouse.
    pub(crate) fn catalog_create(
        &mut self,
        schema: &str,
        table: &str,
        columns: &[Value],
    ) -> Result<(), CatalogError> {
        let columns = warehouse_columns(columns)?;
        let name = TableName::new(Some(schema), table);
        self.catalog_create_schema(schema)?;
        self.with_warehouse(move |w| w.create_table(&name, &columns))
    }

    /// Adds to `schema.table` in the warehouse the columns of `columns` it
    /// lacks (making the table when the data path has not yet).
    pub(crate) fn catalog_alter(
        &mut self,
        schema: &str,
        table: &str,
        columns: &[Value],
    ) -> Result<(), CatalogError> {
        let columns = warehouse_columns(columns)?;
        let name = TableName::new(Some(schema), table);
        self.with_warehouse(move |w| {
            let existing = w.tables()?.into_iter().find(|(t, _)| *t == name);
            match existing {
                None => w.create_table(&name, &columns),
                Some((_, have)) => {
                    let missing: Vec<Column> = columns
                        .into_iter()
                        .filter(|c| !have.iter().any(|h| h.name == c.name))
                        .collect();
                    if missing.is_empty() {
                        Ok(())
                    } else {
                        w.add_columns(&name, &missing)
                    }
                }
            }
        })
    }

    /// Drops these tables from the warehouse (those it holds).
    pub(crate) fn catalog_drop(&mut self, tables: &[(String, String)]) -> Result<(), CatalogError> {
        let names: Vec<TableName> = tables
            .iter()
            .map(|(s, t)| TableName::new(Some(s), t))
            .collect();
        self.with_warehouse(move |w| {
            let have: Vec<TableName> = w.tables()?.into_iter().map(|(t, _)| t).collect();
            for name in names.iter().filter(|n| have.contains(n)) {
                w.drop_table(name)?;
            }
            Ok(())
        })
    }
}
