//! One handler module per area of the API: each parses its requests,
//! acts on the account's [`State`](crate::state::State) and answers, and
//! declares its routes in a `route_table!` that [`router`](super::router)
//! collects.

pub(crate) mod auth;
pub(crate) mod code_engine;
pub(crate) mod credits;
pub(crate) mod event_types;
pub(crate) mod inputs;
pub(crate) mod metrics;
pub(crate) mod notifications;
pub(crate) mod outputs;
pub(crate) mod queries;
pub(crate) mod restream;
pub(crate) mod samples;
pub(crate) mod secrets;
pub(crate) mod settings;
pub(crate) mod structure;
pub(crate) mod tables;
pub(crate) mod users;

use crate::http::route::Route;

/// The route table: every area's routes, in matching order.
pub(crate) const AREAS: &[&[Route]] = &[
    auth::ROUTES,
    users::ROUTES,
    credits::ROUTES,
    structure::ROUTES,
    outputs::ROUTES,
    restream::ROUTES,
    inputs::ROUTES,
    event_types::ROUTES,
    code_engine::ROUTES,
    samples::ROUTES,
    metrics::ROUTES,
    notifications::ROUTES,
    tables::ROUTES,
    queries::ROUTES,
    secrets::ROUTES,
    settings::ROUTES,
];
