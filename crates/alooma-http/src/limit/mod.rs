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

mod concurrency;
mod rate;

pub use concurrency::{ConcurrencyLimit, ConcurrencyLimitLayer};
pub use rate::{RateLimitLayer, RateLimited};

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
