//! Client methods of the tables and schemas area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::types::{Column, ColumnType, Schema};
use alooma::Client;
use serde_json::json;

const TABLES: &str = include_str!("../../../alooma-types/tests/fixtures/tables/get_tables.json");
const NAMES: &str =
    include_str!("../../../alooma-types/tests/fixtures/tables/get_table_names.json");
const COLUMNS: &str =
    include_str!("../../../alooma-types/tests/fixtures/columns/create_table.request.json");
const SCHEMAS: &str = include_str!("../../../alooma-types/tests/fixtures/schemas/get_schemas.json");

fn sent(mock: &MockService) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect()
}

#[tokio::test]
async fn get_tables_and_get_table_names() {
    let mock = MockService::new();
    mock.on("GET", "/tables", 200, TABLES)
        .on("GET", "/tables/my%2Fschema", 200, TABLES)
        .on("GET", "/tables/my%2Fschema?shallow=true", 200, NAMES)
        .on("GET", "/tables?shallow=true", 200, NAMES);
    let client = Client::with_service(mock.clone());
    assert_eq!(
        client.get_tables_with(false, None).await.unwrap()[0]
            .columns()
            .len(),
        1
    );
    assert_eq!(
        client
            .get_tables_with(false, Some("my/schema"))
            .await
            .unwrap()[0]
            .table_name,
        "user"
    );
    assert_eq!(
        client
            .get_tables_with(true, Some("my/schema"))
            .await
            .unwrap()[0]
            .table_name,
        "TABLE1"
    );
    assert!(client.get_table_names(None).await.unwrap()[0]
        .columns()
        .is_empty());
    assert_eq!(
        sent(&mock),
        [
            "GET /tables",
            "GET /tables/my%2Fschema",
            "GET /tables/my%2Fschema?shallow=true",
            "GET /tables?shallow=true"
        ]
    );
}

#[tokio::test]
async fn create_table_and_alter_table() {
    let columns: Vec<Column> = serde_json::from_str(COLUMNS).unwrap();
    let mock = MockService::new();
    let answer =
        format!(r#"{{"tableName":"a b","schema":"public","columns":{COLUMNS},"retention":null}}"#);
    mock.on("POST", "/tables/a%20b%3F", 200, answer)
        .on("PUT", "/tables/a%20b%3F", 200, "");
    let client = Client::with_service(mock.clone());
    let created = client
        .create_table("a b?", &columns)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.columns, alooma_types::Maybe::Value(columns.clone()));
    let mut more = columns.clone();
    more.push(Column::new(
        "note",
        ColumnType::new("VARCHAR").with_length(64),
    ));
    assert_eq!(client.alter_table("a b?", &more).await.unwrap(), None);
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        serde_json::from_str::<serde_json::Value>(COLUMNS).unwrap()
    );
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(
        reqs[1].json()[2],
        json!({"columnName": "note", "distKey": false, "primaryKey": false,
        "sortKeyIndex": -1, "columnType": {"type": "VARCHAR", "length": 64, "nonNull": false}})
    );
}

#[tokio::test]
async fn drop_table_with_and_without_cascade() {
    let mock = MockService::new();
    mock.on("DELETE", "/tables/public/old%2Ft", 200, "").on(
        "DELETE",
        "/tables/public/old%2Ft?cascade=true",
        200,
        "",
    );
    let client = Client::with_service(mock.clone());
    client
        .drop_table_with("public", "old/t", false)
        .await
        .unwrap();
    client
        .drop_table_with("public", "old/t", true)
        .await
        .unwrap();
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn get_schemas_and_create_schema() {
    let mock = MockService::new();
    mock.on("GET", "/schemas/", 200, SCHEMAS)
        .on("POST", "/schemas", 200, "");
    let client = Client::with_service(mock.clone());
    let schemas = client.get_schemas().await.unwrap();
    assert_eq!(schemas[0].schema_name, "PUBLIC");
    client.create_schema(&Schema::new("staging")).await.unwrap();
    assert_eq!(mock.requests()[1].json(), json!({"schemaName": "staging"}));
}

#[tokio::test]
async fn create_table_in_schema_posts_the_columns_to_the_schema_path() {
    let mock = alooma::mock::MockService::new();
    mock.on("POST", "/tables/stag%20ing/orders", 200, "{}");
    let client = alooma::Client::with_service(mock.clone());
    let columns = [alooma::types::Column::new(
        "id",
        alooma::types::ColumnType::new("INT"),
    )];
    let answer = client
        .create_table_in_schema("stag ing", "orders", &columns)
        .await
        .unwrap();
    assert_eq!(serde_json::to_string(&answer.unwrap()).unwrap(), "{}");
    assert_eq!(mock.requests()[0].json()[0]["columnName"], "id");
}
