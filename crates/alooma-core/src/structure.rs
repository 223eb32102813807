//! The system structure and nodes: `get_structure` (and its deprecated
//! alias `get_plumbing`), `get_transform_node_id`,
//! `get_throughput_by_name`, `get_redshift_node`, `get_snowflake_node`,
//! `get_bigquery_node`, `get_deployment_info`.
//!
//! Only [`GetStructure`] and [`GetDeploymentInfo`] are requests; the other
//! operations are pure functions of the structure ([`transform_node_id`],
//! [`throughput_by_name`], [`sink_node`]) that the facade runs on
//! `GetStructure`'s answer.

use crate::Error;
use alooma_types::{node_types, DeploymentInfo, Node, SinkType, Structure};

crate::declare::operations! {
    area: structure;

    /// Every node of the pipeline.
    ///
    /// ```
    /// use alooma_core::{Operation, structure::GetStructure};
    /// assert_eq!(GetStructure.build().unwrap().uri(), "/plumbing/?resolution=1min");
    /// let answer = http::Response::builder().status(200)
    ///     .body(bytes::Bytes::from(r#"{"nodes":[{"id":"t","name":"Code Engine","type":"TRANSFORMER"}]}"#)).unwrap();
    /// assert_eq!(GetStructure.decode(answer).unwrap().nodes()[0].id, "t");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetStructure;
    op get_structure: GET "plumbing/";
    retry: Idempotent;
    query: "resolution" = "1min";
    output: Structure = json;
    example: GetStructure;

    /// The deployment serving the account.
    ///
    /// ```
    /// use alooma_core::{Operation, structure::GetDeploymentInfo};
    /// assert_eq!(GetDeploymentInfo.build().unwrap().uri(), "/deployInfo");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetDeploymentInfo;
    op get_deployment_info: GET "deployInfo";
    retry: Idempotent;
    output: DeploymentInfo = json;
    example: GetDeploymentInfo;
}

/// `get_transform_node_id`: the id of the first `TRANSFORMER` node; none is
/// [`Error::NotFound`].
///
/// ```
/// use alooma_core::structure::transform_node_id;
/// use alooma_types::{Node, Structure};
/// let s = Structure::new(vec![Node::new("i", "In", "S3"), Node::new("t", "Code Engine", "TRANSFORMER")]);
/// assert_eq!(transform_node_id(&s).unwrap(), "t");
/// assert!(transform_node_id(&Structure::default()).is_err());
/// ```
pub fn transform_node_id(structure: &Structure) -> Result<String, Error> {
    structure
        .first_of_type(node_types::TRANSFORMER)
        .map(|n| n.id.clone())
        .ok_or_else(|| Error::NotFound {
            operation: "get_transform_node_id",
            what: "the system structure has no TRANSFORMER (Code Engine) node".into(),
        })
}

/// `get_throughput_by_name`: `stats.throughput` of every non-deleted node
/// called `name`, in the structure's order (nodes without a throughput are
/// skipped).
///
/// ```
/// use alooma_core::structure::throughput_by_name;
/// use alooma_types::Structure;
/// let s: Structure = serde_json::from_str(r#"{"nodes":[
///   {"id":"a","name":"Mapper","type":"MAPPER","deleted":false,"stats":{"throughput":2.5}},
///   {"id":"b","name":"Mapper","type":"MAPPER","deleted":true,"stats":{"throughput":9}}]}"#).unwrap();
/// assert_eq!(throughput_by_name(&s, "Mapper"), [2.5]);
/// ```
pub fn throughput_by_name(structure: &Structure, name: &str) -> Vec<f64> {
    structure
        .named(name)
        .filter(|n| !n.is_deleted())
        .filter_map(|n| n.stats.as_ref().and_then(|s| s.throughput()))
        .collect()
}

/// `get_redshift_node` / `get_snowflake_node` / `get_bigquery_node`: the
/// first node whose type is `sink`'s, if any.
///
/// ```
/// use alooma_core::structure::sink_node;
/// use alooma_types::{Node, SinkType, Structure};
/// let s = Structure::new(vec![Node::new("o", "Snowflake", "SNOWFLAKE")]);
/// assert_eq!(sink_node(&s, &SinkType::Snowflake).unwrap().id, "o");
/// assert!(sink_node(&s, &SinkType::Redshift).is_none());
/// ```
pub fn sink_node<'a>(structure: &'a Structure, sink: &SinkType) -> Option<&'a Node> {
    structure.first_of_type(sink.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_types::NodeStats;

    #[test]
    fn first_transformer_wins() {
        let s = Structure::new(vec![
            Node::new("t1", "Code Engine", "TRANSFORMER"),
            Node::new("t2", "Code Engine 2", "TRANSFORMER"),
        ]);
        assert_eq!(transform_node_id(&s).unwrap(), "t1");
        let err = transform_node_id(&Structure::new(vec![Node::new("x", "In", "S3")])).unwrap_err();
        assert!(matches!(
            err,
            Error::NotFound {
                operation: "get_transform_node_id",
                ..
            }
        ));
    }

    #[test]
    fn throughput_skips_deleted_and_other_names() {
        let mut stats = NodeStats::default();
        stats.throughput = alooma_types::Maybe::Value(3.0.into());
        let s = Structure::new(vec![
            Node::new("a", "Output", "REDSHIFT").with_stats(stats.clone()),
            Node::new("b", "Output", "REDSHIFT")
                .with_stats(stats.clone())
                .with_deleted(true),
            Node::new("c", "Mapper", "MAPPER").with_stats(stats.clone()),
            Node::new("d", "Output", "REDSHIFT").with_deleted(false),
        ]);
        assert_eq!(throughput_by_name(&s, "Output"), [3.0]);
        assert!(throughput_by_name(&s, "Nothing").is_empty());
    }
}
