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

use crate::around::{Around, AroundLayer, AroundService};
use crate::BoxFuture;
use alooma_core::{Error, OperationMeta};
use bytes::Bytes;
use http::{Method, Request, Response};
use std::future::Future;

/// Layer that stops every write (see the [module docs](self)).
pub type DryRunLayer = AroundLayer<StopWrites>;

/// Service made by [`DryRunLayer`].
pub type DryRun<S> = AroundService<S, StopWrites>;

/// The dry run's hook: reads go on, writes stop with [`Error::DryRun`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StopWrites;

impl DryRunLayer {
    /// The layer.
    pub fn new() -> Self {
        AroundLayer::with_hook(StopWrites)
    }
}

impl Default for DryRunLayer {
    fn default() -> Self {
        DryRunLayer::new()
    }
}

impl Around for StopWrites {
    fn around<F>(
        &self,
        req: Request<Bytes>,
        next: impl FnOnce(Request<Bytes>) -> F,
    ) -> BoxFuture<Response<Bytes>>
    where
        F: Future<Output = Result<Response<Bytes>, Error>> + Send + 'static,
    {
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return Box::pin(next(req));
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
