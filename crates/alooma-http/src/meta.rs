//! What the layers read from a request's extensions: the operation's
//! metadata, the per-call timeout override and the call's deadline.

use alooma_core::{OperationMeta, RetrySafety, TimeoutOverride};
use bytes::Bytes;
use http::Request;
use std::time::Duration;
use tokio::time::Instant;

/// The instant a whole call must be finished by, and the length of the
/// call's deadline (for the error of an attempt it cuts), put into the
/// request's extensions by the total-deadline layer
/// ([`crate::timeout::TotalTimeoutLayer`]). The retry layer never sleeps
/// past it.
///
/// ```
/// use alooma_http::Deadline;
/// use std::time::Duration;
/// let at = tokio::time::Instant::now() + Duration::from_secs(5);
/// let d = Deadline::new(at, Duration::from_secs(5));
/// assert_eq!((d.at(), d.length()), (at, Duration::from_secs(5)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
    length: Duration,
}

impl Deadline {
    /// A call that must be finished by `at`, `length` after it started.
    pub fn new(at: Instant, length: Duration) -> Self {
        Deadline { at, length }
    }

    /// The instant the call must be finished by.
    pub fn at(&self) -> Instant {
        self.at
    }

    /// How long the call was given in all.
    pub fn length(&self) -> Duration {
        self.length
    }
}

/// The operation's name, or `"request"` for a request built by hand
/// without [`OperationMeta`].
pub(crate) fn operation_name<B>(req: &Request<B>) -> &'static str {
    req.extensions()
        .get::<OperationMeta>()
        .map(|m| m.name)
        .unwrap_or("request")
}

/// The request's retry safety; without [`OperationMeta`], decided by the
/// method (GET, HEAD, PUT, DELETE, OPTIONS are idempotent).
pub(crate) fn retry_safety(req: &Request<Bytes>) -> RetrySafety {
    match req.extensions().get::<OperationMeta>() {
        Some(meta) => meta.retry,
        None if req.method().is_idempotent() => RetrySafety::Idempotent,
        None => RetrySafety::NotIdempotent,
    }
}

/// The per-attempt timeout: the call's [`TimeoutOverride`], else the
/// operation's own timeout, else the configured default.
pub(crate) fn attempt_timeout<B>(req: &Request<B>, default: Duration) -> Duration {
    if let Some(TimeoutOverride(d)) = req.extensions().get::<TimeoutOverride>() {
        return *d;
    }
    req.extensions()
        .get::<OperationMeta>()
        .and_then(|m| m.timeout)
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_beats_operation_beats_default() {
        let default = Duration::from_secs(60);
        let mut req = Request::new(Bytes::new());
        assert_eq!(attempt_timeout(&req, default), default);
        assert_eq!(operation_name(&req), "request");
        assert_eq!(retry_safety(&req), RetrySafety::Idempotent);
        req.extensions_mut().insert(
            OperationMeta::new("set_mapping", RetrySafety::Idempotent)
                .with_timeout(Duration::from_secs(300)),
        );
        assert_eq!(attempt_timeout(&req, default), Duration::from_secs(300));
        assert_eq!(operation_name(&req), "set_mapping");
        req.extensions_mut()
            .insert(TimeoutOverride(Duration::from_secs(5)));
        assert_eq!(attempt_timeout(&req, default), Duration::from_secs(5));

        let mut post = Request::post("/x").body(Bytes::new()).unwrap();
        assert_eq!(retry_safety(&post), RetrySafety::NotIdempotent);
        post.extensions_mut()
            .insert(OperationMeta::new("x", RetrySafety::Idempotent));
        assert_eq!(retry_safety(&post), RetrySafety::Idempotent);
    }
}
