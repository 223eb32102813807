//! Tables and schemas of the output warehouse: `get_tables`,
//! `get_table_names`, `create_table`, `alter_table`, `drop_table`,
//! `get_table_dependencies`, `get_schemas`, `create_schema`; `get_table`
//! (`GET tables/{schema}/{table}`, one table); and
//! `create_table_in_schema` (`POST tables/{schema}/{table}`), which real
//! users' code called beyond the reference client.
//!
//! Every table and schema name is percent-encoded as one path segment (the
//! reference client sends them raw: defect 3).

use alooma_types::{Column, Schema, Table};

crate::declare::operations! {
    area: tables;

    /// The tables of a schema (the output's default when none), with their columns.
    impl op get_tables for GetTables: GET "tables" / {schema?};
    retry: Idempotent;
    output: Vec<Table> = json;
    example: GetTables::new().schema(examples::ODD);

    /// The tables of a schema, with empty `columns`.
    impl op get_table_names for GetTableNames: GET "tables" / {schema?};
    retry: Idempotent;
    query: "shallow" = "true";
    output: Vec<Table> = json;
    example: GetTableNames::new().schema(examples::ODD);

    /// Creates a table in the output's default schema.
    impl op create_table for CreateTable: POST "tables" / {table};
    retry: NotIdempotent;
    check: (|op| check_columns(&op.columns));
    body: {columns};
    output: Option<Table> = json_or_empty;
    answer: Table;
    example: CreateTable::new(examples::ODD, examples::columns());

    /// Creates a table in another schema.
    impl op create_table_in_schema for CreateTableInSchema: POST "tables" / {schema} / {table};
    retry: NotIdempotent;
    check: (|op| check_columns(&op.columns));
    body: {columns};
    output: Option<Table> = json_or_empty;
    answer: Table;
    example: CreateTableInSchema::new("stag ing", examples::ODD, examples::columns());

    /// Alters a table to the given columns.
    impl op alter_table for AlterTable: PUT "tables" / {table};
    retry: Idempotent;
    check: (|op| check_columns(&op.columns));
    body: {columns};
    output: Option<Table> = json_or_empty;
    answer: Table;
    example: AlterTable::new("orders 2018", examples::columns_and_note());

    /// Drops a table (and, cascading, its dependencies).
    impl op drop_table for DropTable: DELETE "tables" / {schema} / {table};
    retry: Idempotent;
    query: "cascade" = "true" if {cascade};
    output: () = empty;
    example: DropTable::new("my schema", "a/b?cascade=false").cascade(true);

    /// One table of a schema, with its columns.
    ///
    /// ```
    /// use alooma_core::{Operation, tables::GetTable};
    /// assert_eq!(GetTable::new("public", "orders").build().unwrap().uri(), "/tables/public/orders");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GetTable {
        /// The schema the table is in.
        pub schema: String,
        /// The table's name.
        pub table: String,
    }
    op get_table: GET "tables" / {schema} / {table};
    retry: Idempotent;
    output: Table = json;
    example: GetTable::new("my schema", examples::ODD);

    /// The objects that depend on a table.
    ///
    /// ```
    /// use alooma_core::{Operation, tables::GetTableDependencies};
    /// assert_eq!(GetTableDependencies::new("public", "orders").build().unwrap().uri(),
    ///            "/tables/public/orders/dependencies");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GetTableDependencies {
        /// The schema the table is in.
        pub schema: String,
        /// The table's name.
        pub table: String,
    }
    op get_table_dependencies: GET "tables" / {schema} / {table} / "dependencies";
    retry: Idempotent;
    output: Vec<String> = json;
    example: GetTableDependencies::new("public", "a/b");

    /// The schemas of the output.
    ///
    /// ```
    /// use alooma_core::{Operation, tables::GetSchemas};
    /// assert_eq!(GetSchemas.build().unwrap().uri(), "/schemas/");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetSchemas;
    op get_schemas: GET "schemas/";
    retry: Idempotent;
    output: Vec<Schema> = json;
    example: GetSchemas;

    /// Creates a schema.
    impl op create_schema for CreateSchema: POST "schemas";
    retry: NotIdempotent;
    check: (|op| if op.schema.name().is_none_or(str::is_empty) {
        Err("the schema name must not be empty".into())
    } else {
        Ok(())
    });
    body: {schema};
    output: () = empty;
    answer: Schema;
    example: CreateSchema::new(Schema::new("staging é"));
}

/// The examples' data.
mod examples {
    use alooma_types::{Column, ColumnType};

    /// A name with every character that needs encoding.
    pub(super) const ODD: &str = "a/b?c#d%e f é";

    /// Two columns, as users' tools send them.
    pub(super) fn columns() -> Vec<Column> {
        serde_json::from_str(
            r#"[{"columnName": "price", "distKey": false, "primaryKey": false, "sortKeyIndex": -1,
                 "columnType": {"type": "FLOAT", "nonNull": false}},
                {"columnName": "event", "distKey": true, "primaryKey": false, "sortKeyIndex": 0,
                 "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}}]"#,
        )
        .unwrap_or_default()
    }

    /// [`columns`] and a sort-key `note` column.
    pub(super) fn columns_and_note() -> Vec<Column> {
        let mut columns = columns();
        columns.push(
            Column::new("note", ColumnType::new("VARCHAR").with_length(1024)).sort_key_index(1),
        );
        columns
    }
}

/// `GET tables` or `GET tables/{schema}`: the tables with their columns.
/// (`get_tables(shallow=True)` is [`GetTableNames`].)
///
/// ```
/// use alooma_core::{Operation, tables::GetTables};
/// assert_eq!(GetTables::new().build().unwrap().uri(), "/tables");
/// assert_eq!(GetTables::new().schema("my schema").build().unwrap().uri(), "/tables/my%20schema");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GetTables {
    /// The schema (`None`: the output's default schema).
    pub schema: Option<String>,
}

impl GetTables {
    /// The tables of the default schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tables of `schema` instead.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}


/// `GET tables?shallow=true` or `GET tables/{schema}?shallow=true`: the
/// tables with empty `columns`.
///
/// ```
/// use alooma_core::{Operation, tables::GetTableNames};
/// assert_eq!(GetTableNames::new().build().unwrap().uri(), "/tables?shallow=true");
/// assert_eq!(GetTableNames::new().schema("a/b").build().unwrap().uri(),
///            "/tables/a%2Fb?shallow=true");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GetTableNames {
    /// The schema (`None`: the output's default schema).
    pub schema: Option<String>,
}

impl GetTableNames {
    /// The table names of the default schema.
    pub fn new() -> Self {
        Self::default()
    }

    /// The table names of `schema` instead.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }
}


/// A column list a table can have: at least one column, each named.
fn check_columns(columns: &[Column]) -> Result<(), String> {
    if columns.is_empty() {
        Err("at least one column is required".into())
    } else if columns.iter().any(|c| c.name().is_none_or(str::is_empty)) {
        Err("a column name must not be empty".into())
    } else {
        Ok(())
    }
}

/// `POST tables/{table}` with the column list: creates a table. Not
/// idempotent. Answers the new table (or nothing).
///
/// ```
/// use alooma_core::{Operation, tables::CreateTable};
/// use alooma_types::{Column, ColumnType};
/// let op = CreateTable::new("orders", vec![Column::new("price", ColumnType::new("FLOAT"))]);
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/tables/orders");
/// assert_eq!(req.method(), "POST");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreateTable {
    /// The table's name.
    pub table: String,
    /// Its columns.
    pub columns: Vec<Column>,
}

impl CreateTable {
    /// Creates `table` with `columns`.
    pub fn new(table: impl Into<String>, columns: Vec<Column>) -> Self {
        CreateTable {
            table: table.into(),
            columns,
        }
    }
}


/// `POST tables/{schema}/{table}` with the column list (beyond the
/// reference client: real users' code called it): creates a table in a
/// schema other than the output's default. Not idempotent.
///
/// ```
/// use alooma_core::{Operation, tables::CreateTableInSchema};
/// use alooma_types::{Column, ColumnType};
/// let op = CreateTableInSchema::new("staging", "orders", vec![Column::new("id", ColumnType::new("INT"))]);
/// let req = op.build().unwrap();
/// assert_eq!((req.method().as_str(), req.uri().to_string().as_str()), ("POST", "/tables/staging/orders"));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreateTableInSchema {
    /// The schema.
    pub schema: String,
    /// The table's name.
    pub table: String,
    /// Its columns.
    pub columns: Vec<Column>,
}

impl CreateTableInSchema {
    /// Creates `schema.table` with `columns`.
    pub fn new(schema: impl Into<String>, table: impl Into<String>, columns: Vec<Column>) -> Self {
        CreateTableInSchema {
            schema: schema.into(),
            table: table.into(),
            columns,
        }
    }
}


/// `PUT tables/{table}` with the column list: alters a table.
///
/// ```
/// use alooma_core::{Operation, tables::AlterTable};
/// use alooma_types::{Column, ColumnType};
/// let op = AlterTable::new("orders?x", vec![Column::new("price", ColumnType::new("FLOAT"))]);
/// assert_eq!(op.build().unwrap().uri(), "/tables/orders%3Fx");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlterTable {
    /// The table's name.
    pub table: String,
    /// Its columns, as they should be.
    pub columns: Vec<Column>,
}

impl AlterTable {
    /// Alters `table` to have `columns`.
    pub fn new(table: impl Into<String>, columns: Vec<Column>) -> Self {
        AlterTable {
            table: table.into(),
            columns,
        }
    }
}


/// `DELETE tables/{schema}/{table}`, with `?cascade=true` to drop the
/// table's dependencies too.
///
/// ```
/// use alooma_core::{Operation, tables::DropTable};
/// assert_eq!(DropTable::new("public", "old").build().unwrap().uri(), "/tables/public/old");
/// assert_eq!(DropTable::new("public", "old").cascade(true).build().unwrap().uri(),
///            "/tables/public/old?cascade=true");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DropTable {
    /// The schema the table is in.
    pub schema: String,
    /// The table's name.
    pub table: String,
    /// Drop the table's dependencies too.
    #[serde(default)]
    pub cascade: bool,
}

impl DropTable {
    /// Drops `schema.table` (without cascading).
    pub fn new(schema: impl Into<String>, table: impl Into<String>) -> Self {
        DropTable {
            schema: schema.into(),
            table: table.into(),
            cascade: false,
        }
    }

    /// Sets whether dependencies are dropped too.
    pub fn cascade(mut self, cascade: bool) -> Self {
        self.cascade = cascade;
        self
    }
}


/// `POST schemas` with the schema: creates a schema. Not idempotent.
///
/// ```
/// use alooma_core::{Operation, tables::CreateSchema};
/// use alooma_types::Schema;
/// let req = CreateSchema::new(Schema::new("staging")).build().unwrap();
/// assert_eq!(req.uri(), "/schemas");
/// assert_eq!(&req.body()[..], br#"{"schemaName":"staging"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreateSchema {
    /// The schema to create.
    pub schema: Schema,
}

impl CreateSchema {
    /// Creates `schema`.
    pub fn new(schema: Schema) -> Self {
        CreateSchema { schema }
    }
}

