//! Whether an attempt's outcome is worth another attempt: the one place
//! the rules live. The transport's retry layer asks a [`RetryClassifier`]
//! after every attempt, and [`Error::is_retryable`] asks the
//! [`DefaultClassifier`], so the two never disagree. A user can replace the
//! classifier (the transport's retry policy holds it).
//!
//! The default rules:
//!
//! | outcome of an attempt | retried when |
//! |---|---|
//! | [`Error::Connect`] (nothing was sent) | always, unless its [`ConnectCause`](crate::ConnectCause) is permanent (a certificate, TLS, an unknown host) |
//! | connect [`Error::Timeout`] (nothing was sent) | always |
//! | HTTP 429 (the server refused the request unprocessed) | always |
//! | HTTP 502, 503, 504 | the operation is [`RetrySafety::Idempotent`] |
//! | [`Error::Transport`], attempt [`Error::Timeout`] (the request may have been processed) | the operation is idempotent |
//! | anything else (2xx, other statuses, auth, build, config, size, decode errors) | never |

use crate::{ConnectFailure, Error, RetrySafety, TimeoutKind};
use http::StatusCode;

/// What an attempt ended with.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RetryOutcome<'a> {
    /// The server answered with this status.
    Status(StatusCode),
    /// The attempt failed with this error.
    Error(&'a Error),
}

/// How expensive a retry is for the retry budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryCost {
    /// A quick failure (a refused connection, a status).
    Normal,
    /// A timeout: it held resources for the whole wait.
    Timeout,
}

/// The classifier's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Worth another attempt.
    Retry {
        /// The budget's price of the retry.
        cost: RetryCost,
        /// Why, for the logs ("HTTP 503", "connection refused by …").
        reason: String,
    },
    /// The outcome stands.
    DoNotRetry,
}

impl RetryDecision {
    /// Whether the verdict is to retry.
    pub fn is_retry(&self) -> bool {
        matches!(self, RetryDecision::Retry { .. })
    }
}

/// Decides whether an attempt's outcome is worth another attempt.
///
/// ```
/// use alooma_core::retry::{DefaultClassifier, RetryClassifier, RetryOutcome};
/// use alooma_core::RetrySafety;
/// let c = DefaultClassifier;
/// let busy = RetryOutcome::Status(http::StatusCode::SERVICE_UNAVAILABLE);
/// assert!(c.classify(busy, RetrySafety::Idempotent).is_retry());
/// assert!(!c.classify(busy, RetrySafety::NotIdempotent).is_retry());
/// ```
pub trait RetryClassifier: std::fmt::Debug + Send + Sync {
    /// The verdict on one attempt of an operation with this retry safety.
    fn classify(&self, outcome: RetryOutcome<'_>, safety: RetrySafety) -> RetryDecision;
}

/// The rules in the [module docs](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultClassifier;

impl RetryClassifier for DefaultClassifier {
    fn classify(&self, outcome: RetryOutcome<'_>, safety: RetrySafety) -> RetryDecision {
        let idempotent = safety.is_idempotent();
        let retry = |cost, reason: String| RetryDecision::Retry { cost, reason };
        match outcome {
            RetryOutcome::Status(status) => match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    retry(RetryCost::Normal, format!("HTTP {}", status.as_u16()))
                }
                StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT
                    if idempotent =>
                {
                    retry(RetryCost::Normal, format!("HTTP {}", status.as_u16()))
                }
                _ => RetryDecision::DoNotRetry,
            },
            RetryOutcome::Error(e) => match e {
                Error::Connect { source, .. } => {
                    let permanent = e
                        .connect_failure()
                        .is_some_and(ConnectFailure::is_permanent);
                    if permanent {
                        RetryDecision::DoNotRetry
                    } else {
                        retry(RetryCost::Normal, source.to_string())
                    }
                }
                Error::Timeout {
                    kind: TimeoutKind::Connect,
                    ..
                } => retry(RetryCost::Timeout, e.to_string()),
                Error::Timeout {
                    kind: TimeoutKind::Attempt,
                    ..
                } if idempotent => retry(RetryCost::Timeout, e.to_string()),
                Error::Transport { source, .. } if idempotent => {
                    retry(RetryCost::Normal, source.to_string())
                }
                Error::ServerTimeout { .. } if idempotent => {
                    retry(RetryCost::Normal, "HTTP 504".into())
                }
                Error::Api { status, .. } => self.classify(RetryOutcome::Status(*status), safety),
                _ => RetryDecision::DoNotRetry,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ConnectCause;

    #[test]
    fn the_rules() {
        let c = DefaultClassifier;
        let refused = Error::Connect {
            operation: "op",
            source: Box::new(ConnectCause::new(ConnectFailure::Refused, "refused")),
        };
        let cert = Error::Connect {
            operation: "op",
            source: Box::new(ConnectCause::new(
                ConnectFailure::Certificate,
                "certificate signed by an unknown issuer",
            )),
        };
        let transport = Error::Transport {
            operation: "op",
            source: "reset".into(),
        };
        let total = Error::Timeout {
            operation: "op",
            kind: TimeoutKind::Total,
            after: std::time::Duration::from_secs(1),
        };
        let auth = Error::Auth {
            operation: "op",
            status: None,
            user: None,
            reason: "x".into(),
        };
        for (e, idem, not_idem) in [
            (&refused, true, true),
            (&cert, false, false),
            (&transport, true, false),
            (&total, false, false),
            (&auth, false, false),
            (&Error::Config { reason: "r".into() }, false, false),
        ] {
            assert_eq!(
                c.classify(RetryOutcome::Error(e), RetrySafety::Idempotent)
                    .is_retry(),
                idem,
                "{e}"
            );
            assert_eq!(
                c.classify(RetryOutcome::Error(e), RetrySafety::NotIdempotent)
                    .is_retry(),
                not_idem,
                "{e}"
            );
        }
        assert!(c
            .classify(
                RetryOutcome::Status(StatusCode::TOO_MANY_REQUESTS),
                RetrySafety::NotIdempotent
            )
            .is_retry());
        assert!(!c
            .classify(
                RetryOutcome::Status(StatusCode::INTERNAL_SERVER_ERROR),
                RetrySafety::Idempotent
            )
            .is_retry());
        // Error::is_retryable asks the same rules.
        assert!(refused.is_retryable() && transport.is_retryable());
        assert!(!cert.is_retryable() && !auth.is_retryable());
        // A call that ran out of time may pass later (the layer never saw it).
        assert!(total.is_retryable());
    }
}
