//! `user/`: who has access to the account.

use serde_json::json;

use crate::domain::state::State;
use crate::http::reply::{Outcome, Reply};

/// `GET user/` → list of users.
pub(crate) fn users(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.users)))
}

crate::http::route::route_table! {
    GET "user" as get_users => |state, _req, _p| users(state),
}
