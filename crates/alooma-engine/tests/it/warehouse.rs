//! The SQLite warehouse: a real database file, schemas as attached
//! databases, a catalog that answers the mapping's types back, batches in
//! one transaction, each event loaded once per `@uuid`.

use alooma_engine::mapper::convert::Cell;
use alooma_engine::mapper::model::ColumnType;
use alooma_engine::warehouse::sqlite::Sqlite;
use alooma_engine::warehouse::{Column, LoadRow, TableName, Warehouse, WarehouseError};
use serde_json::json;

fn column(name: &str, ty: ColumnType) -> Column {
    Column {
        name: name.into(),
        column_type: ty,
    }
}

fn row(uuid: &str, cells: &[(&str, Cell)]) -> LoadRow {
    LoadRow {
        uuid: uuid.into(),
        cells: cells
            .iter()
            .map(|(c, v)| ((*c).to_owned(), v.clone()))
            .collect(),
    }
}

fn orders_columns() -> Vec<Column> {
    let mut id = ColumnType::new("BIGINT");
    id.non_null = Some(json!(true));
    vec![
        column("id", id),
        column("email", ColumnType::varchar(256)),
        column("price", ColumnType::new("FLOAT")),
        column("paid", ColumnType::new("BOOLEAN")),
        column("at", ColumnType::new("TIMESTAMP")),
    ]
}

#[test]
fn tables_in_schemas_are_real_and_the_catalog_answers_their_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warehouse.sqlite");
    {
        let mut w = Sqlite::open(&path).unwrap();
        w.create_schema("analytics").unwrap();
        w.create_table(&TableName::new(None, "orders"), &orders_columns())
            .unwrap();
        w.create_table(
            &TableName::new(Some("analytics"), "orders"),
            &[column("id", ColumnType::new("BIGINT"))],
        )
        .unwrap();
        w.load(
            &TableName::new(None, "orders"),
            &[row(
                "u-1",
                &[
                    ("id", Cell::Int(1)),
                    ("email", Cell::Text("a@b.c".into())),
                    ("price", Cell::Float(9.5)),
                    ("paid", Cell::Bool(true)),
                    ("at", Cell::Text("2024-02-29T08:00:00Z".into())),
                ],
            )],
        )
        .unwrap();
    }
    // Reopened: the schemas, tables, rows and loaded events are there.
    let mut w = Sqlite::open(&path).unwrap();
    assert_eq!(w.schemas().unwrap(), ["analytics", "public"]);
    let tables = w.tables().unwrap();
    let names: Vec<String> = tables.iter().map(|(t, _)| t.to_string()).collect();
    assert_eq!(names, ["analytics.orders", "public.orders"]);
    let (_, cols) = &tables[1];
    let types: Vec<(&str, &str, Option<u64>, bool)> = cols
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.column_type.type_name.as_str(),
                c.column_type.char_length(),
                c.column_type.is_non_null(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("id", "BIGINT", None, true),
            ("email", "VARCHAR", Some(256), false),
            ("price", "FLOAT", None, false),
            ("paid", "BOOLEAN", None, false),
            ("at", "TIMESTAMP", None, false),
        ]
    );
    assert_eq!(
        w.query_json("SELECT id, email, price, paid, at FROM public.orders")
            .unwrap(),
        json!([{"id": 1, "email": "a@b.c", "price": 9.5, "paid": 1, "at": "2024-02-29T08:00:00Z"}])
    );
    assert!(w.is_loaded("u-1").unwrap());
}

#[test]
fn an_event_loads_once_per_uuid_across_batches_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.sqlite");
    let t = TableName::new(None, "clicks");
    {
        let mut w = Sqlite::open(&path).unwrap();
        w.create_table(&t, &[column("n", ColumnType::new("BIGINT"))])
            .unwrap();
        let first = w
            .load(
                &t,
                &[
                    row("a", &[("n", Cell::Int(1))]),
                    row("b", &[("n", Cell::Int(2))]),
                ],
            )
            .unwrap();
        assert_eq!((first.inserted, first.already_loaded), (2, 0));
        // The same event twice in one batch loads once.
        let again = w
            .load(
                &t,
                &[
                    row("b", &[("n", Cell::Int(2))]),
                    row("c", &[("n", Cell::Int(3))]),
                    row("c", &[("n", Cell::Int(3))]),
                ],
            )
            .unwrap();
        assert_eq!((again.inserted, again.already_loaded), (1, 2));
    }
    let mut w = Sqlite::open(&path).unwrap();
    let rerun = w.load(&t, &[row("a", &[("n", Cell::Int(1))])]).unwrap();
    assert_eq!((rerun.inserted, rerun.already_loaded), (0, 1));
    assert_eq!(
        w.query_json("SELECT count(*) AS n FROM public.clicks")
            .unwrap(),
        json!([{"n": 3}])
    );
}

#[test]
fn a_batch_with_a_refused_row_loads_nothing_and_records_no_uuid() {
    let mut w = Sqlite::in_memory().unwrap();
    let t = TableName::new(None, "orders");
    w.create_table(&t, &orders_columns()).unwrap();
    let err = w
        .load(
            &t,
            &[
                row("ok", &[("id", Cell::Int(1))]),
                row("bad", &[("id", Cell::Null)]),
            ],
        )
        .unwrap_err();
    assert!(matches!(err, WarehouseError::Database(_)), "{err}");
    assert!(err.to_string().contains("NOT NULL"), "{err}");
    assert!(!w.is_loaded("ok").unwrap());
    assert_eq!(
        w.query_json("SELECT count(*) AS n FROM public.orders")
            .unwrap(),
        json!([{"n": 0}])
    );
    // Unknown columns are refused before anything is written.
    let err = w
        .load(&t, &[row("x", &[("nope", Cell::Int(1))])])
        .unwrap_err();
    assert!(matches!(err, WarehouseError::NoColumn { .. }), "{err}");
}

#[test]
fn columns_are_added_tables_dropped_and_missing_ones_reported() {
    let mut w = Sqlite::in_memory().unwrap();
    let t = TableName::new(None, "events");
    assert!(w.load(&t, &[]).unwrap_err().is_missing_table());
    assert!(w
        .load(&TableName::new(Some("nowhere"), "x"), &[])
        .unwrap_err()
        .is_missing_table());
    w.create_table(&t, &[column("a", ColumnType::new("BIGINT"))])
        .unwrap();
    assert!(matches!(
        w.create_table(&t, &[column("a", ColumnType::new("BIGINT"))]),
        Err(WarehouseError::TableExists(_))
    ));
    let mut b = ColumnType::varchar(10);
    b.non_null = Some(json!(true));
    w.add_columns(&t, &[column("a", ColumnType::new("TEXT")), column("b", b)])
        .unwrap();
    let (_, cols) = w.tables().unwrap().remove(0);
    let names: Vec<(&str, &str)> = cols
        .iter()
        .map(|c| (c.name.as_str(), c.column_type.type_name.as_str()))
        .collect();
    assert_eq!(names, [("a", "BIGINT"), ("b", "VARCHAR")]);
    // Rows loaded before have no value for an added column: it is nullable.
    assert!(!cols[1].column_type.is_non_null());
    w.drop_table(&t).unwrap();
    assert!(w.tables().unwrap().is_empty());
    assert!(w.drop_table(&t).unwrap_err().is_missing_table());
}

#[test]
fn odd_names_are_quoted_and_bad_schema_names_refused() {
    let mut w = Sqlite::in_memory().unwrap();
    let t = TableName::new(None, "we\"ird table; drop");
    w.create_table(&t, &[column("sel\"ect", ColumnType::new("BIGINT"))])
        .unwrap();
    w.load(&t, &[row("u", &[("sel\"ect", Cell::Int(5))])])
        .unwrap();
    assert_eq!(
        w.query_json(r#"SELECT "sel""ect" AS v FROM public."we""ird table; drop""#)
            .unwrap(),
        json!([{"v": 5}])
    );
    let too_long = "s".repeat(64);
    for bad in ["", "main", "temp", "TEMP", too_long.as_str()] {
        assert!(
            matches!(w.create_schema(bad), Err(WarehouseError::BadName(_))),
            "{bad:?}"
        );
    }
    // Any other name is quoted, in SQL and in its file's name.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dwh.sqlite");
    let mut w = Sqlite::open(&file).unwrap();
    for odd in ["a;b", "x y", "team/ü"] {
        w.create_schema(odd).unwrap();
        let t = TableName::new(Some(odd), "t");
        w.create_table(&t, &[column("v", ColumnType::new("BIGINT"))])
            .unwrap();
        w.load(&t, &[row(&format!("u-{odd}"), &[("v", Cell::Int(1))])])
            .unwrap();
    }
    assert!(dir.path().join("dwh.sqlite.a%3Bb").is_file());
    assert!(dir.path().join("dwh.sqlite.team%2F%C3%BC").is_file());
    // Opened again, the schemas are attached again.
    drop(w);
    let w = Sqlite::open(&file).unwrap();
    assert_eq!(
        w.query_json(r#"SELECT v FROM "x y".t"#).unwrap(),
        json!([{"v": 1}])
    );
}

#[test]
fn a_type_name_is_never_sql_of_its_own() {
    let mut w = Sqlite::in_memory().unwrap();
    let t = TableName::new(None, "t");
    w.create_table(
        &t,
        &[
            column("a", ColumnType::new("BIGINT CHECK(0)")),
            column("b", ColumnType::new("TEXT) --")),
        ],
    )
    .unwrap();
    let done = w
        .load(
            &t,
            &[row(
                "u",
                &[("a", Cell::Int(1)), ("b", Cell::Text("x".into()))],
            )],
        )
        .unwrap();
    assert_eq!(done.inserted, 1);
    let (_, cols) = w.tables().unwrap().remove(0);
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn a_warehouse_file_made_before_keeps_its_loaded_ids_and_loads_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.sqlite");
    // The bookkeeping as an earlier version made it (a rowid table).
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch(
            "CREATE TABLE _alooma_loaded (uuid TEXT PRIMARY KEY, schema_name TEXT, table_name TEXT);
             INSERT INTO _alooma_loaded VALUES ('u-old', 'public', 'orders');",
        )
        .unwrap();
    }
    let mut w = Sqlite::open(&file).unwrap();
    let table = TableName::new(None, "orders");
    w.create_table(&table, &orders_columns()).unwrap();
    let rows = [
        row("u-old", &[("id", Cell::Int(1))]),
        row("u-new", &[("id", Cell::Int(2))]),
    ];
    let done = w.load(&table, &rows).unwrap();
    assert_eq!((done.inserted, done.already_loaded), (1, 1));
    assert_eq!(
        w.query_json("SELECT id FROM public.orders").unwrap(),
        json!([{"id": 2}])
    );
    // A new file has the table WITHOUT ROWID.
    let fresh = dir.path().join("new.sqlite");
    drop(Sqlite::open(&fresh).unwrap());
    let sql: String = rusqlite::Connection::open(&fresh)
        .unwrap()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = '_alooma_loaded'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(sql.ends_with("WITHOUT ROWID"), "{sql}");
}
