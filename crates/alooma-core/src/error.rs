//! [`Error`]: one error type for every phase of a call, from building the
//! request to decoding the answer.
//!
//! `alooma-core` produces the build, status, auth and decode variants;
//! the transport (`alooma-http`) produces connect, timeout, transport and
//! limit variants. The facade re-exports this type as `alooma::Error`.

use http::StatusCode;
use std::fmt;
use std::time::Duration;

/// A boxed error source from a lower layer (hyper, rustls, io …).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How many bytes of a response body an error keeps as its snippet.
pub const SNIPPET_LEN: usize = 1024;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the TCP/TLS connection took too long.
    Connect,
    /// One attempt (headers and the whole body) took too long.
    Attempt,
    /// The call as a whole, retries included, ran past its deadline.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect",
            TimeoutKind::Attempt => "per-attempt",
            TimeoutKind::Total => "total",
        })
    }
}

/// Everything that can go wrong in a call, split by phase.
///
/// Every variant names the operation (the reference client's method name)
/// and, where there is one, keeps the underlying error as its `source`.
/// `Display` says what happened and what to do; no variant ever contains a
/// password, an API key or a session cookie.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Client-side validation refused the arguments before any request existed.
    #[error("{operation}: invalid arguments: {reason}")]
    Build {
        /// The operation.
        operation: &'static str,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The client configuration is unusable (both an API key and a password,
    /// a malformed base URL, plain HTTP to a remote host …).
    #[error("invalid client configuration: {reason}")]
    Config {
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The connection could not be established; nothing was sent.
    #[error("{operation}: could not connect to the Alooma server: {source} (check the base URL and your network)")]
    Connect {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// A client-side timeout fired.
    #[error("{operation}: the {kind} timeout of {after:?} expired (raise it with the client's timeout settings if the server is just slow)")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// Which timeout.
        kind: TimeoutKind,
        /// The configured duration that ran out.
        after: Duration,
    },

    /// The connection broke while sending the request or reading the answer.
    #[error("{operation}: the connection failed mid-call: {source}")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// The answer's body is larger than the configured limit.
    #[error("{operation}: the response body is larger than the {limit}-byte limit (raise the client's max body size if this answer is expected)")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// The retry budget (a token bucket shared by the client) is exhausted,
    /// so a retryable failure was not retried.
    #[error(
        "{operation}: gave up after {attempts} attempt(s), the retry budget is exhausted: {last}"
    )]
    RetryBudgetExhausted {
        /// The operation.
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        #[source]
        last: Box<Error>,
    },

    /// Authentication failed: a wrong API key, a wrong account name, or a
    /// login that the server refused.
    #[error("{operation}: authentication failed{}{}: {reason}", user.as_deref().map(|u| format!(" for user {u}")).unwrap_or_default(), status.map(|s| format!(" (HTTP {})", s.as_u16())).unwrap_or_default())]
    Auth {
        /// The operation.
        operation: &'static str,
        /// The HTTP status, when the server answered.
        status: Option<StatusCode>,
        /// The user name, for a login session (never the password).
        user: Option<String>,
        /// What to check.
        reason: String,
    },

    /// The server answered 504: it timed the call out on its side.
    #[error(
        "{operation}: the Alooma server timed the call out (HTTP 504); try again later{}",
        snippet_suffix(snippet)
    )]
    ServerTimeout {
        /// The operation.
        operation: &'static str,
        /// The first KiB of the body.
        snippet: String,
    },

    /// The server answered with a non-success status.
    #[error("{operation}: the server answered HTTP {}{}", status.as_u16(), snippet_suffix(snippet))]
    Api {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The first KiB of the body.
        snippet: String,
    },

    /// The answer was not the JSON the operation expects.
    #[error(
        "{operation}: could not decode the answer at `{path}`: {source}{}",
        snippet_suffix(snippet)
    )]
    Decode {
        /// The operation.
        operation: &'static str,
        /// The JSON path that failed (`.` for the root, `[3].fields[0].mapping`).
        path: String,
        /// The first KiB of the body.
        snippet: String,
        /// The underlying serde error.
        #[source]
        source: serde_json::Error,
    },

    /// The answer was well-formed but lacks what the operation looks for
    /// (no transformer node, no input of that name, no RESTREAM node …).
    #[error("{operation}: {what}")]
    NotFound {
        /// The operation.
        operation: &'static str,
        /// What was missing.
        what: String,
    },
}

fn snippet_suffix(snippet: &str) -> String {
    if snippet.is_empty() {
        String::new()
    } else {
        format!("; body: {snippet}")
    }
}

/// The first [`SNIPPET_LEN`] bytes of a body as text (lossy, cut on a char
/// boundary), for error messages.
pub fn snippet(body: &[u8]) -> String {
    let cut = body.len().min(SNIPPET_LEN);
    let mut s = String::from_utf8_lossy(&body[..cut]).into_owned();
    if body.len() > SNIPPET_LEN {
        s.push('…');
    }
    s
}

impl Error {
    /// The operation the error belongs to (`None` for configuration errors).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Config { .. } => None,
            Error::Build { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::RetryBudgetExhausted { operation, .. }
            | Error::Auth { operation, .. }
            | Error::ServerTimeout { operation, .. }
            | Error::Api { operation, .. }
            | Error::Decode { operation, .. }
            | Error::NotFound { operation, .. } => Some(operation),
        }
    }

    /// The HTTP status the server answered with, if the error came from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            Error::ServerTimeout { .. } => Some(StatusCode::GATEWAY_TIMEOUT),
            Error::RetryBudgetExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed (a connection
    /// failure, a timeout, 429, 502, 503, 504). Build, auth, decode and
    /// other API errors are not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Connect { .. }
            | Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::ServerTimeout { .. }
            | Error::RetryBudgetExhausted { .. } => true,
            Error::Api { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }

    /// Whether this is an authentication failure.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth { .. })
    }

    /// Whether what was asked for does not exist: an HTTP 404, or an answer
    /// that lacks it ([`Error::NotFound`]: no input of that name, no
    /// RESTREAM node …). Both shapes answer the same question.
    ///
    /// ```
    /// use alooma_core::Error;
    /// let e = Error::Api { operation: "get_event_type", status: http::StatusCode::NOT_FOUND, snippet: String::new() };
    /// assert!(e.is_not_found());
    /// assert!(Error::NotFound { operation: "get_input_by_name", what: "no input".into() }.is_not_found());
    /// ```
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::NotFound { .. } => true,
            Error::Api { status, .. } => *status == StatusCode::NOT_FOUND,
            _ => false,
        }
    }

    /// Whether the server answered with an error status (other than an
    /// authentication refusal or its own timeout).
    pub fn is_api(&self) -> bool {
        matches!(self, Error::Api { .. })
    }

    /// Whether the answer could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// Whether a time limit ran out: connect, attempt or total deadline on
    /// this side, or the server's own (504).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::ServerTimeout { .. } => true,
            Error::RetryBudgetExhausted { last, .. } => last.is_timeout(),
            _ => false,
        }
    }

    /// Whether no connection to the server could be made.
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Connect { .. } => true,
            Error::RetryBudgetExhausted { last, .. } => last.is_connect(),
            _ => false,
        }
    }

    /// Whether the request was refused on this side before anything was
    /// sent (a bad argument).
    pub fn is_build(&self) -> bool {
        matches!(self, Error::Build { .. })
    }

    /// A client-side validation error for `operation`.
    pub fn build(operation: &'static str, reason: impl Into<String>) -> Self {
        Error::Build {
            operation,
            reason: reason.into(),
        }
    }
}

/// The statuses worth retrying: 429, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_operation_and_the_status() {
        let e = Error::Api {
            operation: "get_inputs",
            status: StatusCode::NOT_FOUND,
            snippet: "{\"error\":\"nope\"}".into(),
        };
        let s = e.to_string();
        assert!(
            s.starts_with("get_inputs: the server answered HTTP 404"),
            "{s}"
        );
        assert!(s.contains("nope"));
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert!(!e.is_retryable());
    }

    #[test]
    fn auth_display_names_the_user_and_status() {
        let e = Error::Auth {
            operation: "login",
            status: Some(StatusCode::UNAUTHORIZED),
            user: Some("ops@example.com".into()),
            reason: "the server refused the login".into(),
        };
        assert_eq!(
            e.to_string(),
            "login: authentication failed for user ops@example.com (HTTP 401): the server refused the login"
        );
    }

    #[test]
    fn snippet_is_bounded_and_lossy() {
        let body = vec![b'x'; 5000];
        assert_eq!(snippet(&body).chars().count(), SNIPPET_LEN + 1);
        assert_eq!(snippet(b"\xff ok"), "\u{fffd} ok");
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [400, 401, 404, 500] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }
}
