//! A typed, retry-safe client for the Alooma data-pipeline REST API.
//!
//! [`Client`] has every operation of the reference Python client
//! (`alooma==0.4.16`) under the same method names, so scripts port line by
//! line:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // ALOOMA_ACCOUNT, ALOOMA_API_KEY (or ALOOMA_USERNAME + ALOOMA_PASSWORD),
//! // optionally ALOOMA_BASE_URL.
//! let client = alooma::Client::from_env()?;
//! let mut orders = client.get_mapping("orders").await?;
//! client.discard_field(&mut orders, "customer.phone")?;
//! client.set_mapping(&orders, "orders").await?;
//! # Ok(()) }
//! ```
//!
//! # Layers
//!
//! The SDK is a stack of crates, each usable on its own; this crate
//! composes them and re-exports the lower ones:
//!
//! | crate | re-exported as | what it is | use it alone when |
//! |---|---|---|---|
//! | `alooma-types` | [`types`] | serde models of every resource; unknown fields kept, secrets redacted in `Debug` | you store or transform Alooma JSON |
//! | `alooma-mapping` | [`mapping`] | offline mapping edits by field path, batches, diffs | you edit mapping files with no network at all |
//! | `alooma-core` | [`core`] | every operation as data: an `http::Request` out, a typed result in; no I/O | you bring your own HTTP client or runtime |
//! | `alooma-http` | [`http_transport`] | the default tower transport: base URL → retry (with a budget) → auth → timeouts → body limit → tracing → hyper with rustls | you want the transport under your own API |
//! | `alooma` | (this crate) | [`Client`]: one method per operation, composite operations, `blocking` | you want the SDK |
//!
//! A call goes [`Client`] method → `alooma_core` operation (builds the
//! request, no I/O) → any [`HttpService`] (by default
//! [`Transport`], wrapped in the layers you add with
//! [`ClientBuilder::layer`]) → `alooma_core` decodes the answer into a typed
//! result or an [`Error`] that says which phase failed.
//!
//! # Building a client
//!
//! [`Client::builder`] sets the base URL, account, credentials (API key *or*
//! user name and password), timeouts (connect, per attempt, total), retry
//! policy, limits and extra tower layers; [`Client::from_env`] reads the
//! `ALOOMA_*` variables. Building never does network I/O: the account name,
//! when not configured, is resolved lazily by [`Client::get_account_name`].
//! A client is cheap to clone; clones share the connection pool, the login
//! session and the retry budget.
//!
//! Without Tokio in your program, enable the `blocking` feature and use
//! `alooma::blocking::Client`: `alooma.call(|c| c.get_inputs_with(&filter))`
//! runs any method synchronously.
//!
//! # Testing your code
//!
//! [`Client::with_service`] takes any [`HttpService`]; [`mock::MockService`]
//! answers from a script and records every request:
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
//!
//! # Examples
//!
//! `crates/alooma/examples/` holds runnable programs (they read the
//! `ALOOMA_*` variables): `quick_start`, `mapping_round_trip`,
//! `create_and_watch_input`, `metrics_dashboard` and `custom_layer`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod builder;
pub mod bulk;
mod client;
pub mod mock;
pub mod replay;
mod settings;
mod transport;

pub use api::client_methods;
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
pub use alooma_core::{ConnectCause, ConnectFailure, ErrorPhase, TimeoutKind};

/// The `http` crate the SDK's requests, statuses and headers come from
/// (match [`Error::status`] against `alooma::http::StatusCode` without a
/// second dependency).
pub use http;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use alooma_core as core;
pub use alooma_http as http_transport;
pub use alooma_http::{Jitter, RetryPolicy, Transport};
pub use alooma_mapping as mapping;
pub use alooma_types as types;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
