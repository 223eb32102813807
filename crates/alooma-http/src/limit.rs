//! Limits shared by every clone of a service: [`ConcurrencyLimitLayer`]
//! (calls in flight) and [`RateLimitLayer`] (requests per period).
//!
//! A limit per clone would be no limit at all (every task clones the
//! client), so both keep their state behind an `Arc` created by the layer:
//! every service the layer makes, and every clone of those, shares it.

use crate::config::RateLimit;
use crate::meta::{operation_name, Deadline};
use crate::timeout::within_deadline;
use crate::BoxFuture;
use alooma_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_shared_by_clones() {
        let now = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (n, p) = (now.clone(), peak.clone());
        let svc =
            ConcurrencyLimitLayer::new(3).layer(tower::service_fn(move |_req: Request<Bytes>| {
                let (n, p) = (n.clone(), p.clone());
                async move {
                    let cur = n.fetch_add(1, Ordering::SeqCst) + 1;
                    p.fetch_max(cur, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    n.fetch_sub(1, Ordering::SeqCst);
                    Ok::<_, Error>(Response::new(Bytes::new()))
                }
            }));
        let calls: Vec<_> = (0..20)
            .map(|_| tokio::spawn(svc.clone().oneshot(Request::new(Bytes::new()))))
            .collect();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_is_shared_by_clones() {
        let svc = RateLimitLayer::new(RateLimit::new(5, Duration::from_secs(1))).layer(
            tower::service_fn(|_req: Request<Bytes>| async {
                Ok::<_, Error>(Response::new(Bytes::new()))
            }),
        );
        let start = Instant::now();
        let calls: Vec<_> = (0..15)
            .map(|_| tokio::spawn(svc.clone().oneshot(Request::new(Bytes::new()))))
            .collect();
        for c in calls {
            c.await.unwrap().unwrap();
        }
        // A burst of 5, then 10 more at 5 per second: 2 s.
        let took = start.elapsed();
        assert!(
            took >= Duration::from_millis(1990) && took < Duration::from_millis(2100),
            "{took:?}"
        );
    }
}
