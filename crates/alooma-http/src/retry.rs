//! The retry layer: exponential backoff with full jitter, `Retry-After`
//! honoured within a cap, a retry budget shared by every clone, and retries
//! only where they cannot do the work twice.
//!
//! What is retried (see [`RetryPolicy`] for the waits and defaults):
//!
//! | outcome of an attempt | retried when |
//! |---|---|
//! | [`Error::Connect`], connect [`Error::Timeout`] (nothing was sent) | always |
//! | HTTP 429 (the server refused the request unprocessed) | always |
//! | HTTP 502, 503, 504 | the operation is [`RetrySafety::Idempotent`] |
//! | [`Error::Transport`], attempt [`Error::Timeout`] (the request may have reached the server) | the operation is idempotent |
//! | anything else (2xx, other statuses, auth, size, decode errors) | never |
//!
//! A retry is skipped when the wait would end past the call's
//! [`Deadline`]: the call then ends with its last outcome at once. When
//! attempts run out on a retryable status, the last answer is returned as it
//! is (the operation's decoder turns it into an error). When the
//! [`RetryBudget`] cannot pay for a retry, the call fails with
//! [`Error::RetryBudgetExhausted`].
//!
//! The layer sits *outside* the auth layer, so every attempt carries the
//! credentials current when it starts, and *outside* the attempt timeout
//! and body collection, so each attempt is timed and read in full.

use crate::config::{RetryBudgetPolicy, RetryPolicy};
use crate::meta::{operation_name, retry_safety, Deadline};
use crate::BoxFuture;
use alooma_core::{decode, Error, RetrySafety, TimeoutKind};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
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
    policy: RetryPolicy,
    budget: RetryBudget,
}

impl RetryLayer {
    /// A layer with its own budget, shared by every service it makes.
    pub fn new(policy: RetryPolicy) -> Self {
        RetryLayer {
            budget: RetryBudget::new(policy.budget),
            policy,
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
            policy: self.policy,
            budget: self.budget.clone(),
        }
    }
}

/// Service made by [`RetryLayer`].
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    policy: RetryPolicy,
    budget: RetryBudget,
}

/// What to do after one attempt.
enum Verdict {
    /// Return this outcome.
    Done { healthy: bool },
    /// Worth another attempt, for `cost` tokens, after at least `retry_after`.
    Retry {
        cost: u32,
        retry_after: Option<Duration>,
        reason: String,
    },
}

fn classify(
    result: &Result<Response<Bytes>, Error>,
    safety: RetrySafety,
    budget: &RetryBudgetPolicy,
) -> Verdict {
    let idempotent = safety.is_idempotent();
    match result {
        Ok(resp) => {
            let status = resp.status();
            let retryable = match status {
                StatusCode::TOO_MANY_REQUESTS => true,
                StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT => idempotent,
                _ => false,
            };
            if retryable {
                Verdict::Retry {
                    cost: budget.retry_cost,
                    retry_after: retry_after(resp),
                    reason: format!("HTTP {}", status.as_u16()),
                }
            } else {
                Verdict::Done {
                    healthy: !alooma_core::is_retryable_status(status) && !status.is_server_error(),
                }
            }
        }
        Err(e) => {
            let cost = match e {
                Error::Connect { .. } => Some(budget.retry_cost),
                Error::Timeout {
                    kind: TimeoutKind::Connect,
                    ..
                } => Some(budget.timeout_retry_cost),
                Error::Transport { .. } if idempotent => Some(budget.retry_cost),
                Error::Timeout {
                    kind: TimeoutKind::Attempt,
                    ..
                } if idempotent => Some(budget.timeout_retry_cost),
                _ => None,
            };
            match cost {
                Some(cost) => Verdict::Retry {
                    cost,
                    retry_after: None,
                    reason: e.to_string(),
                },
                None => Verdict::Done { healthy: false },
            }
        }
    }
}

/// `Retry-After: <seconds>`; the HTTP-date form is not honoured.
fn retry_after(resp: &Response<Bytes>) -> Option<Duration> {
    resp.headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
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
        let policy = self.policy;
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
                match classify(&result, safety, &policy.budget) {
                    Verdict::Done { healthy } => {
                        if healthy {
                            budget.deposit(if attempt == 1 {
                                policy.budget.success_reward
                            } else {
                                spent
                            });
                        }
                        return result;
                    }
                    Verdict::Retry {
                        cost,
                        retry_after,
                        reason,
                    } => {
                        if attempt >= policy.max_attempts.max(1) {
                            tracing::debug!(attempt, %reason, "attempts exhausted");
                            return result;
                        }
                        let wait = backoff(&policy, attempt, retry_after);
                        if let Some(deadline) = deadline {
                            if Instant::now() + wait >= deadline {
                                tracing::debug!(attempt, %reason, ?wait, "not retrying: the wait would pass the call's deadline");
                                return result;
                            }
                        }
                        if !budget.withdraw(cost) {
                            tracing::warn!(attempt, %reason, "not retrying: the retry budget is exhausted");
                            return Err(Error::RetryBudgetExhausted {
                                operation,
                                attempts: attempt,
                                last: Box::new(into_error(operation, result)),
                            });
                        }
                        spent = spent.saturating_add(cost);
                        tracing::info!(attempt, %reason, ?wait, "retrying");
                        drop(result);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alooma_core::OperationMeta;
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
        // Retry-After 1 s would pass the deadline.
        let resp = RetryLayer::new(policy())
            .layer(scripted(vec![503], count.clone()))
            .oneshot(r)
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(start.elapsed() < Duration::from_millis(10));
    }

    #[tokio::test(start_paused = true)]
    async fn errors_are_classified_by_what_may_have_been_sent() {
        let p = policy().budget;
        let connect = Err(Error::Connect {
            operation: "op",
            source: "refused".into(),
        });
        let transport = Err(Error::Transport {
            operation: "op",
            source: "reset".into(),
        });
        let auth: Result<Response<Bytes>, Error> = Err(Error::Auth {
            operation: "op",
            status: None,
            user: None,
            reason: "x".into(),
        });
        assert!(matches!(
            classify(&connect, RetrySafety::NotIdempotent, &p),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify(&transport, RetrySafety::NotIdempotent, &p),
            Verdict::Done { .. }
        ));
        assert!(matches!(
            classify(&transport, RetrySafety::Idempotent, &p),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify(&auth, RetrySafety::Idempotent, &p),
            Verdict::Done { .. }
        ));
    }
}
