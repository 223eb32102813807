//! [`RetryLayer`] and the [`Retry`] service: the attempt loop.

use super::backoff::{backoff, retry_after};
use super::budget::RetryBudget;
use crate::config::RetryPolicy;
use crate::meta::{operation_name, retry_safety, Deadline};
use crate::BoxFuture;
use alooma_core::retry::{RetryCost, RetryDecision, RetryOutcome};
use alooma_core::{decode, Error, RetrySafety};
use bytes::Bytes;
use http::{Request, Response};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

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

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        // The first attempt goes to the service made ready; a clone sends
        // the retries (each made ready first).
        let first = self.inner.call(req.clone());
        let inner = self.inner.clone();
        let policy = self.policy.clone();
        let budget = self.budget.clone();
        let operation = operation_name(&req);
        let safety = retry_safety(&req);
        let deadline = req.extensions().get::<Deadline>().map(Deadline::at);
        Box::pin(async move {
            let mut attempt: u32 = 1;
            let mut spent: u32 = 0;
            let mut first = Some(first);
            loop {
                let result = match first.take() {
                    Some(call) => call.await,
                    None => inner.clone().oneshot(req.clone()).await,
                };
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
                        // A healthy answer refills the budget: one the
                        // classifier would not retry even when safe to.
                        let healthy = result.as_ref().is_ok_and(|resp| {
                            !resp.status().is_server_error()
                                && matches!(
                                    policy.classifier.classify(
                                        RetryOutcome::Status(resp.status()),
                                        RetrySafety::Idempotent
                                    ),
                                    RetryDecision::DoNotRetry
                                )
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
