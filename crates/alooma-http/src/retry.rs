//! The retry layer: exponential backoff with full jitter, `Retry-After`
//! honoured within a cap, a retry budget shared by every clone, and retries
//! only where they cannot do the work twice.
//!
//! Which outcomes are retried is decided by the policy's
//! [`RetryClassifier`](alooma_core::retry::RetryClassifier) (by default [`alooma_core::retry::DefaultClassifier`],
//! whose table is in its module docs; [`Error::is_retryable`] asks the
//! same rules). This layer decides when: after a backoff or the server's
//! `Retry-After` (seconds or an HTTP date, at most
//! [`RetryPolicy::retry_after_cap`]), at most
//! [`RetryPolicy::max_attempts`] attempts, while the [`RetryBudget`] pays.
//!
//! A retry whose wait would end past the call's [`Deadline`] is not made:
//! the call fails at once with [`Error::RetryAbandoned`], which says why and
//! keeps the last failure. When attempts run out on a retryable status, the
//! last answer is returned as it is (the operation's decoder turns it into
//! an error). When the budget cannot pay for a retry, the call fails with
//! [`Error::RetryBudgetExhausted`]. Retries are logged at INFO (the reason
//! and the wait); a failure this layer returns is logged at DEBUG only,
//! since the caller gets it.
//!
//! The layer sits *outside* the auth layer, so every attempt carries the
//! credentials current when it starts, and *outside* the attempt timeout
//! and body collection, so each attempt is timed and read in full.

use crate::config::{RetryBudgetPolicy, RetryPolicy};
use crate::meta::{operation_name, retry_safety, Deadline};
use crate::BoxFuture;
use alooma_core::retry::{RetryCost, RetryDecision, RetryOutcome};
use alooma_core::{decode, Error};
use bytes::Bytes;
use http::{Request, Response};
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

/// A retry budget: a token bucket shared by every clone of the services
/// made from one [`RetryLayer`]; see [`RetryBudgetPolicy`].
///
/// ```
/// use alooma_http::{retry::RetryBudget, RetryBudgetPolicy};
/// let budget = RetryBudget::new(RetryBudgetPolicy::default());
/// assert_eq!(budget.available(), 500);
/// ```
#[derive(Debug, Clone)]
pub struct RetryBudget {
    policy: RetryBudgetPolicy,
    tokens: Arc<Mutex<u32>>,
}

impl RetryBudget {
    /// A full bucket.
    pub fn new(policy: RetryBudgetPolicy) -> Self {
        RetryBudget {
            policy,
            tokens: Arc::new(Mutex::new(policy.capacity)),
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn withdraw(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    fn deposit(&self, amount: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        *tokens = tokens.saturating_add(amount).min(self.policy.capacity);
    }
}

/// Layer retrying calls by a [`RetryPolicy`]; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RetryLayer {
    policy: Arc<RetryPolicy>,
    budget: RetryBudget,
}

impl RetryLayer {
    /// A layer with its own budget, shared by every service it makes.
    pub fn new(policy: RetryPolicy) -> Self {
        RetryLayer {
            budget: RetryBudget::new(policy.budget),
            policy: Arc::new(policy),
        }
    }

    /// The budget the services of this layer share.
    pub fn budget(&self) -> &RetryBudget {
        &self.budget
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;
    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: self.policy.clone(),
            budget: self.budget.clone(),
        }
    }
}

/// Service made by [`RetryLayer`].
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    policy: Arc<RetryPolicy>,
    budget: RetryBudget,
}

/// `Retry-After`: delay-seconds, or an HTTP date (the time left until it;
/// a date in the past means no wait).
fn retry_after(resp: &Response<Bytes>) -> Option<Duration> {
    let value = resp
        .headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The wait before attempt `attempt + 1` (`attempt` is 1-based).
fn backoff(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(policy.retry_after_cap);
    }
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1));
    let cap = policy
        .base_delay
        .checked_mul(exp)
        .unwrap_or(policy.max_delay)
        .min(policy.max_delay);
    let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rand::rng().random_range(0..=nanos))
}

fn into_error(operation: &'static str, result: Result<Response<Bytes>, Error>) -> Error {
    match result {
        Err(e) => e,
        Ok(resp) => match decode::check_status(operation, &resp) {
            Err(e) => e,
            Ok(()) => Error::Api {
                operation,
                status: resp.status(),
                snippet: alooma_core::snippet(resp.body()),
            },
        },
    }
}

impl<S> Service<Request<Bytes>> for Retry<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let inner = self.inner.clone();
        let policy = self.policy.clone();
        let budget = self.budget.clone();
        let operation = operation_name(&req);
        let safety = retry_safety(&req);
        let deadline = req.extensions().get::<Deadline>().map(|d| d.0);
        Box::pin(async move {
            let mut attempt: u32 = 1;
            let mut spent: u32 = 0;
            loop {
                let result = inner.clone().oneshot(req.clone()).await;
                tracing::Span::current().record("attempts", attempt);
                let decision = match &result {
                    Ok(resp) => policy
                        .classifier
                        .classify(RetryOutcome::Status(resp.status()), safety),
                    Err(e) => policy.classifier.classify(RetryOutcome::Error(e), safety),
                };
                let (cost, reason) = match decision {
                    RetryDecision::Retry { cost, reason } => (cost, reason),
                    RetryDecision::DoNotRetry | _ => {
                        let healthy = result.as_ref().is_ok_and(|resp| {
                            !alooma_core::is_retryable_status(resp.status())
                                && !resp.status().is_server_error()
                        });
                        if healthy {
                            budget.deposit(if attempt == 1 {
                                policy.budget.success_reward
                            } else {
                                spent
                            });
                        }
                        return result;
                    }
                };
                if attempt >= policy.max_attempts.max(1) {
                    tracing::debug!(attempt, %reason, "attempts exhausted");
                    return result;
                }
                let server_wait = result.as_ref().ok().and_then(retry_after);
                let wait = backoff(&policy, attempt, server_wait);
                if let Some(deadline) = deadline {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if wait >= left {
                        let why = match server_wait {
                            Some(asked) => format!(
                                "the server asked to wait {} s (Retry-After) before trying again, and {:.1} s are left of the call's deadline",
                                asked.as_secs(),
                                left.as_secs_f64()
                            ),
                            None => format!(
                                "the next attempt would start after the call's deadline ({:.1} s left, backoff {:.1} s)",
                                left.as_secs_f64(),
                                wait.as_secs_f64()
                            ),
                        };
                        tracing::debug!(attempt, %reason, %why, "not retrying");
                        return Err(Error::RetryAbandoned {
                            operation,
                            attempts: attempt,
                            reason: why,
                            last: Box::new(into_error(operation, result)),
                        });
                    }
                }
                let price = match cost {
                    RetryCost::Timeout => policy.budget.timeout_retry_cost,
                    RetryCost::Normal | _ => policy.budget.retry_cost,
                };
                if !budget.withdraw(price) {
                    tracing::debug!(attempt, %reason, "not retrying: the retry budget is exhausted");
                    return Err(Error::RetryBudgetExhausted {
                        operation,
                        attempts: attempt,
                        last: Box::new(into_error(operation, result)),
                    });
                }
                spent = spent.saturating_add(price);
                tracing::info!(
                    operation,
                    attempt,
                    max_attempts = policy.max_attempts,
                    %reason,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                drop(result);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_core::{OperationMeta, RetrySafety};
    use http::StatusCode;
    use std::sync::atomic::{AtomicU32, Ordering};

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
        tower::service_fn(move |_req: Request<Bytes>| {
            let n = count.fetch_add(1, Ordering::SeqCst) as usize;
            let status = script.get(n).copied().unwrap_or(200);
            async move {
                Ok::<_, Error>(
                    Response::builder()
                        .status(status)
                        .header("retry-after", "1")
                        .body(Bytes::new())
                        .unwrap(),
                )
            }
        })
    }

    fn req(safety: RetrySafety) -> Request<Bytes> {
        let mut r = Request::post("/x").body(Bytes::new()).unwrap();
        r.extensions_mut().insert(OperationMeta::new("op", safety));
        r
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
        r.extensions_mut()
            .insert(Deadline(Instant::now() + Duration::from_millis(500)));
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
