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

    /// Offline work failed before anything was sent: a mapping edit, a
    /// mapping file that does not decode (any [`alooma_types::OfflineError`],
    /// converted with `?`).
    #[error("{source}")]
    Offline {
        /// The offline failure.
        source: BoxError,
    },

    /// The client configuration is unusable (both an API key and a password,
    /// a malformed base URL, plain HTTP to a remote host …).
    #[error("invalid client configuration: {reason}")]
    Config {
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// No connection could carry the request; nothing was sent. The source
    /// is a [`ConnectCause`] when the transport knows why (refused, no such
    /// host, a certificate …); `Display` shows that root cause in one line.
    #[error("{operation}: could not connect to the Alooma server: {source}")]
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

    /// The connection broke after the request was written, before the whole
    /// answer came back: the server may or may not have processed the
    /// request ([`Error::is_maybe_sent`]). `Display` shows the root cause.
    #[error("{operation}: the connection broke after the request was sent, so the server may or may not have processed it: {source}")]
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

    /// A retryable failure was not retried because the wait before the next
    /// attempt (a `Retry-After`, or the backoff) does not fit in what is
    /// left of the call's deadline. The deadline stopped the call, so this
    /// is a timeout ([`is_timeout`](Error::is_timeout), the
    /// [`ErrorPhase::Timeout`] phase), with the last attempt's failure as
    /// its source.
    #[error("{operation}: the call's deadline left no room for another attempt after {attempts} attempt(s): {reason}: {last}")]
    RetryAbandoned {
        /// The operation.
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// Why the next attempt was not made.
        reason: String,
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

    /// A dry run stopped a write before it was sent: `request` is the
    /// request as [`render_redacted`](crate::render_redacted) shows it.
    #[error("{operation}: dry run: not sent")]
    DryRun {
        /// The operation.
        operation: &'static str,
        /// The request that was not sent, secrets redacted.
        request: String,
    },

    /// A replayed call found no answer in its cassette: `request` is the
    /// call (as a cassette records it), `closest` the recorded request most
    /// like it, and `differences` what sets them apart.
    #[error("{operation}: not in the cassette: {request}{}", closest_suffix(closest.as_deref(), differences))]
    NotRecorded {
        /// The operation.
        operation: &'static str,
        /// The request, as a cassette line names it.
        request: String,
        /// The closest recorded request not yet used, if any.
        closest: Option<String>,
        /// How the request differs from the closest one.
        differences: Vec<String>,
    },
}

fn closest_suffix(closest: Option<&str>, differences: &[String]) -> String {
    match closest {
        None => "; the cassette has no answer left".to_owned(),
        Some(c) if differences.is_empty() => format!("; closest recorded: {c}"),
        Some(c) => format!("; closest recorded: {c} ({})", differences.join("; ")),
    }
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
            Error::Config { .. } | Error::Offline { .. } => None,
            Error::Build { operation, .. }
            | Error::Connect { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::RetryBudgetExhausted { operation, .. }
            | Error::RetryAbandoned { operation, .. }
            | Error::Auth { operation, .. }
            | Error::ServerTimeout { operation, .. }
            | Error::Api { operation, .. }
            | Error::Decode { operation, .. }
            | Error::NotFound { operation, .. }
            | Error::DryRun { operation, .. }
            | Error::NotRecorded { operation, .. } => Some(operation),
        }
    }

    /// The HTTP status the server answered with, if the error came from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            Error::ServerTimeout { .. } => Some(StatusCode::GATEWAY_TIMEOUT),
            Error::RetryBudgetExhausted { last, .. } | Error::RetryAbandoned { last, .. } => {
                last.status()
            }
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed (a refused or
    /// reset connection, a timeout, 429, 502, 503, 504), as the retry
    /// layer decides it ([`crate::retry::DefaultClassifier`], the one place
    /// these rules live) for an idempotent call. Build, auth, decode, other
    /// API errors, certificate and TLS failures, an unknown host and
    /// configuration errors are not.
    pub fn is_retryable(&self) -> bool {
        use crate::retry::{RetryClassifier, RetryOutcome};
        match self {
            // A retry was already refused for its budget or deadline: the
            // failure itself may pass later.
            Error::RetryBudgetExhausted { last, .. } | Error::RetryAbandoned { last, .. } => {
                last.is_retryable()
            }
            // The whole call ran out of time: a later call may not.
            Error::Timeout {
                kind: TimeoutKind::Total,
                ..
            } => true,
            _ => crate::retry::DefaultClassifier
                .classify(RetryOutcome::Error(self), crate::RetrySafety::Idempotent)
                .is_retry(),
        }
    }

    /// Whether the request may have reached the server and been processed
    /// although the call failed (the connection broke after it was written,
    /// or an attempt timed out waiting for the answer). Check the server's
    /// state before sending a non-idempotent request again by hand.
    ///
    /// ```
    /// use alooma_core::Error;
    /// let e = Error::Transport { operation: "run_query", source: "reset".into() };
    /// assert!(e.is_maybe_sent());
    /// assert!(!Error::Connect { operation: "run_query", source: "refused".into() }.is_maybe_sent());
    /// ```
    pub fn is_maybe_sent(&self) -> bool {
        match self {
            Error::Transport { .. }
            | Error::Timeout {
                kind: TimeoutKind::Attempt | TimeoutKind::Total,
                ..
            } => true,
            Error::RetryBudgetExhausted { last, .. } | Error::RetryAbandoned { last, .. } => {
                last.is_maybe_sent()
            }
            _ => false,
        }
    }

    /// The phase that failed, for code that must decide something for each
    /// of them (an exit code, a metric label): see [`ErrorPhase`].
    pub fn phase(&self) -> ErrorPhase {
        match self {
            Error::Build { .. } | Error::Offline { .. } => ErrorPhase::Build,
            Error::Config { .. } => ErrorPhase::Config,
            Error::Connect { .. } => ErrorPhase::Connect,
            // A call its deadline stopped is a timeout, whatever the last
            // attempt's failure was.
            Error::Timeout { .. } | Error::ServerTimeout { .. } | Error::RetryAbandoned { .. } => {
                ErrorPhase::Timeout
            }
            Error::Transport { .. } => ErrorPhase::Transport,
            Error::BodyTooLarge { .. } => ErrorPhase::Limit,
            Error::RetryBudgetExhausted { last, .. } => last.phase(),
            Error::Auth { .. } => ErrorPhase::Auth,
            Error::Api { .. } => ErrorPhase::Api,
            Error::Decode { .. } => ErrorPhase::Decode,
            Error::NotFound { .. } | Error::NotRecorded { .. } => ErrorPhase::NotFound,
            Error::DryRun { .. } => ErrorPhase::DryRun,
        }
    }

    /// Whether a dry run kept this request from being sent (nothing was
    /// sent; the error holds the request).
    ///
    /// ```
    /// let e = alooma_core::Error::DryRun { operation: "remove_input", request: "POST /plumbing/nodes/remove/i1\n".into() };
    /// assert!(e.is_dry_run() && !e.is_maybe_sent());
    /// ```
    pub fn is_dry_run(&self) -> bool {
        matches!(self, Error::DryRun { .. })
    }

    /// Whether a replayed call found no answer in its cassette.
    ///
    /// ```
    /// let e = alooma_core::Error::NotRecorded { operation: "get_inputs", request: "get_inputs GET /inputs".into(), closest: None, differences: vec![] };
    /// assert!(e.is_not_recorded() && e.to_string().contains("not in the cassette"));
    /// ```
    pub fn is_not_recorded(&self) -> bool {
        matches!(self, Error::NotRecorded { .. })
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
    /// this side (a call its deadline left no room to retry included), or
    /// the server's own (504).
    pub fn is_timeout(&self) -> bool {
        match self {
            // The deadline left no room for another attempt.
            Error::Timeout { .. } | Error::ServerTimeout { .. } | Error::RetryAbandoned { .. } => {
                true
            }
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

    /// Why no connection could carry the request, when the transport
    /// knows ([`ConnectCause`] under an [`Error::Connect`], or under the
    /// last error of a call that ran out of its retry budget).
    ///
    /// ```
    /// use alooma_core::{ConnectCause, ConnectFailure, Error};
    /// let cause = ConnectCause::new(ConnectFailure::NotSent, "closed before the request was written");
    /// let e = Error::Connect { operation: "get_inputs", source: Box::new(cause) };
    /// assert_eq!(e.connect_failure(), Some(ConnectFailure::NotSent));
    /// assert_eq!(Error::build("get_inputs", "bad").connect_failure(), None);
    /// ```
    pub fn connect_failure(&self) -> Option<ConnectFailure> {
        match self {
            Error::Connect { source, .. } => source
                .downcast_ref::<ConnectCause>()
                .map(ConnectCause::failure),
            Error::RetryBudgetExhausted { last, .. } => last.connect_failure(),
            _ => None,
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

/// Any offline failure converts into [`Error::Offline`] with `?`.
///
/// ```
/// #[derive(Debug)]
/// struct BadPath;
/// impl std::fmt::Display for BadPath {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("bad path") }
/// }
/// impl std::error::Error for BadPath {}
/// impl alooma_types::OfflineError for BadPath {}
/// fn edit() -> Result<(), alooma_core::Error> {
///     Err(BadPath)?
/// }
/// assert_eq!(edit().unwrap_err().to_string(), "bad path");
/// ```
impl<E: alooma_types::OfflineError> From<E> for Error {
    fn from(e: E) -> Self {
        Error::Offline {
            source: Box::new(e),
        }
    }
}

/// The phase of a call that an [`Error`] comes from.
///
/// Deliberately *not* `#[non_exhaustive]`: code that must choose something
/// for every phase (the CLI's exit codes, say) matches it without a
/// wildcard, so a phase added later does not compile until a choice is
/// made. [`Error`] itself grows; [`Error::phase`] maps every variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorPhase {
    /// The arguments were refused before any request existed.
    Build,
    /// The client's configuration is unusable.
    Config,
    /// No connection could carry the request; nothing was sent.
    Connect,
    /// A time limit ran out (this side's, or the server's 504).
    Timeout,
    /// The connection broke after the request was sent.
    Transport,
    /// A configured limit (the body size) was exceeded.
    Limit,
    /// The credentials were refused.
    Auth,
    /// The server answered with an error status.
    Api,
    /// The answer could not be decoded.
    Decode,
    /// What was asked for does not exist.
    NotFound,
    /// A dry run kept a write from being sent.
    DryRun,
}

/// Why no connection could carry a request ([`Error::Connect`]'s source),
/// in one line, with the lower layer's error as its own source.
///
/// ```
/// use alooma_core::{ConnectCause, ConnectFailure};
/// let c = ConnectCause::new(ConnectFailure::Refused, "connection refused by 127.0.0.1:9");
/// assert_eq!(c.to_string(), "connection refused by 127.0.0.1:9");
/// assert!(!c.failure().is_permanent());
/// assert!(ConnectFailure::Certificate.is_permanent());
/// ```
#[derive(Debug)]
pub struct ConnectCause {
    failure: ConnectFailure,
    detail: String,
    source: Option<BoxError>,
}

/// What kind of failure kept a request from being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectFailure {
    /// The server refused the connection (nothing listens there yet).
    Refused,
    /// The host name does not resolve.
    NoSuchHost,
    /// The server's certificate was not accepted.
    Certificate,
    /// The TLS handshake failed for another reason.
    Tls,
    /// The server closed every usable connection before the request could
    /// be written.
    NotSent,
    /// Another I/O failure while connecting.
    Other,
}

impl ConnectFailure {
    /// Whether trying again cannot help without a change on one side (a
    /// certificate, a TLS setting, a host name): such failures are never
    /// retried.
    pub fn is_permanent(self) -> bool {
        matches!(
            self,
            ConnectFailure::NoSuchHost | ConnectFailure::Certificate | ConnectFailure::Tls
        )
    }
}

impl ConnectCause {
    /// A cause of kind `failure`, described by `detail` (one line).
    pub fn new(failure: ConnectFailure, detail: impl Into<String>) -> Self {
        ConnectCause {
            failure,
            detail: detail.into(),
            source: None,
        }
    }

    /// The same, keeping the lower layer's error as its source.
    pub fn with_source(mut self, source: BoxError) -> Self {
        self.source = Some(source);
        self
    }

    /// What kind of failure it was.
    pub fn failure(&self) -> ConnectFailure {
        self.failure
    }
}

impl fmt::Display for ConnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for ConnectCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Whether an answer with `status` is worth retrying for an idempotent
/// operation, by the [`DefaultClassifier`](crate::retry::DefaultClassifier)
/// (the one place the rules are written): 429, 502, 503, 504.
///
/// ```
/// use http::StatusCode;
/// assert!(alooma_core::is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
/// assert!(!alooma_core::is_retryable_status(StatusCode::INTERNAL_SERVER_ERROR));
/// ```
pub fn is_retryable_status(status: StatusCode) -> bool {
    use crate::retry::{DefaultClassifier, RetryClassifier, RetryDecision, RetryOutcome};
    matches!(
        DefaultClassifier.classify(RetryOutcome::Status(status), crate::RetrySafety::Idempotent),
        RetryDecision::Retry { .. }
    )
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
