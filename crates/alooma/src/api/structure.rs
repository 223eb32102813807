//! Client methods of the structure area: `get_structure` (and the
//! deprecated `get_plumbing`), `get_transform_node_id`,
//! `get_throughput_by_name`, `get_redshift_node`, `get_snowflake_node`,
//! `get_bigquery_node`, `get_deployment_info`, `get_public_ssh_key`.

use crate::{Client, Error, HttpService};
use alooma_core::structure::{
    sink_node, throughput_by_name, transform_node_id, GetDeploymentInfo, GetStructure,
};
use alooma_types::{DeploymentInfo, Node, SinkType, Structure, ALOOMA_PUBLIC_SSH_KEY};

crate::api::methods! {
    /// Every input, output and processor of the system
    /// (`GET plumbing/?resolution=1min`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for node in client.get_structure().await?.nodes() {
    ///     println!("{} {} ({})", node.id, node.name, node.node_type);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_structure(&self) -> Result<Structure, Error> = GetStructure;

    /// The old name of [`get_structure`](Self::get_structure).
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # alooma_tests::doc(|client| async move {
    /// let structure = client.get_plumbing().await?;
    /// # assert!(structure.nodes.iter().next().is_some());
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use get_structure")]
    pub async fn get_plumbing(&self) -> Result<Structure, Error> {
        self.get_structure().await
    }

    /// The id of the Code Engine (`TRANSFORMER`) node; none is
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{}", client.get_transform_node_id().await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_transform_node_id(&self) -> Result<String, Error> {
        transform_node_id(&self.get_structure().await?)
    }

    /// The throughput of every non-deleted node called `name` (`Inputs`,
    /// `Code Engine`, `Restream`, `Mapper`, `Output` …).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{:?}", client.get_throughput_by_name("Mapper").await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_throughput_by_name(&self, name: &str) -> Result<Vec<f64>, Error> {
        Ok(throughput_by_name(&self.get_structure().await?, name))
    }

    /// The first `REDSHIFT` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(node) = client.get_redshift_node().await? { println!("{}", node.id); }
    /// # Ok(()) });
    /// ```
    pub async fn get_redshift_node(&self) -> Result<Option<Node>, Error> {
        self.first_sink_node(SinkType::Redshift).await
    }

    /// The first `SNOWFLAKE` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(node) = client.get_snowflake_node().await? { println!("{}", node.id); }
    /// # Ok(()) });
    /// ```
    pub async fn get_snowflake_node(&self) -> Result<Option<Node>, Error> {
        self.first_sink_node(SinkType::Snowflake).await
    }

    /// The first `BIGQUERY` node, if any.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// if let Some(node) = client.get_bigquery_node().await? { println!("{}", node.id); }
    /// # Ok(()) });
    /// ```
    pub async fn get_bigquery_node(&self) -> Result<Option<Node>, Error> {
        self.first_sink_node(SinkType::BigQuery).await
    }

    /// The deployment serving the account (`GET deployInfo`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let info = client.get_deployment_info().await?;
    /// println!("{:?}", info.deployment_name);
    /// # assert_eq!(info.deployment_name.as_deref(), Some("acme-emulator"));
    /// # assert_eq!(info.git_commit_id.as_deref(), Some("e1a2b3c"));
    /// # Ok(()) });
    /// ```
    pub async fn get_deployment_info(&self) -> Result<DeploymentInfo, Error> = GetDeploymentInfo;

    /// Alooma's public SSH deploy key (a constant; no request is made).
    ///
    /// ```
    /// let client = alooma::Client::with_service(alooma::mock::MockService::new());
    /// assert!(client.get_public_ssh_key().ends_with("deploy@alooma.io"));
    /// ```
    pub fn get_public_ssh_key(&self) -> &'static str {
        ALOOMA_PUBLIC_SSH_KEY
    }
}

impl<S: HttpService> Client<S> {
    async fn first_sink_node(&self, sink: SinkType) -> Result<Option<Node>, Error> {
        Ok(sink_node(&self.get_structure().await?, &sink).cloned())
    }
}
