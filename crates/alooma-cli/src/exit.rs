//! Exit codes and the command's error type.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | anything else (a failed offline edit, a file error, a partial bulk failure) |
//! | 2 | usage error (bad arguments, arguments the library refused before sending, missing credentials, refused confirmation); nothing was sent |
//! | 3 | authentication failed (wrong API key, account, user name or password) |
//! | 4 | the API answered with an error (status, undecodable answer, not found, refused arguments) |
//! | 5 | network error (connection refused, timeout, broken connection) |
//!
//! `alooma pipeline plan --detailed-exitcode` follows Terraform instead:
//! 0 no changes, 2 changes, 1 any error.

use std::fmt;
use std::process::ExitCode;

/// Success.
pub const SUCCESS: u8 = 0;
/// Anything not covered by another code.
pub const FAILURE: u8 = 1;
/// Usage errors (clap uses the same code for its own).
pub const USAGE: u8 = 2;
/// Authentication errors.
pub const AUTH: u8 = 3;
/// API errors: status, decode, not found, build.
pub const API: u8 = 4;
/// Network errors: connect, timeout, transport.
pub const NETWORK: u8 = 5;

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// The command line (or the environment) cannot be used as given.
    Usage(String),
    /// A call to the Alooma API failed.
    Sdk(alooma::Error),
    /// Anything else, with what to do about it.
    Failed(String),
    /// An exit code chosen by the command (`--detailed-exitcode`), with a
    /// message (none when empty).
    Code(u8, String),
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// A general failure.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError::Failed(message.into())
    }

    /// The process exit code for this error.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE,
            CliError::Sdk(e) => sdk_code(e),
            CliError::Failed(_) => FAILURE,
            CliError::Code(code, _) => *code,
        }
    }

    /// What to print to standard error: what happened and what to do.
    pub fn message(&self) -> String {
        match self {
            CliError::Usage(m) => format!("{m}\n(run `alooma --help` for usage)"),
            CliError::Sdk(e) if e.phase() == alooma::ErrorPhase::Build => {
                format!(
                    "{e}\nno request was sent; hint: fix the arguments (see the command's --help)"
                )
            }
            CliError::Sdk(e) if e.phase() == alooma::ErrorPhase::Decode => format!(
                "{e}\nhint: the server answered, but its answer could not be read: a key the \
                 SDK cannot work without is missing or holds another type at the path above \
                 (values of other types at any other key are kept as they are). Nothing is \
                 wrong with your arguments. Please report it to the alooma-rs maintainers with \
                 this message and the command you ran; `-v` logs the start of the answer."
            ),
            CliError::Sdk(e) => format!("{e}\n{}", sdk_hint(e)),
            CliError::Failed(m) | CliError::Code(_, m) => m.clone(),
        }
    }

    /// The exit code as a process [`ExitCode`].
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl From<alooma::Error> for CliError {
    fn from(e: alooma::Error) -> Self {
        CliError::Sdk(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Failed(format!("I/O error: {e}"))
    }
}

/// The exit code of an SDK error, by the phase that failed. The match has
/// no wildcard: a new phase does not compile until it has a code.
pub fn sdk_code(e: &alooma::Error) -> u8 {
    use alooma::ErrorPhase as P;
    match e.phase() {
        P::Auth => AUTH,
        P::Build => USAGE,
        P::Api | P::Decode | P::NotFound | P::Limit => API,
        P::Connect | P::Timeout | P::Transport => NETWORK,
        P::Config => USAGE,
        P::DryRun => SUCCESS,
    }
}

/// A line telling the user what to do about an SDK error.
fn sdk_hint(e: &alooma::Error) -> &'static str {
    match sdk_code(e) {
        AUTH => "hint: check the API key (ALOOMA_API_KEY, --api-key-stdin or the profile's credentials) or --username/ALOOMA_PASSWORD, and --account (ALOOMA_ACCOUNT)",
        API => "hint: the server refused or did not understand the request; check the names and ids you passed (run with -v for details)",
        NETWORK => "hint: check --base-url (ALOOMA_BASE_URL), your network, and --timeout; then retry",
        USAGE => "hint: fix the connection options (--base-url, --account, --profile, the API key or --username)",
        _ => "hint: run with -vv for details",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_phase() {
        assert_eq!(CliError::usage("x").code(), USAGE);
        assert_eq!(CliError::failed("x").code(), FAILURE);
        assert_eq!(sdk_code(&alooma::Error::build("op", "bad")), USAGE);
        let auth = alooma::Error::Auth {
            operation: "op",
            status: None,
            user: None,
            reason: "r".into(),
        };
        assert_eq!(sdk_code(&auth), AUTH);
        let wrapped = alooma::Error::RetryBudgetExhausted {
            operation: "op",
            attempts: 2,
            last: Box::new(auth),
        };
        assert_eq!(sdk_code(&wrapped), AUTH);
        let config = alooma::Error::Config { reason: "r".into() };
        assert_eq!(sdk_code(&config), USAGE);
        // A call its deadline stopped exits with the timeout's code, even
        // when its last attempt was answered (a 503 whose Retry-After did
        // not fit).
        let abandoned = alooma::Error::RetryAbandoned {
            operation: "op",
            attempts: 1,
            reason: "r".into(),
            last: Box::new(alooma::Error::Api {
                operation: "op",
                status: http::StatusCode::SERVICE_UNAVAILABLE,
                snippet: String::new(),
            }),
        };
        assert!(abandoned.is_timeout());
        assert_eq!(sdk_code(&abandoned), NETWORK);
    }
}
