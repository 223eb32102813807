//! [`ConcurrencyLimitLayer`]: at most so many calls in flight, across every clone.

use super::*;

/// Layer allowing at most `max` calls in flight at once across every
/// clone; the others wait (their wait counts against the total deadline).
#[derive(Debug, Clone)]
pub struct ConcurrencyLimitLayer {
    semaphore: Arc<Semaphore>,
}

impl ConcurrencyLimitLayer {
    /// At most `max` calls at once (`max` of 0 is treated as 1).
    pub fn new(max: usize) -> Self {
        ConcurrencyLimitLayer {
            semaphore: Arc::new(Semaphore::new(max.max(1))),
        }
    }
}

impl<S> Layer<S> for ConcurrencyLimitLayer {
    type Service = ConcurrencyLimit<S>;
    fn layer(&self, inner: S) -> ConcurrencyLimit<S> {
        ConcurrencyLimit {
            inner,
            semaphore: self.semaphore.clone(),
        }
    }
}

/// Service made by [`ConcurrencyLimitLayer`].
#[derive(Debug, Clone)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    semaphore: Arc<Semaphore>,
}

impl<S> Service<Request<Bytes>> for ConcurrencyLimit<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let semaphore = self.semaphore.clone();
        // The service made ready goes into the future (a clone stays).
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        let operation = operation_name(&req);
        let deadline = req.extensions().get::<Deadline>().copied();
        Box::pin(async move {
            // The queue counts against the call's deadline.
            let _permit = within_deadline(deadline, operation, semaphore.acquire_owned())
                .await?
                .map_err(|e| Error::Transport {
                    operation,
                    source: Box::new(e),
                })?;
            inner.oneshot(req).await
        })
    }
}
