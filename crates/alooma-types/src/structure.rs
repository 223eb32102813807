//! The system structure (`GET plumbing/?resolution=1min`): [`Structure`],
//! its [`Node`]s with their [`NodeStats`], the [`NodeCategory`] enum, and
//! [`RestreamStats`].
//!
//! A node is one box of the pipeline: an input, the Code Engine
//! (`TRANSFORMER`), the Mapper, the Restream Queue (`RESTREAM`), the output
//! (`REDSHIFT`, `SNOWFLAKE`, `BIGQUERY`) … `GET inputs` and
//! `GET plumbing/outputs` answer with the same node objects.

use crate::{is_sensitive_key, Configuration, Extra, Lenient, Maybe, ShortText};
use std::fmt;

crate::string_enum! {
    /// A node's category (`"category"` on the wire).
    pub enum NodeCategory {
        /// A data source (including the Restream Queue and agents).
        Input => "INPUT",
        /// The warehouse the events load into.
        Output => "OUTPUT",
    }
}

/// Well-known node types (`"type"` on the wire). The list is open (every
/// input integration has its own type), so [`Node::node_type`] is a plain
/// string; these constants name the ones the SDK looks for.
pub mod node_types {
    /// The Code Engine.
    pub const TRANSFORMER: &str = "TRANSFORMER";
    /// The Restream Queue.
    pub const RESTREAM: &str = "RESTREAM";
    /// An on-premise agent input.
    pub const AGENT: &str = "AGENT";
    /// An Amazon S3 input.
    pub const S3: &str = "S3";
    /// A Mixpanel input.
    pub const MIXPANEL: &str = "MIXPANEL";
    /// A Salesforce input.
    pub const SALESFORCE: &str = "SALESFORCE";
    /// A Redshift output.
    pub const REDSHIFT: &str = "REDSHIFT";
    /// A Snowflake output.
    pub const SNOWFLAKE: &str = "SNOWFLAKE";
    /// A BigQuery output.
    pub const BIGQUERY: &str = "BIGQUERY";
}

/// The whole system: every node of the pipeline.
///
/// ```
/// use alooma_types::Structure;
/// let s: Structure = serde_json::from_str(r#"{"nodes":[
///     {"id":"t1","name":"Code Engine","type":"TRANSFORMER","category":"OTHER","deleted":false},
///     {"id":"r1","name":"Restream","type":"RESTREAM","category":"INPUT","deleted":false,
///      "stats":{"throughput":0,"latency":0,"availbleForRestream":42}}
/// ]}"#).unwrap();
/// assert_eq!(s.first_of_type("RESTREAM").unwrap().id, "r1");
/// assert_eq!(s.nodes()[1].stats.get().unwrap().available_for_restream(), Some(42));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Structure {
    /// Every node, in the server's order.
    pub nodes: Maybe<Vec<Node>>,
    /// Everything else the server sent, kept verbatim.
    pub extra: Extra,
}

impl Structure {
    /// A structure holding `nodes`.
    pub fn new(nodes: Vec<Node>) -> Self {
        Structure {
            nodes: Maybe::Value(nodes),
            extra: Extra::new(),
        }
    }

    /// Every node (none when the answer had no `nodes`).
    pub fn nodes(&self) -> &[Node] {
        self.nodes.get().map_or(&[], Vec::as_slice)
    }

    /// Copies every configuration sliced from the answer's body out of it
    /// ([`Configuration::unshare`]), so that the body is freed while the
    /// structure is kept. The SDK decodes big answers sharing their body:
    /// a structure kept for long, or a few nodes kept from it, may rather
    /// hold their own copies.
    ///
    /// ```
    /// use alooma_types::{decode_sharing, Structure};
    /// let body = r#"{"nodes":[{"id":"a","configuration":{"port":"5439"}}]}"#.to_owned();
    /// let mut s: Structure = decode_sharing(body, |b| serde_json::from_slice(b)).unwrap();
    /// assert!(s.nodes()[0].configuration.get().unwrap().is_shared());
    /// s.unshare();
    /// assert!(!s.nodes()[0].configuration.get().unwrap().is_shared());
    /// ```
    pub fn unshare(&mut self) {
        if let Some(nodes) = self.nodes.as_mut() {
            for node in nodes {
                node.unshare();
            }
        }
    }

    /// The nodes, consuming the structure.
    pub fn into_nodes(self) -> Vec<Node> {
        self.nodes.into_option().unwrap_or_default()
    }

    /// The first node whose type is `node_type` (exact match), if any.
    pub fn first_of_type(&self, node_type: &str) -> Option<&Node> {
        self.nodes()
            .iter()
            .find(|n| n.node_type() == Some(node_type))
    }

    /// Every node called `name` (deleted ones included).
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes().iter().filter(move |n| n.name() == Some(name))
    }
}

/// One node of the pipeline.
///
/// Wire shape: `{"id", "name", "type", "category", "deleted", "stats",
/// "configuration", "state"}`. Only `id` is required. `configuration` differs per node type, so it
/// stays a JSON object (a compact [`Configuration`]); the server masks
/// passwords in it. `Debug` redacts configuration values whose key looks
/// like a credential.
///
/// ```
/// use alooma_types::Node;
/// let n: Node = serde_json::from_str(r#"{"id":"a1","name":"Salesforce","type":"SALESFORCE",
///     "category":"INPUT","deleted":false,"configuration":{"auto_map":"false"},"state":null}"#).unwrap();
/// assert!(n.is_input() && !n.is_deleted());
/// assert_eq!(n.configuration.get().unwrap().get("auto_map").unwrap(), "false");
/// assert_eq!(serde_json::to_value(&n).unwrap()["state"], serde_json::Value::Null);
/// ```
#[crate::model]
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Node {
    /// The node's id.
    pub id: String,
    /// The node's display name.
    pub name: Maybe<ShortText>,
    /// The node's type (`S3`, `SALESFORCE`, `RESTREAM`, `TRANSFORMER`,
    /// `REDSHIFT` …; see [`node_types`]).
    #[serde(rename = "type")]
    pub node_type: Maybe<ShortText>,
    /// `INPUT`, `OUTPUT` …
    pub category: Maybe<NodeCategory>,
    /// Whether the node was deleted (deleted nodes stay in the structure).
    pub deleted: Maybe<Lenient<bool>>,
    /// Throughput, latency and (for the Restream Queue) the event count.
    pub stats: Maybe<NodeStats>,
    /// The node's type-specific configuration.
    pub configuration: Maybe<Configuration>,
    /// The node's state; free-form, kept as JSON.
    // Boxed: it is mostly `null`, and a whole `Value` is 72 bytes a node.
    pub state: Maybe<Box<serde_json::Value>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl Node {
    /// A node with an id, a name and a type, and nothing else.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        node_type: impl Into<String>,
    ) -> Self {
        Node {
            id: id.into(),
            name: Maybe::Value(ShortText::from(name.into())),
            node_type: Maybe::Value(ShortText::from(node_type.into())),
            category: Maybe::Absent,
            deleted: Maybe::Absent,
            stats: Maybe::Absent,
            configuration: Maybe::Absent,
            state: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The node's display name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The node's type, when it has one.
    pub fn node_type(&self) -> Option<&str> {
        self.node_type.as_deref()
    }

    /// Sets the category.
    pub fn with_category(mut self, category: NodeCategory) -> Self {
        self.category = Maybe::Value(category);
        self
    }

    /// Sets `deleted`.
    pub fn with_deleted(mut self, deleted: bool) -> Self {
        self.deleted = Maybe::Value(Lenient::new(deleted));
        self
    }

    /// Sets the stats.
    pub fn with_stats(mut self, stats: NodeStats) -> Self {
        self.stats = Maybe::Value(stats);
        self
    }

    /// Sets the configuration (a [`Configuration`], or an [`Extra`] map).
    pub fn with_configuration(mut self, configuration: impl Into<Configuration>) -> Self {
        self.configuration = Maybe::Value(configuration.into());
        self
    }

    /// Whether the node is deleted (`false` when absent or `null`).
    pub fn is_deleted(&self) -> bool {
        self.deleted.get().is_some_and(|d| *d.get())
    }

    /// Copies the configuration out of the answer's body it slices, if it
    /// does ([`Configuration::unshare`]), so that a node kept for long does
    /// not keep the whole body.
    ///
    /// A node decoded from a big answer (64 KB and more: a structure, the
    /// inputs of a big pipeline), and every clone of it, keeps that
    /// answer's body in memory while its configuration slices it.
    pub fn unshare(&mut self) {
        if let Some(c) = self.configuration.as_mut() {
            c.unshare();
        }
    }

    /// Whether the node's category is `INPUT`.
    pub fn is_input(&self) -> bool {
        self.category == Maybe::Value(NodeCategory::Input)
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("node_type", &self.node_type)
            .field("category", &self.category)
            .field("deleted", &self.deleted)
            .field("stats", &self.stats)
            .field("configuration", &self.configuration)
            .field("state", &self.state)
            .field("extra", &RedactedMap(&self.extra))
            .finish()
    }
}

/// `Debug` for a JSON object whose credential-like values are redacted
/// (see [`is_sensitive_key`]); nested objects are redacted too.
///
/// ```
/// use alooma_types::RedactedMap;
/// let m = serde_json::json!({"user":"u","password":"hunter2"});
/// let text = format!("{:?}", RedactedMap(m.as_object().unwrap()));
/// assert!(text.contains("\"u\"") && !text.contains("hunter2"));
/// ```
pub struct RedactedMap<'a>(pub &'a serde_json::Map<String, serde_json::Value>);

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.0 {
            if is_sensitive_key(k) {
                m.entry(k, &format_args!("{}", crate::REDACTED));
            } else if let Some(obj) = v.as_object() {
                m.entry(k, &RedactedMap(obj));
            } else {
                m.entry(k, v);
            }
        }
        m.finish()
    }
}

/// A node's statistics.
///
/// Numbers are kept as the server sent them (integer, float, or a numeric
/// string) so that a read-then-write returns the same JSON; the accessors
/// give `f64`/`u64`.
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct NodeStats {
    /// Events per second through the node.
    pub throughput: Maybe<Lenient<f64>>,
    /// Latency in milliseconds.
    pub latency: Maybe<Lenient<f64>>,
    /// Events available for restream (Restream Queue only). The server
    /// spells the key `availbleForRestream`.
    pub availble_for_restream: Maybe<Lenient<f64>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl NodeStats {
    /// Throughput as a float (`None` when absent).
    pub fn throughput(&self) -> Option<f64> {
        self.throughput.get().map(|n| *n.get())
    }

    /// Latency in milliseconds as a float (`None` when absent).
    pub fn latency(&self) -> Option<f64> {
        self.latency.get().map(|n| *n.get())
    }

    /// Events available for restream (`None` when absent or not a
    /// non-negative number; a float is truncated).
    pub fn available_for_restream(&self) -> Option<u64> {
        let n = self.availble_for_restream.get()?;
        Some(*n.get())
            .filter(|f| f.is_finite() && *f >= 0.0)
            .map(|f| f as u64)
    }
}

/// What `get_restream_stats` returns: `{"number_of_events": n}`.
#[crate::model]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RestreamStats {
    /// Events available to restream.
    pub number_of_events: u64,
    /// Anything else, kept verbatim.
    pub extra: Extra,
}

impl RestreamStats {
    /// Stats with `number_of_events` events.
    pub fn new(number_of_events: u64) -> Self {
        RestreamStats {
            number_of_events,
            extra: Extra::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn node_round_trips_nulls_and_integers() {
        let v = json!({
            "id": "x", "name": "Restream", "type": "RESTREAM", "category": "INPUT",
            "deleted": false, "state": null,
            "stats": {"throughput": 69.9, "latency": 9052, "availbleForRestream": 7, "size": 1},
            "configuration": {"streaming": "true"}, "future": [1]
        });
        let n: Node = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(n.state, Maybe::Null);
        assert_eq!(n.stats.get().unwrap().latency(), Some(9052.0));
        assert_eq!(serde_json::to_value(&n).unwrap(), v);
    }

    #[test]
    fn debug_redacts_credentials() {
        let n = Node::new("o", "Redshift", "REDSHIFT").with_configuration(
            json!({"username": "bob", "password": "pa55", "oauth2": "tok", "ssh": "{\"password\": \"x\"}"})
                .as_object()
                .unwrap()
                .clone(),
        );
        let text = format!("{n:?}");
        assert!(text.contains("bob"));
        for s in ["pa55", "tok", "\\\"x\\\""] {
            assert!(!text.contains(s), "{text}");
        }
    }

    /// A structure of 200,000 nodes is held in memory whole: each node's
    /// inline size counts 200,000 times.
    #[test]
    fn a_node_stays_small() {
        use std::mem::size_of;
        assert_eq!(size_of::<Maybe<NodeStats>>(), 80);
        assert_eq!(size_of::<Maybe<Box<serde_json::Value>>>(), 16);
        assert!(size_of::<Node>() <= 248, "{}", size_of::<Node>());
    }

    /// Values a caller may hold across `catch_unwind`, or send to another
    /// thread, whatever body they share.
    #[test]
    fn nodes_stay_send_sync_and_unwind_safe() {
        fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
        check::<Node>();
        check::<Structure>();
        check::<Configuration>();
    }

    #[test]
    fn unknown_category_is_kept() {
        let c: NodeCategory = serde_json::from_str("\"PROCESSOR\"").unwrap();
        assert_eq!(c.as_str(), "PROCESSOR");
    }
}
