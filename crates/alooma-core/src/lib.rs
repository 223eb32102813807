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

pub mod cassette;
mod declare;
pub mod decode;
mod error;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod openapi;
mod operation;
pub mod registry;
mod render;
mod request;
mod root;

pub mod retry;
pub mod system;

/// Declares the area modules and the registry that lists their operations.
macro_rules! areas {
    ($($area:ident),+ $(,)?) => {
        $(pub mod $area;)+

        /// Every area, in the registry's order.
        const AREAS: &[&[OperationInfo]] = &[$($area::OPERATIONS),+];

        /// The names of the API areas (the modules that declare operations),
        /// in the registry's order.
        ///
        /// ```
        /// assert!(alooma_core::areas().contains(&"event_types"));
        /// ```
        pub fn areas() -> &'static [&'static str] {
            &[$(stringify!($area)),+]
        }
    };
}

/// Calls `$callback! { auth, structure, … }` with every API area, in the
/// registry's order: the one list of the areas. This crate declares its
/// area modules and registry from it; the facade declares its area modules
/// and `client_methods` from it, so the two cannot disagree.
///
/// ```
/// macro_rules! count {
///     ($($area:ident),+ $(,)?) => { [$(stringify!($area)),+].len() };
/// }
/// assert_eq!(alooma_core::with_areas!(count), alooma_core::areas().len());
/// ```
#[macro_export]
macro_rules! with_areas {
    ($callback:ident) => {
        $callback! {
            auth,
            structure,
            outputs,
            inputs,
            event_types,
            code_engine,
            samples,
            metrics,
            notifications,
            restream,
            tables,
            queries,
            secrets,
            settings,
            users,
            credits,
        }
    };
}

with_areas!(areas);

/// Every operation this crate declares, area by area (see [`registry`]).
///
/// ```
/// let all: Vec<_> = alooma_core::operations().collect();
/// assert!(all.len() > 60);
/// assert!(all.iter().all(|op| !op.meta().path.is_empty() && !op.meta().summary.is_empty()));
/// ```
pub fn operations() -> impl Iterator<Item = &'static OperationInfo> {
    AREAS.iter().flat_map(|area| area.iter())
}

/// The registry entry of the operation called `name` (the reference
/// client's method name).
///
/// ```
/// let op = alooma_core::operation("set_mapping").unwrap();
/// assert_eq!(op.meta().timeout, Some(std::time::Duration::from_secs(300)));
/// assert!(alooma_core::operation("no_such_operation").is_none());
/// ```
pub fn operation(name: &str) -> Option<&'static OperationInfo> {
    operations().find(|op| op.meta().name == name)
}

pub use error::{
    is_retryable_status, snippet, BoxError, ConnectCause, ConnectFailure, Error, ErrorPhase,
    TimeoutKind, SNIPPET_LEN,
};
pub use operation::{Operation, OperationMeta, RetrySafety, TimeoutOverride, Verb};
pub use registry::{DynOperation, Example, OperationInfo};
pub use render::{render, render_redacted};
pub use request::{encode_component, RequestSpec};
pub use root::{RestRoot, DEFAULT_BASE_URL};

/// The types the operations take and return.
pub use alooma_types as types;

/// The README's example, compiled as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
