//! The base-URL layer: joins operation-relative requests (`/event-types`)
//! to the REST root, `{base}/{account}/rest/` (see [`RestRoot`]).
//!
//! ```
//! use alooma_http::base_url::BaseUrlLayer;
//! use alooma_core::RestRoot;
//! use tower::{ServiceBuilder, ServiceExt};
//! # tokio_test_block(async {
//! let svc = ServiceBuilder::new()
//!     .layer(BaseUrlLayer::new(RestRoot::new("https://app.alooma.com", Some("acme")).unwrap()))
//!     .service_fn(|req: http::Request<bytes::Bytes>| async move {
//!         Ok::<_, alooma_core::Error>(http::Response::new(bytes::Bytes::from(req.uri().to_string())))
//!     });
//! let resp = svc.oneshot(http::Request::new(bytes::Bytes::new())).await.unwrap();
//! assert_eq!(resp.body(), "https://app.alooma.com/acme/rest/");
//! # });
//! # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
//! # }
//! ```

use alooma_core::{Error, RestRoot};
use bytes::Bytes;
use futures_util::future::{Either, Ready};
use http::{Request, Response};
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// Layer that joins relative request URIs to a [`RestRoot`].
#[derive(Debug, Clone)]
pub struct BaseUrlLayer {
    root: Arc<RestRoot>,
}

impl BaseUrlLayer {
    /// A layer for `root`.
    pub fn new(root: RestRoot) -> Self {
        BaseUrlLayer {
            root: Arc::new(root),
        }
    }
}

impl<S> Layer<S> for BaseUrlLayer {
    type Service = BaseUrl<S>;
    fn layer(&self, inner: S) -> BaseUrl<S> {
        BaseUrl {
            inner,
            root: self.root.clone(),
        }
    }
}

/// Service made by [`BaseUrlLayer`]. An absolute URI passes unchanged.
#[derive(Debug, Clone)]
pub struct BaseUrl<S> {
    inner: S,
    root: Arc<RestRoot>,
}

impl<S> Service<Request<Bytes>> for BaseUrl<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    /// The inner call's own future (no box), or the join's error.
    type Future = Either<S::Future, Ready<Result<Response<Bytes>, Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        match self.root.apply(req) {
            Ok(req) => Either::Left(self.inner.call(req)),
            Err(e) => Either::Right(futures_util::future::ready(Err(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn joins_relative_uris_and_keeps_the_query() {
        let root = RestRoot::new("http://127.0.0.1:1/", Some("my acct")).unwrap();
        let svc =
            BaseUrlLayer::new(root).layer(tower::service_fn(|req: Request<Bytes>| async move {
                Ok::<_, Error>(Response::new(Bytes::from(req.uri().to_string())))
            }));
        let req = Request::get("/event-types/a%2Fb?x=1")
            .body(Bytes::new())
            .unwrap();
        let resp = svc.oneshot(req).await.unwrap();
        assert_eq!(
            resp.body(),
            "http://127.0.0.1:1/my%20acct/rest/event-types/a%2Fb?x=1"
        );
    }
}
