//! The Restream Queue: `DELETE plumbing/purge/restream` (its size and
//! streaming live on the RESTREAM node, see [`super::outputs`]).

use serde_json::json;

use crate::domain::state::State;
use crate::http::reply::{ApiError, Outcome, Reply};

/// `DELETE plumbing/purge/restream`: empties the Restream Queue.
pub(crate) fn purge_restream(state: &mut State) -> Outcome {
    let node = state
        .node_of_type_mut("RESTREAM")
        .ok_or_else(|| ApiError::not_found("this account has no restream node"))?;
    node.stats.insert("availbleForRestream".into(), json!(0));
    if node.stats.contains_key("size_used") {
        node.stats.insert("size_used".into(), json!(0));
    }
    crate::domain::advance::restream_purged(state);
    state.purge_events();
    Ok(Reply::empty())
}

crate::http::route::route_table! {
    DELETE "plumbing/purge/restream" as purge_restream_queue => |state, _req, _p| purge_restream(state),
}
