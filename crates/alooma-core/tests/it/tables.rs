//! Requests (insta snapshots) and decoders of the tables and schemas area.
//! Snapshots: `tests/snapshots/tables__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{tables::*, Error, Operation, RetrySafety};
use alooma_types::{Column, ColumnType, Schema};

const TABLES: &str = include_str!("../../../alooma-types/tests/fixtures/tables/get_tables.json");
const TABLE_NAMES: &str =
    include_str!("../../../alooma-types/tests/fixtures/tables/get_table_names.json");
const COLUMNS: &str =
    include_str!("../../../alooma-types/tests/fixtures/columns/create_table.request.json");
const SCHEMAS: &str = include_str!("../../../alooma-types/tests/fixtures/schemas/get_schemas.json");
const ODD: &str = "a/b?c#d%e f é";

fn columns() -> Vec<Column> {
    serde_json::from_str(COLUMNS).unwrap()
}

fn bad_list_bodies<O: Operation>(op: &O)
where
    O::Output: std::fmt::Debug,
{
    for body in ["", "[", "{}", "[1]", "<html><title>502</title></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(
        op.decode(answer(500, "<html>err</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn get_tables() {
    assert_eq!(GetTables::new().build().unwrap().uri(), "/tables");
    let op = GetTables::new().schema(ODD);
    let tables = op.decode(answer(200, TABLES)).unwrap();
    assert_eq!(tables[0].table_name, "user");
    assert_eq!(
        tables[0].columns()[0].column_type.get().unwrap().length(),
        Some(256)
    );
    assert_eq!(
        tables[0].columns()[0].sub_columns,
        alooma_types::Maybe::Null
    );
    bad_list_bodies(&op);
}

#[test]
fn get_table_names() {
    assert_eq!(
        GetTableNames::new().build().unwrap().uri(),
        "/tables?shallow=true"
    );
    let op = GetTableNames::new().schema(ODD);
    let tables = op.decode(answer(200, TABLE_NAMES)).unwrap();
    assert_eq!(tables[0].table_name, "TABLE1");
    assert!(tables[0].columns().is_empty());
    bad_list_bodies(&op);
}

#[test]
fn create_table_in_schema() {
    let op = CreateTableInSchema::new("stag ing", ODD, columns());
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    assert_eq!(
        op.decode(answer(200, "{}")).unwrap(),
        Some(serde_json::from_str("{}").unwrap())
    );
    assert_eq!(op.decode(answer(201, "")).unwrap(), None);
    assert!(CreateTableInSchema::new("s", "t", vec![]).build().is_err());
}

#[test]
fn create_table() {
    let op = CreateTable::new(ODD, columns());
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    let table =
        format!(r#"{{"tableName":"t","schema":"public","columns":{COLUMNS},"retention":null}}"#);
    assert_eq!(
        op.decode(answer(200, &table))
            .unwrap()
            .unwrap()
            .columns()
            .len(),
        2
    );
    assert_eq!(op.decode(answer(201, "")).unwrap(), None);
    assert!(matches!(
        op.decode(answer(200, "{\"tableName\":")),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        op.decode(answer(409, "exists")),
        Err(Error::Api { .. })
    ));
    assert!(matches!(
        CreateTable::new("t", vec![]).build(),
        Err(Error::Build { .. })
    ));
    assert!(matches!(
        CreateTable::new("", columns()).build(),
        Err(Error::Build { .. })
    ));
}

#[test]
fn alter_table() {
    let mut cols = columns();
    cols.push(Column::new("note", ColumnType::new("VARCHAR").with_length(1024)).sort_key_index(1));
    let op = AlterTable::new("orders 2018", cols);
    assert_eq!(op.meta().retry, RetrySafety::Idempotent);
    assert_eq!(op.decode(answer(200, " ")).unwrap(), None);
    assert!(matches!(
        op.decode(answer(200, "[]")),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn drop_table() {
    assert_eq!(
        DropTable::new("public", "t").build().unwrap().uri(),
        "/tables/public/t"
    );
    let op = DropTable::new("my schema", "a/b?cascade=false").cascade(true);
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(400, "has dependencies")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn get_schemas() {
    let op = GetSchemas;
    let schemas = op.decode(answer(200, SCHEMAS)).unwrap();
    assert!(schemas[0].is_default() && !schemas[1].is_default());
    assert_eq!(schemas[1].schema_name, "TESTSCHEMA");
    bad_list_bodies(&op);
}

#[test]
fn create_schema() {
    let op = CreateSchema::new(Schema::new("staging é"));
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    op.decode(answer(200, "{}")).unwrap();
    assert!(matches!(op.decode(answer(500, "")), Err(Error::Api { .. })));
    assert!(matches!(
        CreateSchema::new(Schema::new("")).build(),
        Err(Error::Build { .. })
    ));
}
