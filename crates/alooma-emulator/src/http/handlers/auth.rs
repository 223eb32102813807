//! `repository`: the account name of the credentials in use (`POST
//! login` itself is answered by the server, see [`crate::auth`]).

use serde_json::json;

use crate::domain::state::State;
use crate::http::reply::{Outcome, Reply};

/// `GET repository` → `{"config_clientName": account}`.
pub(crate) fn repository(state: &State) -> Outcome {
    Ok(Reply::json(json!({ "config_clientName": state.account })))
}

crate::http::route::route_table! {
    GET "repository" as get_account_name => |state, _req, _p| repository(state),
}
