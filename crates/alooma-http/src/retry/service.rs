//! [`RetryLayer`] and the [`Retry`] service: the attempt loop.

use super::backoff::{backoff, retry_after};
use super::budget::RetryBudget;
use super::copy::RequestCopy;
use crate::config::RetryPolicy;
use crate::meta::{operation_name, retry_safety, Deadline};
use crate::BoxFuture;
use alooma_core::retry::{RetryCost, RetryDecision, RetryOutcome};
use alooma_core::{decode, ConnectFailure, Error, RetrySafety};
use bytes::Bytes;
use http::{Request, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
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

/// How many times in a row a request that never reached the server is sent
/// again at once before the failure counts as an attempt (every idle
/// connection of the pool may have been closed by the server at once).
pub(crate) const UNSENT_RESENDS: u32 = 4;

/// One call's attempts: what every attempt after the first needs, and the
/// bookkeeping between them.
struct Attempts<S> {
    inner: S,
    req: RequestCopy,
    policy: Arc<RetryPolicy>,
    budget: RetryBudget,
    operation: &'static str,
    safety: RetrySafety,
    deadline: Option<Instant>,
    /// The attempt whose outcome comes next (1 for the first).
    attempt: u32,
    /// Budget tokens this call has spent on retries.
    spent: u32,
    /// Resends in a row of a request that never reached the server.
    unsent: u32,
}

/// What follows an attempt's outcome.
enum Next {
    /// The call's result.
    Return(Result<Response<Bytes>, Error>),
    /// Another attempt, after this wait.
    Wait(Duration),
    /// The same attempt again, at once: the request never reached the
    /// server (a pooled connection closed under it).
    Resend,
}

impl<S> Attempts<S> {
    /// Classifies the current attempt's outcome and decides: return it
    /// (or an error saying why no retry is made), or wait and try again
    /// (the budget has paid for it).
    fn after(&mut self, result: Result<Response<Bytes>, Error>) -> Next {
        let (attempt, operation, policy) = (self.attempt, self.operation, &self.policy);
        // Nothing reached the server: sending it again is safe for every
        // operation, and it is not a retry (no attempt, no budget). A
        // connection refused is not this: it waits like any retry.
        let never_sent = result
            .as_ref()
            .err()
            .and_then(Error::connect_failure)
            .is_some_and(|f| f == ConnectFailure::NotSent);
        if never_sent
            && self.unsent < UNSENT_RESENDS
            && self.deadline.is_none_or(|d| Instant::now() < d)
        {
            self.unsent += 1;
            tracing::debug!(
                resends = self.unsent,
                "the request never reached the server; sending it on another connection"
            );
            return Next::Resend;
        }
        self.unsent = 0;
        tracing::Span::current().record("attempts", attempt);
        let decision = match &result {
            Ok(resp) => policy
                .classifier
                .classify(RetryOutcome::Status(resp.status()), self.safety),
            Err(e) => policy
                .classifier
                .classify(RetryOutcome::Error(e), self.safety),
        };
        let (cost, reason) = match decision {
            RetryDecision::Retry { cost, reason } => (cost, reason),
            RetryDecision::DoNotRetry | _ => {
                // A healthy answer refills the budget: one the classifier
                // would not retry even when safe to.
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
                    self.budget.deposit(if attempt == 1 {
                        policy.budget.success_reward
                    } else {
                        self.spent
                    });
                }
                return Next::Return(result);
            }
        };
        if attempt >= policy.max_attempts.max(1) {
            tracing::debug!(attempt, %reason, "attempts exhausted");
            return Next::Return(result);
        }
        let server_wait = result.as_ref().ok().and_then(retry_after);
        let wait = backoff(policy, attempt, server_wait);
        if let Some(deadline) = self.deadline {
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
                return Next::Return(Err(Error::RetryAbandoned {
                    operation,
                    attempts: attempt,
                    reason: why,
                    last: Box::new(into_error(operation, result)),
                }));
            }
        }
        let price = match cost {
            RetryCost::Timeout => policy.budget.timeout_retry_cost,
            RetryCost::Normal | _ => policy.budget.retry_cost,
        };
        if !self.budget.withdraw(price) {
            tracing::debug!(attempt, %reason, "not retrying: the retry budget is exhausted");
            return Next::Return(Err(Error::RetryBudgetExhausted {
                operation,
                attempts: attempt,
                last: Box::new(into_error(operation, result)),
            }));
        }
        self.spent = self.spent.saturating_add(price);
        tracing::info!(
            operation,
            attempt,
            max_attempts = policy.max_attempts,
            %reason,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        Next::Wait(wait)
    }
}

/// The attempts after the first: wait (none for a resend of a request
/// that never reached the server), send a copy of the request through a
/// clone of the inner service (made ready first), decide again.
async fn retry_loop<S>(
    mut attempts: Attempts<S>,
    mut wait: Option<Duration>,
) -> Result<Response<Bytes>, Error>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    loop {
        if let Some(wait) = wait {
            tokio::time::sleep(wait).await;
            attempts.attempt += 1;
        }
        let result = attempts.inner.clone().oneshot(attempts.req.request()).await;
        wait = match attempts.after(result) {
            Next::Return(result) => return result,
            Next::Wait(next) => Some(next),
            Next::Resend => None,
        };
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Retry`]. The first attempt is polled in place (no
    /// box): a call that needs no retry, nearly every call, costs no
    /// allocation here beyond the copy of its request kept for a retry.
    /// A retry moves the rest of the call into one boxed loop.
    pub struct RetryFuture<S, F> {
        #[pin]
        state: RetryState<S, F>,
    }
}

pin_project_lite::pin_project! {
    #[project = RetryStateProj]
    enum RetryState<S, F> {
        // The first attempt, and what a retry would need.
        First { #[pin] call: F, attempts: Option<Attempts<S>> },
        // The attempts after the first.
        Again { call: BoxFuture<Response<Bytes>> },
    }
}

impl<S, F> std::fmt::Debug for RetryFuture<S, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.state {
            RetryState::First { .. } => "RetryFuture::First",
            RetryState::Again { .. } => "RetryFuture::Again",
        })
    }
}

impl<S, F> Future for RetryFuture<S, F>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
    F: Future<Output = Result<Response<Bytes>, Error>>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            let (attempts, wait) = match state.as_mut().project() {
                RetryStateProj::Again { call } => return call.as_mut().poll(cx),
                RetryStateProj::First { call, attempts } => {
                    let result = ready!(call.poll(cx));
                    let Some(mut attempts) = attempts.take() else {
                        return Poll::Ready(Err(Error::Transport {
                            operation: "request",
                            source: "a retry future was polled after it finished".into(),
                        }));
                    };
                    match attempts.after(result) {
                        Next::Return(result) => return Poll::Ready(result),
                        Next::Wait(wait) => (attempts, Some(wait)),
                        Next::Resend => (attempts, None),
                    }
                }
            };
            state.set(RetryState::Again {
                call: Box::pin(retry_loop(attempts, wait)),
            });
        }
    }
}

impl<S> Service<Request<Bytes>> for Retry<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = RetryFuture<S, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        // The first attempt goes to the service made ready, with the
        // request itself; a clone sends the retries (each made ready
        // first), from the copy.
        let attempts = Attempts {
            inner: self.inner.clone(),
            policy: self.policy.clone(),
            budget: self.budget.clone(),
            operation: operation_name(&req),
            safety: retry_safety(&req),
            deadline: req.extensions().get::<Deadline>().map(Deadline::at),
            req: RequestCopy::of(&req),
            attempt: 1,
            spent: 0,
            unsent: 0,
        };
        let call = self.inner.call(req);
        RetryFuture {
            state: RetryState::First {
                call,
                attempts: Some(attempts),
            },
        }
    }
}
