//! Tables and schemas (the output warehouse) end to end, including table
//! and schema names that need percent-encoding.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{Column, ColumnType, Schema};
use alooma_tests::{client, count, requests_to, start, warehouse_rows as warehouse};

fn stored_table(
    emu: &alooma_emulator::Emulator,
    schema: &str,
    table: &str,
) -> Option<alooma_emulator::Table> {
    emu.with_state(|s| {
        s.tables
            .iter()
            .find(|t| t.schema == schema && t.table_name == table)
            .cloned()
    })
}

fn columns() -> Vec<Column> {
    vec![
        Column::new("id", ColumnType::new("BIGINT").with_non_null(true)).primary_key(true),
        Column::new("name", ColumnType::new("VARCHAR").with_length(64)).sort_key_index(0),
    ]
}

#[tokio::test]
async fn get_tables_lists_default_or_given_schema() {
    let emu = start().await;
    let c = client(&emu);
    let public = c.get_tables_with(false, None).await.unwrap();
    // The short form is the reference's default call.
    assert_eq!(c.get_tables().await.unwrap(), public);
    let names: Vec<&str> = public
        .iter()
        .map(|t| t.table_name.as_deref().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "page_view",
            "checkout",
            "sf_account",
            "orders",
            "orders_daily"
        ]
    );
    assert!(!public[0].columns().is_empty());
    let analytics = c.get_tables_with(false, Some("analytics")).await.unwrap();
    let names: Vec<&str> = analytics
        .iter()
        .map(|t| t.table_name.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["revenue_report", "sessions"]);
    // shallow goes through get_table_names.
    let shallow = c.get_tables_with(true, None).await.unwrap();
    assert_eq!(shallow.len(), 5);
    assert!(shallow.iter().all(|t| t.columns().is_empty()));
    assert_eq!(count(&emu, "GET", "tables"), 3);
    assert_eq!(count(&emu, "GET", "tables/analytics"), 1);
}

#[tokio::test]
async fn get_table_names_is_shallow() {
    let emu = start().await;
    let c = client(&emu);
    let names = c.get_table_names(Some("analytics")).await.unwrap();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|t| t.columns().is_empty()));
    let reqs = requests_to(&emu, "GET", "tables/analytics");
    assert_eq!(reqs[0].query.as_deref(), Some("shallow=true"));
}

#[tokio::test]
async fn create_table_then_alter_table() {
    let emu = start().await;
    let c = client(&emu);
    c.create_table("customers", &columns()).await.unwrap();
    let t = stored_table(&emu, "public", "customers").unwrap();
    assert_eq!(t.columns.len(), 2);
    assert_eq!(t.columns[0]["columnName"], "id");
    assert_eq!(t.columns[0]["primaryKey"], true);
    assert_eq!(t.columns[1]["columnType"]["length"], 64);
    let mut more = columns();
    more.push(Column::new(
        "email",
        ColumnType::new("VARCHAR").with_length(256),
    ));
    c.alter_table("customers", &more).await.unwrap();
    let listed = c.get_tables_with(false, None).await.unwrap();
    let customers = listed.iter().find(|t| t.table_name == "customers").unwrap();
    let cols: Vec<&str> = customers
        .columns()
        .iter()
        .map(|c| c.column_name.as_deref().unwrap())
        .collect();
    assert_eq!(cols, ["id", "name", "email"]);
    // Creating it twice is refused by the server.
    assert!(c.create_table("customers", &columns()).await.is_err());
}

#[tokio::test]
async fn drop_table_with_and_without_cascade() {
    let emu = start().await;
    let c = client(&emu);
    // orders_daily has a dependent view: dropping without cascade fails.
    assert!(c
        .drop_table_with("public", "orders_daily", false)
        .await
        .is_err());
    assert!(stored_table(&emu, "public", "orders_daily").is_some());
    c.drop_table_with("public", "orders_daily", true)
        .await
        .unwrap();
    assert!(stored_table(&emu, "public", "orders_daily").is_none());
    assert!(stored_table(&emu, "analytics", "revenue_report").is_none());
    c.drop_table("analytics", "sessions").await.unwrap();
    assert!(stored_table(&emu, "analytics", "sessions").is_none());
    let drops: Vec<_> = requests_to(&emu, "DELETE", "tables/public/orders_daily")
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(drops, [None, Some("cascade=true".to_owned())]);
}

#[tokio::test]
async fn get_table_reads_one_table_with_its_columns() {
    let emu = start().await;
    let c = client(&emu);
    let orders = c.get_table("public", "orders").await.unwrap();
    assert_eq!(orders.table_name.as_deref(), Some("orders"));
    assert_eq!(orders.schema.as_deref(), Some("public"));
    let listed = c.get_tables_with(false, None).await.unwrap();
    let from_list = listed
        .iter()
        .find(|t| t.table_name.as_deref() == Some("orders"))
        .unwrap();
    assert_eq!(&orders, from_list, "the same table as in the list");
    assert!(!orders.columns().is_empty());
    let err = c.get_table("public", "no such table").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn get_schemas_and_create_schema() {
    let emu = start().await;
    let c = client(&emu);
    let schemas = c.get_schemas().await.unwrap();
    let names: Vec<(&str, bool)> = schemas
        .iter()
        .map(|s| (s.schema_name.as_deref().unwrap(), s.is_default()))
        .collect();
    assert_eq!(names, [("public", true), ("analytics", false)]);
    c.create_schema(&Schema::new("staging")).await.unwrap();
    let schemas = c.get_schemas().await.unwrap();
    assert!(schemas.iter().any(|s| s.schema_name == "staging"));
    assert!(emu.with_state(|s| s.schemas.iter().any(|v| v.schema_name == "staging")));
}

#[tokio::test]
async fn table_and_schema_names_needing_encoding_round_trip() {
    let emu = start().await;
    let c = client(&emu);
    let table = "odd/name? ü";
    c.create_table(table, &columns()).await.unwrap();
    assert!(stored_table(&emu, "public", table).is_some());
    c.alter_table(table, &columns()).await.unwrap();
    c.drop_table_with("public", table, false).await.unwrap();
    assert!(stored_table(&emu, "public", table).is_none());
    let encoded = "odd%2Fname%3F%20%C3%BC";
    assert_eq!(count(&emu, "POST", &format!("tables/{encoded}")), 1);
    assert_eq!(count(&emu, "PUT", &format!("tables/{encoded}")), 1);
    assert_eq!(
        count(&emu, "DELETE", &format!("tables/public/{encoded}")),
        1
    );
    // A schema name with a slash is one segment when listing.
    c.create_schema(&Schema::new("a/b")).await.unwrap();
    assert!(c
        .get_tables_with(false, Some("a/b"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(count(&emu, "GET", "tables/a%2Fb"), 1);
}

#[tokio::test]
async fn create_table_in_schema_creates_it_there() {
    let emu = start().await;
    let c = client(&emu);
    c.create_schema(&Schema::new("staging")).await.unwrap();
    let created = c
        .create_table_in_schema("staging", "orders copy", &columns())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.schema.as_deref(), Some("staging"));
    assert!(stored_table(&emu, "staging", "orders copy").is_some());
    assert_eq!(count(&emu, "POST", "tables/staging/orders%20copy"), 1);
    assert!(c
        .create_table_in_schema("nope", "t", &columns())
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn the_tables_api_is_the_warehouse_catalog() {
    let emu = start().await;
    let c = client(&emu);
    // The seed's tables exist in the database.
    assert_eq!(
        warehouse(&emu, "SELECT count(*) AS n FROM public.orders"),
        serde_json::json!([{"n": 0}])
    );
    // A table made through the API is a real table; altering it adds the
    // new column; rows go in.
    c.create_table("made", &columns()).await.unwrap();
    let mut more = columns();
    more.push(Column::new(
        "note",
        ColumnType::new("VARCHAR").with_length(16),
    ));
    c.alter_table("made", &more).await.unwrap();
    warehouse(
        &emu,
        "INSERT INTO public.made (id, name, note) VALUES (1, 'a', 'n')",
    );
    assert_eq!(
        warehouse(&emu, "SELECT id, name, note FROM public.made"),
        serde_json::json!([{"id": 1, "name": "a", "note": "n"}])
    );
    // A schema whose name needs quoting, and a table in it.
    c.create_schema(&Schema::new("team/ü")).await.unwrap();
    c.create_table_in_schema("team/ü", "t", &columns())
        .await
        .unwrap();
    assert_eq!(
        warehouse(&emu, "SELECT count(*) AS n FROM \"team/ü\".t"),
        serde_json::json!([{"n": 0}])
    );

    // A table the data path made (auto-mapping) is listed with the
    // columns the warehouse has, has no dependents, and drops.
    c.set_mapping_mode(alooma::types::MappingMode::AutoMap)
        .await
        .unwrap();
    c.create_input(&alooma::types::InputSpec::new("clicks", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("clicks").map(str::to_owned))
        .unwrap();
    let r = alooma_tests::send_raw(
        &emu,
        "POST",
        &format!("/rest/{token}"),
        r#"{"id": "c1", "page": "/x", "ms": 12}"#,
    )
    .await;
    assert_eq!(r.0, 200, "{}", r.1);
    let clicks = c.get_table("public", "clicks").await.unwrap();
    let names: Vec<&str> = clicks
        .columns()
        .iter()
        .filter_map(|col| col.column_name.as_deref())
        .collect();
    assert!(
        names.contains(&"page") && names.contains(&"ms"),
        "{names:?}"
    );
    assert!(c
        .get_tables()
        .await
        .unwrap()
        .iter()
        .any(|t| t.table_name.as_deref() == Some("clicks")));
    assert!(c
        .get_table_dependencies("public", "clicks")
        .await
        .unwrap()
        .is_empty());
    c.drop_table_with("public", "clicks", false).await.unwrap();
    assert!(c
        .get_table("public", "clicks")
        .await
        .unwrap_err()
        .is_not_found());
    assert!(warehouse(
        &emu,
        "SELECT name FROM public.sqlite_master WHERE name = 'clicks'"
    )
    .as_array()
    .unwrap()
    .is_empty());
    // Dropping a table of the API drops it in the database too.
    c.drop_table_with("public", "made", false).await.unwrap();
    assert!(emu
        .with_state_mut(|s| s.query_warehouse("SELECT * FROM public.made"))
        .is_err());
}
