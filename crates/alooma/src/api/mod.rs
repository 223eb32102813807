//! The client's methods, one module per API area. Each module is an
//! `impl<S: HttpService> Client<S>` block holding that area's operations
//! under the reference client's method names.

mod code_engine;
mod credits;
mod event_types;
mod inputs;
pub(crate) mod mapping;
mod metrics;
mod notifications;
mod outputs;
mod queries;
mod restream;
mod samples;
mod secrets;
mod settings;
mod structure;
pub(crate) mod system;
mod tables;
mod users;
