//! The shared pass-through of the optional layers that act around a call
//! without changing how it is made (`dry_run`, `record`): one
//! [`tower::Layer`] and [`tower::Service`] skeleton, the layer's own
//! behaviour in an [`Around`] hook.

use crate::BoxFuture;
use alooma_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use std::future::Future;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// What a pass-through layer does around one call: it is given the request
/// and `next`, which sends it on, and answers the call's future.
pub trait Around: Clone + Send + Sync + 'static {
    /// Handles one call; `next(req)` sends `req` to the inner service.
    fn around<F>(
        &self,
        req: Request<Bytes>,
        next: impl FnOnce(Request<Bytes>) -> F,
    ) -> BoxFuture<Response<Bytes>>
    where
        F: Future<Output = Result<Response<Bytes>, Error>> + Send + 'static;
}

/// The layer of a hook.
#[derive(Debug, Clone)]
pub struct AroundLayer<H> {
    hook: H,
}

impl<H> AroundLayer<H> {
    /// The layer that runs `hook` around every call.
    pub(crate) fn with_hook(hook: H) -> Self {
        AroundLayer { hook }
    }

    /// The hook.
    pub(crate) fn hook(&self) -> &H {
        &self.hook
    }
}

impl<S, H: Clone> Layer<S> for AroundLayer<H> {
    type Service = AroundService<S, H>;
    fn layer(&self, inner: S) -> AroundService<S, H> {
        AroundService {
            inner,
            hook: self.hook.clone(),
        }
    }
}

/// The service a hook's layer makes.
#[derive(Debug, Clone)]
pub struct AroundService<S, H> {
    inner: S,
    hook: H,
}

impl<S, H> Service<Request<Bytes>> for AroundService<S, H>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Send + 'static,
    S::Future: Send + 'static,
    H: Around,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let inner = &mut self.inner;
        self.hook.around(req, |req| inner.call(req))
    }
}
