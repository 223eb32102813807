//! What every command gets: the client (built on first use), the output,
//! confirmation of destructive commands, and reading secrets.

use crate::cli::GlobalArgs;
use crate::exit::CliError;
use crate::output::{Format, Output};
use alooma::Client;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// The environment variable holding the login password.
pub const PASSWORD_VAR: &str = "ALOOMA_PASSWORD";

/// What a command runs with.
#[derive(Debug)]
pub struct Ctx {
    /// The global options.
    pub global: GlobalArgs,
    /// Where results go.
    pub out: Output,
}

impl Ctx {
    /// A context for the parsed global options.
    pub fn new(global: GlobalArgs) -> Self {
        let format = global.output.unwrap_or_else(Format::detect);
        let out = Output::new(format).showing_secrets(global.show_secrets);
        Ctx { global, out }
    }

    /// Builds the API client from the connection options. No network I/O.
    pub fn client(&self) -> Result<Client, CliError> {
        let g = &self.global;
        let mut builder = Client::builder();
        if let Some(url) = &g.base_url {
            builder = builder.base_url(url);
        }
        if let Some(account) = &g.account {
            builder = builder.account(account);
        }
        builder = match (&g.api_key, &g.username) {
            (Some(_), Some(_)) => {
                return Err(CliError::usage(
                    "both an API key and a user name are set; use --api-key (ALOOMA_API_KEY) or --username (ALOOMA_USERNAME), not both",
                ))
            }
            (Some(key), None) => builder.api_key(key),
            (None, Some(user)) => builder.login(user, read_password(user)?),
            (None, None) => {
                return Err(CliError::usage(
                    "no credentials: pass --api-key (or set ALOOMA_API_KEY), or --username (or ALOOMA_USERNAME) with the password in ALOOMA_PASSWORD or typed at the prompt",
                ))
            }
        };
        if let Some(secs) = g.timeout {
            if secs == 0 {
                return Err(CliError::usage("--timeout must be at least 1 second"));
            }
            let t = Duration::from_secs(secs);
            builder = builder
                .attempt_timeout(t)
                .total_timeout(t)
                .connect_timeout(t.min(Duration::from_secs(10)));
        }
        builder.build().map_err(CliError::from)
    }

    /// Asks before a destructive action. `--yes` skips the question; with
    /// no terminal to ask on (and no `--yes`), the command is refused with a
    /// usage error.
    pub fn confirm(&self, action: &str) -> Result<(), CliError> {
        if self.global.yes {
            return Ok(());
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(CliError::usage(format!(
                "refusing to {action} without confirmation: there is no terminal to ask on; pass --yes to confirm"
            )));
        }
        let mut err = std::io::stderr().lock();
        write!(err, "This will {action}. Type 'yes' to continue: ")?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim().eq_ignore_ascii_case("yes") {
            Ok(())
        } else {
            Err(CliError::usage(format!(
                "not confirmed: did not {action} (type 'yes', or pass --yes)"
            )))
        }
    }
}

/// The login password: `ALOOMA_PASSWORD`, or typed at a prompt that does
/// not echo.
fn read_password(user: &str) -> Result<String, CliError> {
    if let Ok(password) = std::env::var(PASSWORD_VAR) {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(format!(
            "no password for {user}: set {PASSWORD_VAR}, or run on a terminal to be asked"
        )));
    }
    rpassword::prompt_password(format!("Password for {user}: "))
        .map_err(|e| CliError::failed(format!("could not read the password: {e}")))
}

/// Reads a secret value: from a prompt that does not echo on a terminal,
/// else one line of standard input (without its line ending).
pub fn read_secret(prompt: &str) -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|e| CliError::failed(format!("could not read the value: {e}")));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let value = line.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(CliError::usage(format!(
            "{} no value on standard input",
            prompt.trim_end_matches([':', ' '])
        )));
    }
    Ok(value)
}
