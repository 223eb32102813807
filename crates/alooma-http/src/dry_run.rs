//! The dry-run layer: reads go out, writes are stopped before they are
//! sent. A request other than `GET` or `HEAD` fails with
//! [`Error::DryRun`], which holds the request as
//! [`alooma_core::render_redacted`] shows it (secrets redacted). It sits
//! right under the trace layer, so nothing below it (deadline, retry,
//! auth, the connection) ever sees a write.
//!
//! ```
//! use alooma_http::dry_run::DryRunLayer;
//! use tower::{Layer, ServiceExt};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let svc = DryRunLayer::new().layer(tower::service_fn(|_req: http::Request<bytes::Bytes>| async {
//!     Ok::<_, alooma_core::Error>(http::Response::new(bytes::Bytes::from_static(b"sent")))
//! }));
//! let get = http::Request::get("/event-types").body(bytes::Bytes::new()).unwrap();
//! assert_eq!(svc.clone().oneshot(get).await.unwrap().body(), "sent");
//! let delete = http::Request::delete("/event-types/a").body(bytes::Bytes::new()).unwrap();
//! let err = svc.oneshot(delete).await.unwrap_err();
//! assert!(err.is_dry_run());
//! # });
//! ```

use crate::BoxFuture;
use alooma_core::{Error, OperationMeta};
use bytes::Bytes;
use http::{Method, Request, Response};
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// Layer that stops every write (see the [module docs](self)).
#[derive(Debug, Clone, Copy, Default)]
pub struct DryRunLayer;

impl DryRunLayer {
    /// The layer.
    pub fn new() -> Self {
        DryRunLayer
    }
}

impl<S> Layer<S> for DryRunLayer {
    type Service = DryRun<S>;
    fn layer(&self, inner: S) -> DryRun<S> {
        DryRun { inner }
    }
}

/// Service made by [`DryRunLayer`].
#[derive(Debug, Clone)]
pub struct DryRun<S> {
    inner: S,
}

impl<S> Service<Request<Bytes>> for DryRun<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return Box::pin(self.inner.call(req));
        }
        let operation = req
            .extensions()
            .get::<OperationMeta>()
            .map_or("request", |m| m.name);
        tracing::debug!(operation, method = %req.method(), path = req.uri().path(), "dry run: not sent");
        let request = alooma_core::render_redacted(&req);
        Box::pin(std::future::ready(Err(Error::DryRun {
            operation,
            request,
        })))
    }
}
