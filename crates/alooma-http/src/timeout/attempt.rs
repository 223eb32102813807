//! [`AttemptTimeoutLayer`]: the time limit of one attempt, body included.

use super::*;

/// Layer bounding one attempt, body included; see the [module docs](crate::timeout).
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
