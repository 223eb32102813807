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

/// Layer bounding a whole call; see the [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct TotalTimeoutLayer {
    total: Option<Duration>,
    default_attempt: Duration,
    /// Whether the layer arms a timer of its own (see
    /// [`enforced_below`](Self::enforced_below)).
    timer: bool,
}

impl TotalTimeoutLayer {
    /// A deadline of `total` per call, kept exactly; with `None`, the
    /// default total or the call's attempt timeout, whichever is longer.
    /// `default_attempt` is the attempt timeout used when the request
    /// carries neither an override nor an operation timeout.
    pub fn new(total: Option<Duration>, default_attempt: Duration) -> Self {
        TotalTimeoutLayer {
            total,
            default_attempt,
            timer: true,
        }
    }

    /// Puts the deadline into the request without arming a timer of its
    /// own, for a stack in which every wait below enforces it: the attempt
    /// timeout cuts each attempt at the deadline, the retry layer makes no
    /// retry whose wait would pass it, the limits and the login wait no
    /// longer than it. [`Transport`](crate::Transport) stacks over
    /// hyper-util's client are such stacks: one timer per call instead of
    /// two. A stack with a wait that does not know the deadline (an inner
    /// service that is not always ready, a layer of your own) needs the
    /// timer.
    ///
    /// ```
    /// use alooma_http::timeout::TotalTimeoutLayer;
    /// use std::time::Duration;
    /// let layer = TotalTimeoutLayer::new(None, Duration::from_secs(60)).enforced_below();
    /// # let _ = layer;
    /// ```
    pub fn enforced_below(mut self) -> Self {
        self.timer = false;
        self
    }
}

impl<S> Layer<S> for TotalTimeoutLayer {
    type Service = TotalTimeout<S>;
    fn layer(&self, inner: S) -> TotalTimeout<S> {
        TotalTimeout {
            inner,
            layer: *self,
        }
    }
}

/// Service made by [`TotalTimeoutLayer`].
#[derive(Debug, Clone)]
pub struct TotalTimeout<S> {
    inner: S,
    layer: TotalTimeoutLayer,
}

impl<S> Service<Request<Bytes>> for TotalTimeout<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    /// The inner call under the deadline's timer, or as it is when the
    /// layers below enforce the deadline.
    type Future = Either<TimeoutFuture<S::Future>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let total = self.layer.total.unwrap_or_else(|| {
            crate::DEFAULT_TOTAL_TIMEOUT.max(attempt_timeout(&req, self.layer.default_attempt))
        });
        let mut deadline = Deadline::new(Instant::now() + total, total);
        // A deadline the request already carries, when sooner, is kept
        // (with its own length, for the error).
        if let Some(earlier) = req.extensions().get::<Deadline>() {
            if earlier.at() < deadline.at() {
                deadline = *earlier;
            }
        }
        let total = deadline.length();
        let deadline = {
            req.extensions_mut().insert(deadline);
            deadline.at()
        };
        if !self.layer.timer {
            return Either::Right(self.inner.call(req));
        }
        Either::Left(TimeoutFuture {
            call: tokio::time::timeout_at(deadline, self.inner.call(req)),
            operation,
            kind: TimeoutKind::Total,
            after: total,
        })
    }
}

/// Layer bounding one attempt, body included; see the [module docs](self).
#[derive(Debug, Clone, Copy)]
pub struct AttemptTimeoutLayer {
    default: Duration,
}

impl AttemptTimeoutLayer {
    /// `default` per attempt unless the request says otherwise.
    pub fn new(default: Duration) -> Self {
        AttemptTimeoutLayer { default }
    }
}

impl<S> Layer<S> for AttemptTimeoutLayer {
    type Service = AttemptTimeout<S>;
    fn layer(&self, inner: S) -> AttemptTimeout<S> {
        AttemptTimeout {
            inner,
            default: self.default,
        }
    }
}

/// Service made by [`AttemptTimeoutLayer`].
#[derive(Debug, Clone)]
pub struct AttemptTimeout<S> {
    inner: S,
    default: Duration,
}

impl<S> Service<Request<Bytes>> for AttemptTimeout<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = TimeoutFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let own = attempt_timeout(&req, self.default);
        // Never past the call's deadline: what is left of it, when shorter.
        // (wait, the error's kind, the duration the error reports)
        let (wait, kind, reported) = match req.extensions().get::<Deadline>() {
            Some(deadline) => {
                let left = deadline.at().saturating_duration_since(Instant::now());
                if left < own {
                    (left, TimeoutKind::Total, deadline.length())
                } else {
                    (own, TimeoutKind::Attempt, own)
                }
            }
            None => (own, TimeoutKind::Attempt, own),
        };
        TimeoutFuture {
            call: tokio::time::timeout(wait, self.inner.call(req)),
            operation,
            kind,
            after: reported,
        }
    }
}

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
