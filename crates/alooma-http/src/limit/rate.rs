//! [`RateLimitLayer`]: at most so many requests per period, across every clone (a GCRA token bucket).

use super::*;

/// A GCRA token bucket: `burst` requests at once, then one per `interval`.
#[derive(Debug)]
struct Bucket {
    interval: Duration,
    tolerance: Duration,
    /// The theoretical arrival time of the next request.
    tat: Mutex<Option<Instant>>,
}

impl Bucket {
    /// Reserves a slot and returns when it starts.
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut tat = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        let t = tat.map_or(now, |t| t.max(now));
        let start = t.checked_sub(self.tolerance).map_or(now, |s| s.max(now));
        *tat = Some(t + self.interval);
        start
    }
}

/// Layer allowing at most [`RateLimit::requests`] requests per
/// [`RateLimit::per`] across every clone; a request over the limit waits
/// for its slot.
#[derive(Debug, Clone)]
pub struct RateLimitLayer {
    bucket: Arc<Bucket>,
}

impl RateLimitLayer {
    /// A shared limit of `limit`.
    pub fn new(limit: RateLimit) -> Self {
        let requests = limit.requests.max(1);
        let interval = limit.per / requests;
        RateLimitLayer {
            bucket: Arc::new(Bucket {
                interval,
                tolerance: interval * (requests - 1),
                tat: Mutex::new(None),
            }),
        }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimited<S>;
    fn layer(&self, inner: S) -> RateLimited<S> {
        RateLimited {
            inner,
            bucket: self.bucket.clone(),
        }
    }
}

/// Service made by [`RateLimitLayer`].
#[derive(Debug, Clone)]
pub struct RateLimited<S> {
    inner: S,
    bucket: Arc<Bucket>,
}

impl<S> Service<Request<Bytes>> for RateLimited<S>
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
        let start = self.bucket.reserve();
        // The service made ready goes into the future (a clone stays).
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        let operation = operation_name(&req);
        let deadline = req.extensions().get::<Deadline>().copied();
        Box::pin(async move {
            // The wait for the slot counts against the call's deadline.
            within_deadline(deadline, operation, tokio::time::sleep_until(start)).await?;
            inner.oneshot(req).await
        })
    }
}
