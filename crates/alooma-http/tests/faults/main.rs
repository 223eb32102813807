//! Fault-injection tests: the whole transport against a raw, misbehaving
//! HTTP/1.1 server on loopback (`tests/support`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod bodies;
mod connections;
mod deadlines;
mod login;
mod proxy;
mod retries;
mod secrets;
mod timeouts;
mod tls;

use alooma_core::{Error, OperationMeta, RetrySafety};
use alooma_http::{Config, RetryBudgetPolicy, RetryPolicy, Timeouts, Transport};
use bytes::Bytes;
use http::{Request, Response};
use std::time::Duration;
use support::TestServer;
use tower::ServiceExt;

/// Fast settings for tests: short backoffs and timeouts.
pub fn config(server: &TestServer) -> Config {
    let mut c = Config::new().with_base_url(server.base_url());
    c.retry = fast_retry(3);
    c.timeouts = timeouts(
        Duration::from_secs(2),
        Duration::from_secs(2),
        Duration::from_secs(10),
    );
    c
}

/// A retry policy with tiny backoffs.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    let mut r = RetryPolicy::default();
    r.max_attempts = max_attempts;
    r.base_delay = Duration::from_millis(20);
    r.max_delay = Duration::from_millis(100);
    r.retry_after_cap = Duration::from_secs(2);
    r.budget = RetryBudgetPolicy::default();
    r
}

/// Timeouts for a test.
pub fn timeouts(connect: Duration, attempt: Duration, total: Duration) -> Timeouts {
    let mut t = Timeouts::default();
    t.connect = connect;
    t.attempt = attempt;
    t.total = Some(total);
    t
}

/// A request for `path` (relative to the REST root) with metadata.
pub fn request(method: &str, path: &str, name: &'static str, retry: RetrySafety) -> Request<Bytes> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    req.extensions_mut().insert(OperationMeta::new(name, retry));
    req
}

/// An idempotent `GET /inputs`.
pub fn get_inputs() -> Request<Bytes> {
    request("GET", "/inputs", "get_inputs", RetrySafety::Idempotent)
}

/// A non-idempotent `POST /queries` (run_query-like).
pub fn run_query() -> Request<Bytes> {
    request("POST", "/queries", "run_query", RetrySafety::NotIdempotent)
}

/// One call on a clone of `t`.
pub async fn call(t: &Transport, req: Request<Bytes>) -> Result<Response<Bytes>, Error> {
    t.clone().oneshot(req).await
}
