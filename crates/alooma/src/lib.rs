//! A typed, retry-safe client for the Alooma data-pipeline REST API.
//!
//! [`Client`] has every operation of the reference Python client
//! (`alooma==0.4.16`) under the same method names, so scripts port line by
//! line. It composes the workspace's crates, each usable on its own:
//!
//! - [`types`] (`alooma-types`): serde models of every resource; unknown
//!   fields are kept, secrets are redacted in `Debug`.
//! - [`core`] (`alooma-core`): every operation as data, an
//!   `http::Request` out and a typed result in, with no I/O.
//! - [`mapping`] (`alooma-mapping`): offline mapping edits by field path.
//! - `alooma-http`: the default tower transport (base URL → retry → auth →
//!   timeouts → tracing → hyper with rustls).
//!
//! ```
//! # async fn demo() -> Result<(), alooma::Error> {
//! use alooma::{Client, mock::MockService};
//! // Any tower service can carry the calls: here a scripted mock.
//! let mock = MockService::new();
//! mock.on("GET", "/event-types", 200, r#"[{"name":"clicks"},{"name":"orders"}]"#);
//! let client = Client::with_service(mock);
//! let names: Vec<_> = client.get_event_types().await?.into_iter().map(|e| e.name).collect();
//! assert_eq!(names, ["clicks", "orders"]);
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
//! ```
#![forbid(unsafe_code)]

mod api;
#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
pub mod bulk;
mod client;
pub mod mock;
mod settings;
mod transport;

pub use api::mapping::IntoFieldPath;
pub use api::system::{CleanSystemReport, StepOutcome};
pub use builder::ClientBuilder;
pub use bulk::BulkReport;
pub use client::{CallOptions, Client};
pub use settings::ClientSettings;
pub use transport::HttpService;

/// Every error a call can return, split by phase (build, connect, timeout,
/// transport, API status, decode, auth).
pub use alooma_core::Error;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use alooma_core as core;
pub use alooma_http as http_transport;
pub use alooma_http::{RetryPolicy, Transport};
pub use alooma_mapping as mapping;
pub use alooma_types as types;
