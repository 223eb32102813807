//! The two timeout layers of a call (the third, the connect timeout, lives
//! in the connector: [`crate::client`]).
//!
//! - [`TotalTimeoutLayer`] bounds the whole call — every attempt, every
//!   backoff and `Retry-After` wait, every queue behind a limit — and puts
//!   the call's [`Deadline`] into the request so the retry
//!   layer never sleeps past it. Expiry: [`Error::Timeout`] with
//!   [`TimeoutKind::Total`].
//! - [`AttemptTimeoutLayer`] bounds one attempt: sending, the answer's
//!   headers *and* its whole body (it sits outside the body-collecting
//!   layer), so a server that trickles one byte a second cannot hang a call.
//!   Expiry: [`TimeoutKind::Attempt`].
//!
//! The attempt timeout is the call's [`TimeoutOverride`](alooma_core::TimeoutOverride),
//! else the operation's own ([`OperationMeta::timeout`](alooma_core::OperationMeta::timeout),
//! `set_mapping`: 300 s), else the configured default, and never more than
//! what is left of the call's deadline (an attempt cut so is reported as
//! the total timeout it is).
//!
//! The deadline: a configured total is kept exactly, whatever the attempt
//! timeouts. Without one, a call gets the default total
//! ([`DEFAULT_TOTAL_TIMEOUT`](crate::DEFAULT_TOTAL_TIMEOUT)), or its attempt
//! timeout when that is longer (an operation's own long timeout is never
//! cut by a default).

use crate::meta::{attempt_timeout, operation_name, Deadline};
use alooma_core::{Error, TimeoutKind};
use bytes::Bytes;
use futures_util::future::Either;
use http::{Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Timeout};
use tower::{Layer, Service};

pin_project_lite::pin_project! {
    /// The future of both timeout layers: the inner call under a tokio
    /// timer, whose expiry becomes the [`Error::Timeout`] it names (no box
    /// of its own).
    pub struct TimeoutFuture<F> {
        #[pin]
        call: Timeout<F>,
        operation: &'static str,
        kind: TimeoutKind,
        after: Duration,
    }
}

impl<F> std::fmt::Debug for TimeoutFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimeoutFuture")
            .field("operation", &self.operation)
            .field("kind", &self.kind)
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

impl<F> Future for TimeoutFuture<F>
where
    F: Future<Output = Result<Response<Bytes>, Error>>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        Poll::Ready(match ready!(this.call.poll(cx)) {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                operation: this.operation,
                kind: *this.kind,
                after: *this.after,
            }),
        })
    }
}

/// Runs `wait` (a queue, a rate-limit slot, a login another call makes),
/// ending it with the total [`Error::Timeout`] when the call's deadline
/// comes first. Without a deadline, `wait` runs as it is.
pub(crate) async fn within_deadline<F: Future>(
    deadline: Option<Deadline>,
    operation: &'static str,
    wait: F,
) -> Result<F::Output, Error> {
    match deadline {
        None => Ok(wait.await),
        Some(deadline) => tokio::time::timeout_at(deadline.at(), wait)
            .await
            .map_err(|_| Error::Timeout {
                operation,
                kind: TimeoutKind::Total,
                after: deadline.length(),
            }),
    }
}

mod attempt;
mod total;

pub use attempt::{AttemptTimeout, AttemptTimeoutLayer};
pub use total::{TotalTimeout, TotalTimeoutLayer};

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_core::{OperationMeta, RetrySafety, TimeoutOverride};
    use tower::ServiceExt;

    fn slow(
        delay: Duration,
    ) -> impl Service<
        Request<Bytes>,
        Response = Response<Bytes>,
        Error = Error,
        Future = impl Send + 'static,
    > + Clone
           + Send
           + 'static {
        tower::service_fn(move |req: Request<Bytes>| async move {
            tokio::time::sleep(delay).await;
            let has_deadline = req.extensions().get::<Deadline>().is_some();
            Ok::<_, Error>(Response::new(Bytes::from(has_deadline.to_string())))
        })
    }

    #[tokio::test(start_paused = true)]
    async fn attempt_timeout_fires_and_names_the_operation() {
        let svc =
            AttemptTimeoutLayer::new(Duration::from_secs(2)).layer(slow(Duration::from_secs(5)));
        let mut req = Request::new(Bytes::new());
        req.extensions_mut()
            .insert(OperationMeta::new("get_inputs", RetrySafety::Idempotent));
        let err = svc.clone().oneshot(req).await.unwrap_err();
        assert!(matches!(
            err,
            Error::Timeout { operation: "get_inputs", kind: TimeoutKind::Attempt, after } if after == Duration::from_secs(2)
        ));
        // An operation's own timeout wins over the default.
        let mut req = Request::new(Bytes::new());
        req.extensions_mut().insert(
            OperationMeta::new("set_mapping", RetrySafety::Idempotent)
                .with_timeout(Duration::from_secs(300)),
        );
        assert!(svc.clone().oneshot(req).await.is_ok());
        // A per-call override wins over both.
        let mut req = Request::new(Bytes::new());
        req.extensions_mut()
            .insert(TimeoutOverride(Duration::from_secs(1)));
        let err = svc.oneshot(req).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { after, .. } if after == Duration::from_secs(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn total_timeout_sets_a_deadline_and_fires() {
        let layer = TotalTimeoutLayer::new(None, Duration::from_secs(1));
        let resp = layer
            .layer(slow(Duration::from_secs(2)))
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(resp.body(), "true");
        let strict = TotalTimeoutLayer::new(Some(Duration::from_secs(3)), Duration::from_secs(60));
        let err = strict
            .layer(slow(Duration::from_secs(4)))
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Timeout { kind: TimeoutKind::Total, after, .. } if after == Duration::from_secs(3))
        );
        // A configured total holds even for set_mapping's 300 s attempt …
        let mut req = Request::new(Bytes::new());
        req.extensions_mut().insert(
            OperationMeta::new("set_mapping", RetrySafety::Idempotent)
                .with_timeout(Duration::from_secs(300)),
        );
        assert!(strict
            .layer(slow(Duration::from_secs(200)))
            .oneshot(req)
            .await
            .is_err());
        // … while the default total never cuts it.
        let mut req = Request::new(Bytes::new());
        req.extensions_mut().insert(
            OperationMeta::new("set_mapping", RetrySafety::Idempotent)
                .with_timeout(Duration::from_secs(300)),
        );
        assert!(layer
            .layer(slow(Duration::from_secs(200)))
            .oneshot(req)
            .await
            .is_ok());
    }
}
