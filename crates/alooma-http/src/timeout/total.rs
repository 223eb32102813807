//! [`TotalTimeoutLayer`]: the deadline of a whole call.

use super::*;

/// Layer bounding a whole call; see the [module docs](crate::timeout).
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
