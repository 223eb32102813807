//! The retry layer: exponential backoff with full jitter, `Retry-After`
//! honoured within a cap, a retry budget shared by every clone, and retries
//! only where they cannot do the work twice.
//!
//! Which outcomes are retried is decided by the policy's
//! [`RetryClassifier`](alooma_core::retry::RetryClassifier) (by default [`alooma_core::retry::DefaultClassifier`],
//! whose table is in its module docs; [`Error::is_retryable`](alooma_core::Error::is_retryable) asks the
//! same rules). This layer decides when: after a backoff or the server's
//! `Retry-After` (seconds or an HTTP date, at most
//! [`RetryPolicy::retry_after_cap`](crate::RetryPolicy::retry_after_cap)), at most
//! [`RetryPolicy::max_attempts`](crate::RetryPolicy::max_attempts) attempts, while the [`RetryBudget`] pays.
//!
//! A retry whose wait would end past the call's [`Deadline`](crate::Deadline) is not made:
//! the call fails at once with [`Error::RetryAbandoned`](alooma_core::Error::RetryAbandoned), which says why and
//! keeps the last failure. When attempts run out on a retryable status, the
//! last answer is returned as it is (the operation's decoder turns it into
//! an error). When the budget cannot pay for a retry, the call fails with
//! [`Error::RetryBudgetExhausted`](alooma_core::Error::RetryBudgetExhausted). Retries are logged at INFO (the reason
//! and the wait); a failure this layer returns is logged at DEBUG only,
//! since the caller gets it.
//!
//! This layer keeps the call's one copy of its request: the layers below
//! consume theirs. It also sends again, at once, a request that never
//! reached the server (an [`Error::Connect`](alooma_core::Error::Connect)
//! whose cause is [`ConnectFailure::NotSent`](alooma_core::ConnectFailure::NotSent):
//! a pooled connection the server had closed). That is safe for every
//! operation and is not a retry: no attempt is counted and the budget does
//! not pay. After four such resends in a row the failure is classified like
//! any other.
//!
//! The layer sits *outside* the auth layer, so every attempt carries the
//! credentials current when it starts, and *outside* the attempt timeout
//! and body collection, so each attempt is timed and read in full.
//!
//! The parts: [`budget`] (the token bucket), [`backoff`] (when to try
//! again), [`service`] (the layer and its attempt loop), `copy` (the copy
//! of the request kept for a resend); the classifier is the policy's, from
//! `alooma_core::retry`.

pub mod backoff;
pub mod budget;
mod copy;
pub mod service;

pub use budget::RetryBudget;
pub use service::{Retry, RetryLayer};

#[cfg(test)]
mod tests {
    use super::backoff::{backoff, retry_after};
    use super::*;
    use crate::config::{RetryBudgetPolicy, RetryPolicy};
    use crate::Deadline;
    use alooma_core::Error;
    use alooma_core::{OperationMeta, RetrySafety};
    use bytes::Bytes;
    use http::StatusCode;
    use http::{Request, Response};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::time::Instant;
    use tower::{Layer, Service, ServiceExt};

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            retry_after_cap: Duration::from_secs(2),
            budget: RetryBudgetPolicy {
                capacity: 10,
                retry_cost: 5,
                timeout_retry_cost: 10,
                success_reward: 1,
            },
            ..RetryPolicy::default()
        }
    }

    /// A service counting its calls in `count` and answering the `n`th
    /// (from 0) with `answer(n)`.
    fn counting(
        count: Arc<AtomicU32>,
        answer: impl Fn(u32) -> Result<Response<Bytes>, Error> + Clone + Send + 'static,
    ) -> impl Service<
        Request<Bytes>,
        Response = Response<Bytes>,
        Error = Error,
        Future = impl Send + 'static,
    > + Clone
           + Send
           + 'static {
        tower::service_fn(move |_req: Request<Bytes>| {
            let result = answer(count.fetch_add(1, Ordering::SeqCst));
            async move { result }
        })
    }

    /// A service answering the statuses in `script`, then 200.
    fn scripted(
        script: Vec<u16>,
        count: Arc<AtomicU32>,
    ) -> impl Service<
        Request<Bytes>,
        Response = Response<Bytes>,
        Error = Error,
        Future = impl Send + 'static,
    > + Clone
           + Send
           + 'static {
        let script = Arc::new(script);
        counting(count, move |n| {
            let status = script.get(n as usize).copied().unwrap_or(200);
            Ok(Response::builder()
                .status(status)
                .header("retry-after", "1")
                .body(Bytes::new())
                .unwrap())
        })
    }

    fn req(safety: RetrySafety) -> Request<Bytes> {
        let mut r = Request::post("/x").body(Bytes::new()).unwrap();
        r.extensions_mut().insert(OperationMeta::new("op", safety));
        r
    }

    /// A service failing the first `unsent` sends as never sent (a pooled
    /// connection the server had closed), then answering 200.
    fn closing(
        unsent: u32,
        count: Arc<AtomicU32>,
    ) -> impl Service<
        Request<Bytes>,
        Response = Response<Bytes>,
        Error = Error,
        Future = impl Send + 'static,
    > + Clone
           + Send
           + 'static {
        counting(count, move |n| {
            if n >= unsent {
                return Ok(Response::new(Bytes::new()));
            }
            let cause = alooma_core::ConnectCause::new(
                alooma_core::ConnectFailure::NotSent,
                "closed before the request was written",
            );
            Err(Error::Connect {
                operation: "op",
                source: Box::new(cause),
            })
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_that_never_reached_the_server_is_sent_again_at_once_for_free() {
        // Four in a row: sent again at once, with no attempt counted and no
        // budget spent, for an operation that is never retried.
        let count = Arc::new(AtomicU32::new(0));
        let mut p = policy();
        p.max_attempts = 1;
        let layer = RetryLayer::new(p);
        let start = Instant::now();
        let resp = layer
            .layer(closing(4, count.clone()))
            .oneshot(req(RetrySafety::NotIdempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(count.load(Ordering::SeqCst), 5);
        assert_eq!(start.elapsed(), Duration::ZERO, "no backoff");
        assert_eq!(layer.budget().available(), 10);

        // A fifth in a row counts as the attempt's failure.
        let count = Arc::new(AtomicU32::new(0));
        let mut p = policy();
        p.max_attempts = 1;
        let err = RetryLayer::new(p)
            .layer(closing(5, count.clone()))
            .oneshot(req(RetrySafety::NotIdempotent))
            .await
            .unwrap_err();
        assert_eq!(
            err.connect_failure(),
            Some(alooma_core::ConnectFailure::NotSent)
        );
        assert_eq!(count.load(Ordering::SeqCst), 5);

        // With retries, the next attempt starts the resends over.
        let count = Arc::new(AtomicU32::new(0));
        let resp = RetryLayer::new(policy())
            .layer(closing(7, count.clone()))
            .oneshot(req(RetrySafety::Idempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(count.load(Ordering::SeqCst), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn no_resend_starts_after_the_deadline() {
        let count = Arc::new(AtomicU32::new(0));
        let mut p = policy();
        p.max_attempts = 1;
        let mut r = req(RetrySafety::NotIdempotent);
        let now = Instant::now();
        r.extensions_mut()
            .insert(Deadline::new(now, Duration::from_secs(1)));
        tokio::time::advance(Duration::from_millis(1)).await;
        let err = RetryLayer::new(p)
            .layer(closing(4, count.clone()))
            .oneshot(r)
            .await
            .unwrap_err();
        assert_eq!(count.load(Ordering::SeqCst), 1, "{err}");
    }

    #[test]
    fn backoff_is_full_jitter_within_the_cap() {
        let p = policy();
        for attempt in 1..10 {
            let cap = (p.base_delay * 2u32.pow(attempt - 1)).min(p.max_delay);
            for _ in 0..50 {
                assert!(backoff(&p, attempt, None) <= cap);
            }
        }
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert_eq!(
            backoff(&p, 1, Some(Duration::from_secs(99))),
            Duration::from_secs(2)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retries_idempotent_503_but_not_non_idempotent() {
        let count = Arc::new(AtomicU32::new(0));
        let layer = RetryLayer::new(policy());
        let resp = layer
            .layer(scripted(vec![503, 503], count.clone()))
            .oneshot(req(RetrySafety::Idempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(count.load(Ordering::SeqCst), 3);

        let count = Arc::new(AtomicU32::new(0));
        let resp = RetryLayer::new(policy())
            .layer(scripted(vec![503], count.clone()))
            .oneshot(req(RetrySafety::NotIdempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(count.load(Ordering::SeqCst), 1);

        // 429 was refused unprocessed: retried even when not idempotent.
        let count = Arc::new(AtomicU32::new(0));
        let resp = RetryLayer::new(policy())
            .layer(scripted(vec![429], count.clone()))
            .oneshot(req(RetrySafety::NotIdempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn budget_runs_out_and_refills() {
        let layer = RetryLayer::new(policy());
        let count = Arc::new(AtomicU32::new(0));
        let resp = layer
            .layer(scripted(vec![503; 3], count.clone()))
            .oneshot(req(RetrySafety::Idempotent))
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(layer.budget().available(), 0);
        let count = Arc::new(AtomicU32::new(0));
        let err = layer
            .layer(scripted(vec![503], count.clone()))
            .oneshot(req(RetrySafety::Idempotent))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::RetryBudgetExhausted { attempts: 1, .. }),
            "{err}"
        );
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        for _ in 0..5 {
            let ok = layer
                .layer(scripted(vec![], Arc::new(AtomicU32::new(0))))
                .oneshot(req(RetrySafety::Idempotent))
                .await
                .unwrap();
            assert_eq!(ok.status(), 200);
        }
        assert_eq!(layer.budget().available(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn never_sleeps_past_the_deadline() {
        let count = Arc::new(AtomicU32::new(0));
        let mut r = req(RetrySafety::Idempotent);
        r.extensions_mut().insert(Deadline::new(
            Instant::now() + Duration::from_millis(500),
            Duration::from_millis(500),
        ));
        let start = Instant::now();
        // Retry-After 1 s would pass the deadline: the call fails at once,
        // saying why, with the 503 as its last failure.
        let err = RetryLayer::new(policy())
            .layer(scripted(vec![503], count.clone()))
            .oneshot(r)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::RetryAbandoned { attempts: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("Retry-After"), "{err}");
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(start.elapsed() < Duration::from_millis(10));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let with = |v: &str| {
            Response::builder()
                .header("retry-after", v)
                .body(Bytes::new())
                .unwrap()
        };
        assert_eq!(retry_after(&with("7")), Some(Duration::from_secs(7)));
        let soon = std::time::SystemTime::now() + Duration::from_secs(90);
        let wait = retry_after(&with(&httpdate::fmt_http_date(soon))).unwrap();
        assert!(
            wait > Duration::from_secs(85) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
        assert_eq!(
            retry_after(&with("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&with("soon")), None);
    }
}
