//! Client methods of the outputs area: `get_output_node`,
//! `get_output_config`, `set_output`, `set_redshift_config`,
//! `set_snowflake_config`, `set_bigquery_config`, `get_redshift_config`,
//! `get_snowflake_config`, `get_bigquery_config`.

use crate::Error;
use alooma_core::outputs::{sink_config, GetOutputNode, SetOutput};
use alooma_types::{
    BigQueryConfig, Configuration, Node, OutputConfig, RedshiftConfig, SinkType, SnowflakeConfig,
};

crate::api::methods! {
    /// The output node (`GET plumbing/outputs`, first element); none is
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let out = client.get_output_node().await?;
    /// println!("{} ({})", out.name, out.node_type);
    /// # Ok(()) });
    /// ```
    pub async fn get_output_node(&self) -> Result<Node, Error> = GetOutputNode;

    /// The output node's configuration (passwords masked by the server).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(config) = client.get_output_config().await? {
    ///     println!("{:?}", config.get("databaseName"));
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_output_config(&self) -> Result<Option<Configuration>, Error> {
        Ok(self.get_output_node().await?.configuration.into_option())
    }

    /// Replaces the output's configuration: reads the output node, then
    /// `PUT plumbing/nodes/{id}`. Changing the output type is refused
    /// ([`Error::Build`](crate::Error::Build)) before anything is written; `name` defaults to the
    /// type's display name and `skipValidation` to `false`.
    ///
    /// ```
    /// # alooma_tests::doc_on("BIGQUERY", |client| async move {
    /// use alooma::types::BigQueryConfig;
    /// client.set_output(BigQueryConfig::new("acme-prod", "events"), None).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_output(
        &self,
        config: impl Into<OutputConfig>,
        name: Option<&str>,
    ) -> Result<Option<serde_json::Value>, Error> {
        let config = config.into();
        let current = self.get_output_node().await?;
        self.send(SetOutput::for_node(&current, config, name)?)
            .await
    }

    /// The reference's deprecated `set_output_config`: a Redshift-shaped
    /// configuration (`hostname`, `port`, `schemaName`, `databaseName`,
    /// `username`, `password`, `skipValidation`, `ssh`) for an output of
    /// type `sink_type` (`REDSHIFT`, `MEMSQL` …, upper-cased), then
    /// [`set_output`](Self::set_output) under `output_name`.
    ///
    /// ```
    /// # alooma_tests::doc_on("MEMSQL", |client| async move {
    /// use alooma::types::RedshiftConfig;
    /// let config = RedshiftConfig::new("memsql.example.com", 3306, "public", "dwh", "loader", "pw");
    /// # #[allow(deprecated)]
    /// client.set_output_config(config, "memsql", Some("MemSQL")).await?;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use set_output")]
    pub async fn set_output_config(
        &self,
        config: RedshiftConfig,
        sink_type: &str,
        output_name: Option<&str>,
    ) -> Result<Option<serde_json::Value>, Error> {
        let mut config = config;
        config.sink_type = SinkType::from_any_case(sink_type).into();
        let map = match serde_json::to_value(&config) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) | Err(_) => {
                return Err(Error::build(
                    "set_output_config",
                    "the configuration could not be written as a JSON object",
                ))
            }
        };
        self.set_output(OutputConfig::Custom(map), output_name)
            .await
    }

    /// Sets a Redshift output's configuration (see [`RedshiftConfig`]'s
    /// builder for `skip_validation` and the SSH tunnel).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::{RedshiftConfig, SshTunnel};
    /// let config = RedshiftConfig::new("rs.example.com", 5439, "public", "dwh", "loader", "pw")
    ///     .with_ssh(SshTunnel::new("bastion.example.com", 22, "alooma"));
    /// client.set_redshift_config(config).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_redshift_config(
        &self,
        config: RedshiftConfig,
    ) -> Result<Option<serde_json::Value>, Error> {
        self.set_output(config, None).await
    }

    /// Sets a Snowflake output's configuration.
    ///
    /// ```
    /// # alooma_tests::doc_on("SNOWFLAKE", |client| async move {
    /// use alooma::types::SnowflakeConfig;
    /// let config = SnowflakeConfig::new("acme", "LOAD_WH", "PUBLIC", "DWH", "loader", "pw");
    /// client.set_snowflake_config(config).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_snowflake_config(
        &self,
        config: SnowflakeConfig,
    ) -> Result<Option<serde_json::Value>, Error> {
        self.set_output(config, None).await
    }

    /// Sets a BigQuery output's configuration.
    ///
    /// ```
    /// # alooma_tests::doc_on("BIGQUERY", |client| async move {
    /// use alooma::types::BigQueryConfig;
    /// client.set_bigquery_config(BigQueryConfig::new("acme-prod", "events").with_skip_validation(true)).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_bigquery_config(
        &self,
        config: BigQueryConfig,
    ) -> Result<Option<serde_json::Value>, Error> {
        self.set_output(config, None).await
    }

    /// The configuration of the first `REDSHIFT` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(c) = client.get_redshift_config().await? { println!("{}", c.username); }
    /// # Ok(()) });
    /// ```
    pub async fn get_redshift_config(&self) -> Result<Option<RedshiftConfig>, Error> {
        sink_config(
            "get_redshift_config",
            &self.get_structure().await?,
            &SinkType::Redshift,
        )
    }

    /// The configuration of the first `SNOWFLAKE` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(c) = client.get_snowflake_config().await? { println!("{}", c.username); }
    /// # Ok(()) });
    /// ```
    pub async fn get_snowflake_config(&self) -> Result<Option<SnowflakeConfig>, Error> {
        sink_config(
            "get_snowflake_config",
            &self.get_structure().await?,
            &SinkType::Snowflake,
        )
    }

    /// The configuration of the first `BIGQUERY` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(c) = client.get_bigquery_config().await? { println!("{}", c.dataset_name); }
    /// # Ok(()) });
    /// ```
    pub async fn get_bigquery_config(&self) -> Result<Option<BigQueryConfig>, Error> {
        sink_config(
            "get_bigquery_config",
            &self.get_structure().await?,
            &SinkType::BigQuery,
        )
    }
}
