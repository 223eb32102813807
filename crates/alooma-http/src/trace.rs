//! The tracing layer: one `alooma_call` span per call, named by the
//! operation, with `operation`, `method`, `path` (never the query), and —
//! once known — `status`, `attempts` (recorded by the retry layer) and
//! `latency_ms`.
//!
//! Nothing here logs a header or a body, so the `Authorization` header,
//! `Cookie`/`Set-Cookie` and the bodies of requests marked
//! [`alooma_core::auth::SensitiveBody`] (the login's password) never reach a
//! log. Errors are logged through their `Display`, which never contains a
//! secret.

use crate::meta::operation_name;
use crate::BoxFuture;
use alooma_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use std::task::{Context, Poll};
use tokio::time::Instant;
use tower::{Layer, Service};
use tracing::{field::Empty, Instrument};

/// Layer that wraps every call in a span.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl TraceLayer {
    /// The layer.
    pub fn new() -> Self {
        TraceLayer
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;
    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// Service made by [`TraceLayer`].
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

impl<S> Service<Request<Bytes>> for Trace<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let span = tracing::info_span!(
            "alooma_call",
            operation = operation_name(&req),
            method = %req.method(),
            path = req.uri().path(),
            status = Empty,
            attempts = Empty,
            latency_ms = Empty,
        );
        let start = Instant::now();
        let call = {
            let _entered = span.enter();
            tracing::debug!("call started");
            self.inner.call(req)
        };
        let fut = async move {
            let result = call.await;
            let span = tracing::Span::current();
            let latency = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("latency_ms", latency);
            match &result {
                Ok(resp) => {
                    span.record("status", resp.status().as_u16());
                    tracing::info!(
                        status = resp.status().as_u16(),
                        latency_ms = latency,
                        "call answered"
                    );
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status.as_u16());
                    }
                    // The caller gets this error: DEBUG, never WARN.
                    tracing::debug!(error = %e, latency_ms = latency, "call failed");
                }
            }
            result
        };
        Box::pin(fut.instrument(span))
    }
}
