//! Client methods of the tables and schemas area (the output warehouse).

use alooma_core::tables::{
    AlterTable, CreateSchema, CreateTable, CreateTableInSchema, DropTable, GetSchemas, GetTable,
    GetTableDependencies, GetTableNames, GetTables,
};
use alooma_types::{Column, Schema, Table};

crate::api::methods! {
    /// Every table of the default schema, with its columns (`GET tables`),
    /// as the reference's `get_tables()`; [`get_tables_with`](Self::get_tables_with)
    /// takes its `shallow` and `schema` arguments.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let tables = client.get_tables().await?;
    /// # Ok(()) });
    /// ```
    pub async fn get_tables(&self) -> Result<Vec<Table>, Error> = GetTables::new();

    /// The tables of `schema` (`None`: the default schema), with their
    /// columns (`GET tables[/{schema}]`); `shallow` only lists names, as
    /// [`get_table_names`](Self::get_table_names).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for t in client.get_tables_with(false, Some("public")).await? {
    ///     println!("{} ({} columns)", t.table_name, t.columns().len());
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_tables_with(
        &self,
        shallow: bool,
        schema: Option<&str>,
    ) -> Result<Vec<Table>, Error> {
        if shallow {
            return self.get_table_names(schema).await;
        }
        let mut op = GetTables::new();
        op.schema = schema.map(str::to_owned);
        self.send(op).await
    }

    /// The tables of `schema` (`None`: the default schema) with empty
    /// `columns` (`GET tables[/{schema}]?shallow=true`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let names: Vec<String> = client.get_table_names(None).await?
    ///     .into_iter().filter_map(|t| t.table_name.into_option()).collect();
    /// # let _ = names;
    /// # Ok(()) });
    /// ```
    pub async fn get_table_names(&self, schema: Option<&str>) -> Result<Vec<Table>, Error> {
        let mut op = GetTableNames::new();
        op.schema = schema.map(str::to_owned);
        self.send(op).await
    }

    /// Creates a table (`POST tables/{table}`); answers the table as the
    /// server describes it, if it sends one. Not retried after it may have
    /// reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::{Column, ColumnType};
    /// client.create_table("orders_archive", &[
    ///     Column::new("price", ColumnType::new("FLOAT")),
    ///     Column::new("event", ColumnType::new("VARCHAR").with_length(256)).dist_key(true).sort_key_index(0),
    /// ]).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_table(
        &self,
        table: &str,
        columns: &[Column],
    ) -> Result<Option<Table>, Error> = CreateTable::new(table, columns.to_vec());

    /// Creates a table in `schema` rather than the output's default
    /// (`POST tables/{schema}/{table}`: beyond the reference client, an
    /// endpoint real users' code called). Not retried after it may have
    /// reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::{Column, ColumnType};
    /// client.create_table_in_schema("analytics", "orders_copy", &[Column::new("id", ColumnType::new("INT"))]).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_table_in_schema(
        &self,
        schema: &str,
        table: &str,
        columns: &[Column],
    ) -> Result<Option<Table>, Error> {
        self.send(CreateTableInSchema::new(schema, table, columns.to_vec()))
            .await
    }

    /// Alters a table to have `columns` (`PUT tables/{table}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::{Column, ColumnType};
    /// client.alter_table("orders", &[Column::new("note", ColumnType::new("VARCHAR").with_length(1024))]).await?;
    /// # Ok(()) });
    /// ```
    pub async fn alter_table(
        &self,
        table: &str,
        columns: &[Column],
    ) -> Result<Option<Table>, Error> = AlterTable::new(table, columns.to_vec());

    /// Drops `schema.table` (not its dependencies: the reference's
    /// `cascade=False`); [`drop_table_with`](Self::drop_table_with) cascades.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.drop_table("analytics", "sessions").await?;
    /// # Ok(()) });
    /// ```
    pub async fn drop_table(&self, schema: &str, table: &str) -> Result<(), Error> = DropTable::new(schema, table);

    /// Drops `schema.table`, and its dependencies when `cascade`
    /// (`DELETE tables/{schema}/{table}[?cascade=true]`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.drop_table_with("public", "orders", true).await?;
    /// # Ok(()) });
    /// ```
    pub async fn drop_table_with(&self, schema: &str, table: &str, cascade: bool) -> Result<(), Error> {
        self.send(DropTable::new(schema, table).cascade(cascade))
            .await
    }

    /// One table of a schema, with its columns
    /// (`GET tables/{schema}/{table}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let orders = client.get_table("public", "orders").await?;
    /// println!("{} columns", orders.columns().len());
    /// # Ok(()) });
    /// ```
    pub async fn get_table(&self, schema: &str, table: &str) -> Result<Table, Error> =
        GetTable::new(schema, table);

    /// What depends on `schema.table`
    /// (`GET tables/{schema}/{table}/dependencies`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let deps = client.get_table_dependencies("public", "orders").await?;
    /// # assert_eq!(deps, ["public.orders_daily"]);
    /// # assert!(client.get_table_dependencies("analytics", "sessions").await?.is_empty());
    /// # Ok(()) });
    /// ```
    pub async fn get_table_dependencies(
        &self,
        schema: &str,
        table: &str,
    ) -> Result<Vec<String>, Error> = GetTableDependencies::new(schema, table);

    /// The schemas of the output (`GET schemas/`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let default = client.get_schemas().await?.into_iter().find(|s| s.is_default());
    /// # let _ = default;
    /// # Ok(()) });
    /// ```
    pub async fn get_schemas(&self) -> Result<Vec<Schema>, Error> = GetSchemas;

    /// Creates a schema (`POST schemas`). Not retried after it may have
    /// reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.create_schema(&alooma::types::Schema::new("staging")).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_schema(&self, schema: &Schema) -> Result<(), Error> = CreateSchema::new(schema.clone());
}
