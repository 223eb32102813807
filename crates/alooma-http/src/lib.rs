//! A tower HTTP transport for the Alooma REST API: base URL, auth (API key
//! or login session), retries with a budget, timeouts, limits, tracing and
//! TLS, as layers over hyper-util's pooled client.
//!
//! [`Transport`] is the whole stack as one cheaply cloned
//! `tower::Service<http::Request<Bytes>>`: it takes the requests that
//! [`alooma_core::Operation::build`] makes (URIs relative to the REST root,
//! [`alooma_core::OperationMeta`] in the extensions) and answers with the
//! body collected into `Bytes`, for [`alooma_core::Operation::decode`].
//! Every layer is public and usable alone ([`Transport::with_service`]
//! builds the same stack over any innermost service).
//!
//! # Layer order
//!
//! Outermost first; each layer sees what the ones above it did:
//!
//! 1. [`trace`] — one span per call, so it sees the call's whole latency,
//!    waits included, and its final status.
//! 2. [`record`] (optional, `Config::record_to`) — appends each answered
//!    call to a cassette, redacted, with its path relative to the REST root
//!    and its final answer (after retries; credentials are added below it).
//! 3. [`dry_run`] (optional, `Config::dry_run`) — lets reads through and
//!    stops every write before anything below sees it.
//! 4. [`timeout::TotalTimeoutLayer`] — the call's deadline covers
//!    everything below: queueing behind limits, every attempt, every backoff.
//!    It puts the [`Deadline`] into the request for the layers below. Over
//!    the default client every wait below enforces it (limit queues, rate
//!    slots, backoff, login, each attempt), so it arms no timer of its own;
//!    over a custom inner service it races the call against a timer.
//! 5. [`base_url`] — joins the relative URI to `{base}/{account}/rest/`,
//!    so everything below works with the absolute URI (auth checks its
//!    origin before attaching credentials).
//! 6. [`limit::ConcurrencyLimitLayer`] (optional) — a call keeps its slot
//!    through its retries and backoffs, so retrying never raises the number
//!    of calls in flight above the limit.
//! 7. [`retry`] — with its shared budget. Outside auth, so every attempt
//!    carries the credentials current when it starts (a session renewed by
//!    another call is picked up); outside the attempt timeout and body
//!    collection, so a timed-out or broken body is retried like any other
//!    failed attempt.
//! 8. [`limit::RateLimitLayer`] (optional) — inside retry, so every
//!    attempt counts against the rate (a request sent again because it
//!    never reached the server too: the limiter cannot tell beforehand).
//! 9. [`auth`] — API key, or login session with single-flight re-login and
//!    one replay on a 401 (the login request goes through the layers below,
//!    so it is timed and size-limited too).
//! 10. [`timeout::AttemptTimeoutLayer`] — one exchange: headers *and* body.
//! 11. [`body`] — collects the body, enforcing the size limit.
//! 12. [`client`] — pooled HTTP/1.1 connections over rustls (connect
//!     timeout, TLS with the configured roots or CA bundle, proxies through
//!     [`proxy`], no redirects followed): the REST root's origin has a pool
//!     of its own, any other origin goes through hyper-util's. A request a
//!     closing connection never took fails as never sent, and the retry
//!     layer sends it again.
//!
//! # Secrets
//!
//! API keys and passwords are [`secrecy::SecretString`]s; the
//! `Authorization` and `Cookie` headers are marked sensitive; no layer logs
//! a header or a body; `Debug` of [`Config`], [`Credentials`], [`Transport`]
//! and every layer redacts secrets; errors name the user, never the
//! password.
//!
//! ```no_run
//! use alooma_core::{Operation, event_types::GetEventTypes};
//! use alooma_http::{Config, Credentials, Transport};
//! use tower::ServiceExt;
//! # async fn run() -> Result<(), alooma_core::Error> {
//! let config = Config::new()
//!     .with_account("acme")
//!     .with_credentials(Credentials::api_key("…"));
//! let transport = Transport::new(config)?;
//! let answer = transport.clone().oneshot(GetEventTypes.build()?).await?;
//! let event_types = GetEventTypes.decode(answer)?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod around;
pub mod auth;
pub mod base_url;
pub mod body;
pub mod client;
mod config;
pub mod connection;
pub mod dry_run;
pub mod limit;
mod meta;
pub mod proxy;
pub mod record;
pub mod retry;
pub mod timeout;
pub mod trace;
mod transport;

pub use config::{
    Config, Credentials, Jitter, Proxy, RateLimit, RetryBudgetPolicy, RetryPolicy, Timeouts,
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_LOGIN_FAILURE_COOLDOWN,
    DEFAULT_MAX_BODY_SIZE, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TOTAL_TIMEOUT,
};
pub use meta::Deadline;
pub use transport::Transport;

/// The boxed, `Send` future every layer returns.
pub(crate) type BoxFuture<T> =
    futures_util::future::BoxFuture<'static, Result<T, alooma_core::Error>>;

/// The README's example, compiled as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
