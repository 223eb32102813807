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
use alooma_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::time::Instant;
use tower::{Layer, Service};
use tracing::{field::Empty, Span};

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

pin_project_lite::pin_project! {
    /// The future of [`Trace`]: the inner call, polled inside the call's
    /// span, which records the outcome when it ends. No box of its own;
    /// with no subscriber listening, the span is disabled and the clock is
    /// not read.
    pub struct TraceFuture<F> {
        #[pin]
        call: F,
        span: Span,
        start: Option<Instant>,
    }
}

impl<F> std::fmt::Debug for TraceFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceFuture")
            .field("span", &self.span)
            .finish_non_exhaustive()
    }
}

impl<F> Future for TraceFuture<F>
where
    F: Future<Output = Result<Response<Bytes>, Error>>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let result = ready!(this.call.poll(cx));
        let latency = this
            .start
            .map(|start| u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX));
        if let Some(latency) = latency {
            this.span.record("latency_ms", latency);
        }
        match &result {
            Ok(resp) => {
                this.span.record("status", resp.status().as_u16());
                tracing::info!(
                    status = resp.status().as_u16(),
                    latency_ms = latency,
                    "call answered"
                );
            }
            Err(e) => {
                if let Some(status) = e.status() {
                    this.span.record("status", status.as_u16());
                }
                // The caller gets this error: DEBUG, never WARN.
                tracing::debug!(error = %e, latency_ms = latency, "call failed");
            }
        }
        Poll::Ready(result)
    }
}

impl<S> Service<Request<Bytes>> for Trace<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = TraceFuture<S::Future>;

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
        // The latency is read only when a span or an event can show it.
        let start =
            (!span.is_disabled() || tracing::enabled!(tracing::Level::DEBUG)).then(Instant::now);
        let call = {
            let _entered = span.enter();
            tracing::debug!("call started");
            self.inner.call(req)
        };
        TraceFuture { call, span, start }
    }
}
