//! [`HttpService`]: what `Client` needs from its transport.

use alooma_core::BoxError;
use bytes::Bytes;
use http::{Request, Response};
use tower::Service;

/// Any tower service that takes an operation-relative `http::Request<Bytes>`
/// and answers with a fully collected `http::Response<Bytes>`.
///
/// The default transport (`alooma_http::Transport`) is one; so is
/// [`MockService`](crate::mock::MockService) and any service a user writes to
/// test their own code. Errors that are an [`alooma_core::Error`] (boxed or
/// not) reach the caller unchanged; any other error becomes
/// [`Error::Transport`](crate::Error::Transport).
pub trait HttpService:
    Service<Request<Bytes>, Response = Response<Bytes>, Error: Into<BoxError>, Future: Send>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> HttpService for T where
    T: Service<Request<Bytes>, Response = Response<Bytes>, Error: Into<BoxError>, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Turns a transport error into an [`alooma_core::Error`], keeping one that
/// already is.
pub(crate) fn into_error(
    operation: &'static str,
    error: impl Into<BoxError>,
) -> alooma_core::Error {
    let boxed: BoxError = error.into();
    match boxed.downcast::<alooma_core::Error>() {
        Ok(e) => *e,
        Err(source) => alooma_core::Error::Transport { operation, source },
    }
}
