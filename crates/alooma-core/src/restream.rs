//! The Restream Queue: `get_restream_queue_size`, `get_restream_stats`,
//! `start_restream`, `purge_restream_queue`, `clean_restream_queue`.
//!
//! The size and stats come from the `RESTREAM` node of the structure
//! ([`restream_queue_size`], [`restream_stats`]); [`StartRestream`] is
//! built from that node's id ([`StartRestream::for_structure`]).

use crate::Error;
use alooma_types::{node_types, Node, RestreamStats, Structure};
use serde_json::json;

crate::declare::operations! {
    area: restream;

    /// Starts streaming the Restream Queue back into the pipeline.
    ///
    /// Body: `{"id", "name": "Restream", "type": "RESTREAM",
    /// "configuration": {"streaming": "true"}, "category": "INPUT",
    /// "deleted": false, "state": null}`.
    ///
    /// ```
    /// use alooma_core::{Operation, restream::StartRestream};
    /// let req = StartRestream::new("r1").build().unwrap();
    /// assert_eq!(req.uri(), "/plumbing/nodes/r1");
    /// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    /// assert_eq!(body["configuration"]["streaming"], "true");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StartRestream {
        /// The RESTREAM node's id.
        pub restream_id: String,
    }
    op start_restream: PUT "plumbing/nodes" / {restream_id};
    retry: Idempotent;
    body: (|op| json!({
        "id": op.restream_id,
        "name": "Restream",
        "type": node_types::RESTREAM,
        "configuration": {"streaming": "true"},
        "category": "INPUT",
        "deleted": false,
        "state": null,
    }));
    output: () = empty;
    example: StartRestream::new("re/st 1");

    /// Drops every event in the Restream Queue.
    ///
    /// ```
    /// use alooma_core::{Operation, restream::PurgeRestreamQueue};
    /// assert_eq!(PurgeRestreamQueue.build().unwrap().uri(), "/plumbing/purge/restream");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct PurgeRestreamQueue;
    op purge_restream_queue: DELETE "plumbing/purge/restream";
    retry: Idempotent;
    output: () = empty;
    example: PurgeRestreamQueue;

    /// Drops every event in the Restream Queue (`purge_restream_queue` under its other name).
    ///
    /// ```
    /// use alooma_core::{Operation, restream::CleanRestreamQueue};
    /// assert_eq!(CleanRestreamQueue.build().unwrap().uri(), "/plumbing/purge/restream");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct CleanRestreamQueue;
    op clean_restream_queue: DELETE "plumbing/purge/restream";
    retry: Idempotent;
    output: () = empty;
    example: CleanRestreamQueue;
}

/// The first `RESTREAM` node; none is [`Error::NotFound`] for `operation`.
pub fn restream_node<'a>(
    operation: &'static str,
    structure: &'a Structure,
) -> Result<&'a Node, Error> {
    structure
        .first_of_type(node_types::RESTREAM)
        .ok_or_else(|| Error::NotFound {
            operation,
            what: "the system structure has no RESTREAM (Restream Queue) node".into(),
        })
}

fn available(operation: &'static str, structure: &Structure) -> Result<u64, Error> {
    restream_node(operation, structure)?
        .stats
        .as_ref()
        .and_then(|s| s.available_for_restream())
        .ok_or_else(|| Error::NotFound {
            operation,
            what: "the RESTREAM node has no stats.availbleForRestream".into(),
        })
}

/// `get_restream_queue_size`: the RESTREAM node's
/// `stats.availbleForRestream` (the server's spelling).
///
/// ```
/// use alooma_core::restream::restream_queue_size;
/// use alooma_types::Structure;
/// let s: Structure = serde_json::from_str(r#"{"nodes":[{"id":"r","name":"Restream","type":"RESTREAM",
///     "stats":{"availbleForRestream":1200}}]}"#).unwrap();
/// assert_eq!(restream_queue_size(&s).unwrap(), 1200);
/// assert!(restream_queue_size(&Structure::default()).is_err());
/// ```
pub fn restream_queue_size(structure: &Structure) -> Result<u64, Error> {
    available("get_restream_queue_size", structure)
}

/// `get_restream_stats`: `{"number_of_events": n}` from the same field.
///
/// ```
/// use alooma_core::restream::restream_stats;
/// use alooma_types::Structure;
/// let s: Structure = serde_json::from_str(r#"{"nodes":[{"id":"r","name":"Restream","type":"RESTREAM",
///     "stats":{"availbleForRestream":5}}]}"#).unwrap();
/// assert_eq!(restream_stats(&s).unwrap().number_of_events, 5);
/// ```
pub fn restream_stats(structure: &Structure) -> Result<RestreamStats, Error> {
    available("get_restream_stats", structure).map(RestreamStats::new)
}

impl StartRestream {
    /// Starts the structure's RESTREAM node; none is [`Error::NotFound`].
    pub fn for_structure(structure: &Structure) -> Result<Self, Error> {
        restream_node("start_restream", structure).map(|n| StartRestream::new(n.id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_restream_node_is_not_found() {
        let s = Structure::new(vec![Node::new("t", "Code Engine", "TRANSFORMER")]);
        for err in [
            StartRestream::for_structure(&s).unwrap_err(),
            restream_queue_size(&s).unwrap_err(),
            restream_stats(&s).map(|_| ()).unwrap_err(),
        ] {
            assert!(matches!(err, Error::NotFound { .. }), "{err}");
        }
    }

    #[test]
    fn missing_stats_is_not_found_not_zero() {
        let s = Structure::new(vec![Node::new("r", "Restream", "RESTREAM")]);
        assert!(matches!(
            restream_queue_size(&s),
            Err(Error::NotFound {
                operation: "get_restream_queue_size",
                ..
            })
        ));
        assert_eq!(StartRestream::for_structure(&s).unwrap().restream_id, "r");
    }
}
