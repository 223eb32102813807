//! One handler module per area of the API: each parses its requests,
//! acts on the account's [`State`](crate::state::State) and answers, and
//! declares its routes in a `route_table!` that [`router`](super::router)
//! collects.

pub(crate) mod account;
pub(crate) mod code_engine;
pub(crate) mod event_types;
pub(crate) mod inputs;
pub(crate) mod metrics;
pub(crate) mod notifications;
pub(crate) mod queries;
pub(crate) mod samples;
pub(crate) mod secrets;
pub(crate) mod settings;
pub(crate) mod structure;
pub(crate) mod tables;

use crate::http::route::Route;

/// The route table: every area's routes, in matching order.
pub(crate) const AREAS: &[&[Route]] = &[
    account::ROUTES,
    structure::ROUTES,
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
