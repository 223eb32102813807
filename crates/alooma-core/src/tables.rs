//! Tables and schemas of the output warehouse: `get_tables`,
//! `get_table_names`, `create_table`, `alter_table`, `drop_table`,
//! `get_table_dependencies`, `get_schemas`, `create_schema`; `get_table`
//! (`GET tables/{schema}/{table}`, one table); and
//! `create_table_in_schema` (`POST tables/{schema}/{table}`), which real
//! users' code called beyond the reference client.
//!
//! Every table and schema name is percent-encoded as one path segment (the
//! reference client sends them raw: defect 3).

use crate::{decode, Error, Operation, OperationMeta, RequestSpec};
use alooma_types::{Column, Schema, Table};
use bytes::Bytes;
use http::{Request, Response};

crate::declare::operations! {
    area: tables;

    /// The tables of a schema (the output's default when none), with their columns.
    op get_tables for GetTables: GET "tables/{schema?}";
    retry: Idempotent;
    answer: Vec<alooma_types::Table>;
    example: GetTables::new().schema(examples::ODD);

    /// The tables of a schema, with empty `columns`.
    op get_table_names for GetTableNames: GET "tables/{schema?}";
    retry: Idempotent;
    answer: Vec<alooma_types::Table>;
    example: GetTableNames::new().schema(examples::ODD);

    /// Creates a table in the output's default schema.
    op create_table for CreateTable: POST "tables/{table}";
    retry: NotIdempotent;
    body: Vec<alooma_types::Column>;
    answer: alooma_types::Table;
    example: CreateTable::new(examples::ODD, examples::columns());

    /// Creates a table in another schema.
    op create_table_in_schema for CreateTableInSchema: POST "tables/{schema}/{table}";
    retry: NotIdempotent;
    body: Vec<alooma_types::Column>;
    answer: alooma_types::Table;
    example: CreateTableInSchema::new("stag ing", examples::ODD, examples::columns());

    /// Alters a table to the given columns.
    op alter_table for AlterTable: PUT "tables/{table}";
    retry: Idempotent;
    body: Vec<alooma_types::Column>;
    answer: alooma_types::Table;
    example: AlterTable::new("orders 2018", examples::columns_and_note());

    /// Drops a table (and, cascading, its dependencies).
    op drop_table for DropTable: DELETE "tables/{schema}/{table}";
    retry: Idempotent;
    answer: ();
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
    op create_schema for CreateSchema: POST "schemas";
    retry: NotIdempotent;
    body: alooma_types::Schema;
    answer: alooma_types::Schema;
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

fn tables_path(meta: OperationMeta, schema: Option<&str>) -> RequestSpec {
    let spec = RequestSpec::get(meta).lit("tables");
    match schema {
        Some(s) => spec.seg(s),
        None => spec,
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

impl Operation for GetTables {
    type Output = Vec<Table>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        tables_path(self.meta(), self.schema.as_deref()).finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
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

impl Operation for GetTableNames {
    type Output = Vec<Table>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        tables_path(self.meta(), self.schema.as_deref())
            .query("shallow", "true")
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}

fn check_columns(spec: RequestSpec, columns: &[Column]) -> RequestSpec {
    if columns.is_empty() {
        spec.fail("at least one column is required")
    } else if columns.iter().any(|c| c.name().is_none_or(str::is_empty)) {
        spec.fail("a column name must not be empty")
    } else {
        spec
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

impl Operation for CreateTable {
    /// The table as the server describes it; `None` when it answers no body.
    type Output = Option<Table>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::post(self.meta())
            .lit("tables")
            .seg(&self.table);
        check_columns(spec, &self.columns)
            .json(&self.columns)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json_or_empty(self.meta().name, response)
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

impl Operation for CreateTableInSchema {
    /// The table as the server describes it; `None` when it answers no body.
    type Output = Option<Table>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::post(self.meta())
            .lit("tables")
            .seg(&self.schema)
            .seg(&self.table);
        check_columns(spec, &self.columns)
            .json(&self.columns)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json_or_empty(self.meta().name, response)
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

impl Operation for AlterTable {
    /// The table as the server describes it; `None` when it answers no body.
    type Output = Option<Table>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::put(self.meta()).lit("tables").seg(&self.table);
        check_columns(spec, &self.columns)
            .json(&self.columns)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json_or_empty(self.meta().name, response)
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

impl Operation for DropTable {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::delete(self.meta())
            .lit("tables")
            .seg(&self.schema)
            .seg(&self.table);
        if self.cascade {
            spec.query("cascade", "true").finish()
        } else {
            spec.finish()
        }
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
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

impl Operation for CreateSchema {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::post(self.meta()).lit("schemas");
        let spec = if self.schema.name().is_none_or(str::is_empty) {
            spec.fail("the schema name must not be empty")
        } else {
            spec
        };
        spec.json(&self.schema).finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}
