//! Warehouse tables and schemas: `tables…`, `schemas`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::domain::catalog::CatalogError;
use crate::domain::model::{Column, Schema};
use crate::domain::state::{State, Table};
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// A warehouse that did not follow, as an answer: 503 when it cannot be
/// reached, 400 when it refused the change.
fn warehouse_error(e: CatalogError) -> ApiError {
    match e {
        CatalogError::Unreachable(_) => {
            ApiError::new(http::StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        _ => ApiError::bad_request(e.to_string()),
    }
}

/// `GET tables[/{schema}][?shallow=true]` → list of tables: the
/// warehouse's catalog (see [`crate::domain::catalog`]).
pub(crate) fn list(state: &mut State, req: &Req<'_>, schema: Option<&str>) -> Outcome {
    let schema = schema.map_or_else(|| state.default_schema(), str::to_owned);
    let shallow = req.query.flag("shallow");
    let list: Vec<Value> = state
        .catalog_tables()
        .map_err(warehouse_error)?
        .iter()
        .filter(|t| t.schema == schema)
        .map(|t| t.to_wire(shallow))
        .collect();
    Ok(Reply::json(json!(list)))
}

/// `GET tables/{schema}/{table}` → one table, from the warehouse's catalog.
pub(crate) fn get(state: &mut State, schema: &str, table: &str) -> Outcome {
    state
        .catalog_tables()
        .map_err(warehouse_error)?
        .iter()
        .find(|t| t.schema == schema && t.table_name == table)
        .map(|t| Reply::json(t.to_wire(false)))
        .ok_or_else(|| ApiError::not_found(format!("no table {schema}.{table}")))
}

/// `POST tables/{table}`: create a table in the default schema from a
/// column list.
pub(crate) fn create(state: &mut State, req: &Req<'_>, table: &str) -> Outcome {
    let schema = state.default_schema();
    create_in(state, req, &schema, table)
}

/// `POST tables/{schema}/{table}`: create a table in `schema` (which must
/// exist) from a column list. Real clients called it beyond the reference.
pub(crate) fn create_in(state: &mut State, req: &Req<'_>, schema: &str, table: &str) -> Outcome {
    let columns = columns(req)?;
    if !state.schemas.iter().any(|s| s.schema_name == schema) {
        return Err(ApiError::not_found(format!("no schema {schema}")));
    }
    let schema = schema.to_owned();
    if find(state, &schema, table).is_ok()
        || state.catalog_has(&schema, table).map_err(warehouse_error)?
    {
        return Err(ApiError::bad_request(format!(
            "table {schema}.{table} already exists"
        )));
    }
    state
        .catalog_create(&schema, table, &columns)
        .map_err(warehouse_error)?;
    let t = Table {
        schema,
        table_name: table.to_owned(),
        columns,
        retention: Value::Null,
        dependencies: Vec::new(),
    };
    let wire = t.to_wire(false);
    state.tables.push(t);
    Ok(Reply::json(wire))
}

/// `PUT tables/{table}`: replace a default-schema table's columns.
pub(crate) fn alter(state: &mut State, req: &Req<'_>, table: &str) -> Outcome {
    let columns = columns(req)?;
    let schema = state.default_schema();
    let i = find(state, &schema, table)?;
    state
        .catalog_alter(&schema, table, &columns)
        .map_err(warehouse_error)?;
    state.tables[i].columns = columns;
    Ok(Reply::json(state.tables[i].to_wire(false)))
}

/// `DELETE tables/{schema}/{table}[?cascade=true]`.
///
/// Without cascade a table with existing dependents is refused (400); with
/// cascade the dependents are dropped too, transitively.
pub(crate) fn drop(state: &mut State, req: &Req<'_>, schema: &str, table: &str) -> Outcome {
    let i = match find(state, schema, table) {
        Ok(i) => i,
        // A table the data path made: in the warehouse only, with no
        // dependents the state knows.
        Err(missing) => {
            if !state.catalog_has(schema, table).map_err(warehouse_error)? {
                return Err(missing);
            }
            state
                .catalog_drop(&[(schema.to_owned(), table.to_owned())])
                .map_err(warehouse_error)?;
            return Ok(Reply::empty());
        }
    };
    let cascade = req.query.flag("cascade");
    let existing: BTreeSet<String> = state.tables.iter().map(Table::qualified_name).collect();
    let dependents: Vec<&String> = state.tables[i]
        .dependencies
        .iter()
        .filter(|d| existing.contains(*d))
        .collect();
    if !cascade && !dependents.is_empty() {
        let names: Vec<&str> = dependents.iter().map(|d| d.as_str()).collect();
        return Err(ApiError::bad_request(format!(
            "cannot drop table {schema}.{table} because other objects depend on it: {}; use cascade",
            names.join(", ")
        )));
    }
    let mut doomed = BTreeSet::new();
    let mut todo = vec![state.tables[i].qualified_name()];
    while let Some(name) = todo.pop() {
        if !doomed.insert(name.clone()) {
            continue;
        }
        if let Some(t) = state.tables.iter().find(|t| t.qualified_name() == name) {
            todo.extend(
                t.dependencies
                    .iter()
                    .filter(|d| existing.contains(*d))
                    .cloned(),
            );
        }
    }
    let dropped: Vec<(String, String)> = state
        .tables
        .iter()
        .filter(|t| doomed.contains(&t.qualified_name()))
        .map(|t| (t.schema.clone(), t.table_name.clone()))
        .collect();
    state.catalog_drop(&dropped).map_err(warehouse_error)?;
    state
        .tables
        .retain(|t| !doomed.contains(&t.qualified_name()));
    for t in &mut state.tables {
        t.dependencies.retain(|d| !doomed.contains(d));
    }
    Ok(Reply::empty())
}

/// `GET tables/{schema}/{table}/dependencies` → list of `schema.table`.
pub(crate) fn dependencies(state: &mut State, schema: &str, table: &str) -> Outcome {
    let i = match find(state, schema, table) {
        Ok(i) => i,
        // A table the data path made: nothing depends on it.
        Err(missing) => {
            return if state.catalog_has(schema, table).map_err(warehouse_error)? {
                Ok(Reply::json(json!([])))
            } else {
                Err(missing)
            };
        }
    };
    let existing: BTreeSet<String> = state.tables.iter().map(Table::qualified_name).collect();
    let deps: Vec<&String> = state.tables[i]
        .dependencies
        .iter()
        .filter(|d| existing.contains(*d))
        .collect();
    Ok(Reply::json(json!(deps)))
}

/// `GET schemas/` → list of `{"schemaName","default"}`.
pub(crate) fn list_schemas(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.schemas)))
}

/// `POST schemas` with `{"schemaName", …}`.
pub(crate) fn create_schema(state: &mut State, req: &Req<'_>) -> Outcome {
    let schema: Schema = req.body()?;
    if schema.schema_name.is_empty() {
        return Err(ApiError::bad_request("`schemaName` must not be empty"));
    }
    if state
        .schemas
        .iter()
        .any(|s| s.schema_name == schema.schema_name)
    {
        return Err(ApiError::bad_request(format!(
            "schema {} already exists",
            schema.schema_name
        )));
    }
    state
        .catalog_create_schema(&schema.schema_name)
        .map_err(warehouse_error)?;
    if schema.default {
        for s in &mut state.schemas {
            s.default = false;
        }
    }
    state.schemas.push(schema.clone());
    Ok(Reply::json(json!(schema)))
}

fn find(state: &State, schema: &str, table: &str) -> Result<usize, ApiError> {
    state
        .tables
        .iter()
        .position(|t| t.schema == schema && t.table_name == table)
        .ok_or_else(|| ApiError::not_found(format!("no table {schema}.{table}")))
}

fn columns(req: &Req<'_>) -> Result<Vec<Value>, ApiError> {
    let columns: Vec<Column> = req.body()?;
    if columns.is_empty() {
        return Err(ApiError::bad_request("a table needs at least one column"));
    }
    if let Some(i) = columns.iter().position(|c| c.column_name.is_empty()) {
        return Err(ApiError::bad_request(format!(
            "column {i} has an empty name"
        )));
    }
    Ok(columns.iter().map(|c| json!(c)).collect())
}

crate::http::route::route_table! {
    GET "tables" as get_tables => |state, req, _p| list(state, req, None),
    GET "tables/{schema}" as get_tables => |state, req, p| { let schema = p[0]; list(state, req, Some(schema)) },
    POST "tables/{table}" as create_table => |state, req, p| { let table = p[0]; create(state, req, table) },
    PUT "tables/{table}" as alter_table => |state, req, p| { let table = p[0]; alter(state, req, table) },
    GET "tables/{schema}/{table}" as get_table => |state, _req, p| { let (schema, table) = (p[0], p[1]); get(state, schema, table) },
    POST "tables/{schema}/{table}" as create_table_in_schema => |state, req, p| { let (schema, table) = (p[0], p[1]); create_in(state, req, schema, table) },
    DELETE "tables/{schema}/{table}" as drop_table => |state, req, p| { let (schema, table) = (p[0], p[1]); drop(state, req, schema, table) },
    GET "tables/{schema}/{table}/dependencies" as get_table_dependencies => |state, _req, p| { let (schema, table) = (p[0], p[1]); dependencies(state, schema, table) },
    GET "schemas" as get_schemas => |state, _req, _p| list_schemas(state),
    POST "schemas" as create_schema => |state, req, _p| create_schema(state, req),
}
