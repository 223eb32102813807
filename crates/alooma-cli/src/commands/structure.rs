//! `alooma structure` and `alooma deployment`: the pipeline's nodes and
//! the deployment's information.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::{Args, ValueEnum};
use serde_json::json;

/// A warehouse node type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Warehouse {
    /// Amazon Redshift.
    Redshift,
    /// Snowflake.
    Snowflake,
    /// Google BigQuery.
    Bigquery,
}

/// Arguments of `alooma structure`: without flags, every node.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct StructureArgs {
    /// Use the deprecated `get_plumbing` call (same answer).
    #[arg(long)]
    pub plumbing: bool,
    /// Only the Code Engine (TRANSFORMER) node's id.
    #[arg(long)]
    pub transform_node_id: bool,
    /// The throughput of every live node with this name.
    #[arg(long, value_name = "NAME")]
    pub throughput: Option<String>,
    /// Only the first node of this warehouse type.
    #[arg(long, value_enum, value_name = "TYPE")]
    pub node: Option<Warehouse>,
}

/// Arguments of `alooma deployment`.
#[derive(Debug, Args)]
pub struct DeploymentArgs {}

/// The columns of a node table.
pub const NODE_COLUMNS: &[&str] = &["id", "name", "type", "category", "deleted", "state"];

/// Runs `alooma structure`.
pub async fn run(args: StructureArgs, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    if args.transform_node_id {
        let id = client.get_transform_node_id().await?;
        return ctx.out.value(&json!({ "transformNodeId": id }));
    }
    if let Some(name) = args.throughput {
        let values = client.get_throughput_by_name(&name).await?;
        return ctx
            .out
            .value(&json!({ "name": name, "throughput": values }));
    }
    if let Some(kind) = args.node {
        let node = match kind {
            Warehouse::Redshift => client.get_redshift_node().await?,
            Warehouse::Snowflake => client.get_snowflake_node().await?,
            Warehouse::Bigquery => client.get_bigquery_node().await?,
        };
        return match node {
            Some(node) => ctx.out.value(&node),
            None => Err(CliError::Sdk(alooma::Error::NotFound {
                operation: "structure",
                what: format!("no {kind:?} node in the structure"),
            })),
        };
    }
    let structure = if args.plumbing {
        #[allow(deprecated)] // reachable on purpose: scripts ported from the reference use it
        client.get_plumbing().await?
    } else {
        client.get_structure().await?
    };
    ctx.out.columns(&structure.nodes, NODE_COLUMNS)
}

/// Runs `alooma deployment`.
pub async fn deployment(_args: DeploymentArgs, ctx: &Ctx) -> Result<(), CliError> {
    let info = ctx.client()?.get_deployment_info().await?;
    ctx.out.value(&info)
}
