//! The HTTP front over the [domain](crate::domain): the hyper server, its
//! shared state, authentication, the route table and one handler module
//! per area, the admin API and web page, the request journal and injected
//! faults.

pub mod admin;
pub mod auth;
pub mod faults;
pub(crate) mod handlers;
pub(crate) mod intake;
pub mod journal;
pub(crate) mod reply;
pub(crate) mod route;
pub(crate) mod router;
pub(crate) mod server;
pub(crate) mod shared;
pub(crate) mod web;
