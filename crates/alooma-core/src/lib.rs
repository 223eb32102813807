//! Every operation of the Alooma REST API as data, with no I/O.
//!
//! Each operation is a value implementing [`Operation`]: [`Operation::build`]
//! turns it into an `http::Request<Bytes>` whose URI is relative to the REST
//! root (see [`RestRoot`]) and whose extensions carry [`OperationMeta`] (the
//! operation's name, whether it is safe to retry, its own timeout);
//! [`Operation::decode`] turns an `http::Response<Bytes>` into a typed result
//! or a typed [`Error`]. Nothing here opens a socket or needs a runtime, so
//! the same operations serve the tower transport (`alooma-http`), tests with
//! a mock transport, and dry runs.
//!
//! Operations live in one module per API area, named for the area
//! ([`event_types`], [`inputs`], [`code_engine`] …); each operation's type is
//! the reference client's method name in `UpperCamelCase`
//! (`get_event_types` → [`event_types::GetEventTypes`]).
//!
//! Composite operations of the reference client (create_input's polling,
//! set_output's read-then-write, clean_system …) are expressed here as the
//! single requests they are made of plus pure functions that compute their
//! results; the facade (`alooma`) runs them.
//!
//! ```
//! use alooma_core::{Operation, RestRoot, event_types::GetEventType};
//! let op = GetEventType::new("web clicks");
//! let req = RestRoot::new("https://app.alooma.com", Some("acme")).unwrap()
//!     .apply(op.build().unwrap()).unwrap();
//! assert_eq!(req.uri(), "https://app.alooma.com/acme/rest/event-types/web%20clicks");
//! ```
#![forbid(unsafe_code)]

pub mod decode;
mod error;
mod operation;
mod render;
mod request;
mod root;

pub mod auth;
pub mod code_engine;
pub mod credits;
pub mod event_types;
pub mod inputs;
pub mod metrics;
pub mod notifications;
pub mod outputs;
pub mod queries;
pub mod restream;
pub mod retry;
pub mod samples;
pub mod secrets;
pub mod settings;
pub mod structure;
pub mod system;
pub mod tables;
pub mod users;

pub use error::{
    is_retryable_status, snippet, BoxError, ConnectCause, ConnectFailure, Error, ErrorPhase,
    TimeoutKind, SNIPPET_LEN,
};
pub use operation::{Operation, OperationMeta, RetrySafety, TimeoutOverride};
pub use render::render;
pub use request::{encode_component, RequestSpec};
pub use root::{RestRoot, DEFAULT_BASE_URL};

/// The types the operations take and return.
pub use alooma_types as types;
