//! What every command gets: the client (built on first use), the output,
//! confirmation of destructive commands, and reading secrets.

use crate::cli::GlobalArgs;
use crate::config::Profile;
use crate::exit::CliError;
use crate::output::{Format, Output};
use alooma::Client;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// The environment variable holding the login password.
pub const PASSWORD_VAR: &str = "ALOOMA_PASSWORD";

/// The environment variable holding the API key.
pub const API_KEY_VAR: &str = "ALOOMA_API_KEY";

/// What a command runs with.
#[derive(Debug)]
pub struct Ctx {
    /// The global options.
    pub global: GlobalArgs,
    /// Where results go.
    pub out: Output,
    /// The profile (`--profile`, `ALOOMA_PROFILE`, or `default` when the
    /// config file has one), or why it could not be read (an error only
    /// for the commands that connect).
    profile: Result<Option<(String, Profile)>, String>,
}

/// Reads the API key from the first line of standard input.
pub fn read_api_key_stdin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CliError::usage(format!(
            "could not read the API key from standard input: {e}"
        ))
    })?;
    let key = line.trim();
    if key.is_empty() {
        return Err(CliError::usage(
            "--api-key-stdin: standard input has no API key on its first line",
        ));
    }
    Ok(key.to_owned())
}

impl Ctx {
    /// A context for the parsed global options. Refuses, before anything
    /// is sent, an API key on the command line and a --query that does not
    /// parse.
    pub fn new(global: GlobalArgs) -> Result<Self, CliError> {
        if global.api_key.is_some() {
            return Err(CliError::usage(format!(
                "--api-key is not accepted on the command line (it would show in `ps` and the shell's history): set {API_KEY_VAR}, pass --api-key-stdin, or store it with `alooma configure --api-key-stdin`; no request was sent"
            )));
        }
        let profile = crate::config::profile(global.profile.as_deref()).map_err(|e| e.message());
        let profile_format = profile
            .as_ref()
            .ok()
            .and_then(|p| p.as_ref())
            .and_then(|(_, p)| p.output);
        let format = global
            .output
            .or(profile_format)
            .unwrap_or_else(Format::detect);
        let out = Output::new(format)
            .showing_secrets(global.show_secrets)
            .wide(global.wide)
            .with_query(global.query.clone())?;
        Ok(Ctx {
            global,
            out,
            profile,
        })
    }

    /// The profile in use, if any.
    pub fn profile(&self) -> Result<Option<&(String, Profile)>, CliError> {
        match &self.profile {
            Ok(p) => Ok(p.as_ref()),
            Err(message) => Err(CliError::usage(message.clone())),
        }
    }

    /// Builds the API client: flags, then the environment, then the
    /// profile. No network I/O.
    pub fn client(&self) -> Result<Client, CliError> {
        let g = &self.global;
        let profile = self.profile()?;
        let settings = profile.map(|(_, p)| p.clone()).unwrap_or_default();
        let mut builder = Client::builder().dry_run(g.dry_run);
        if let Some(path) = &g.record {
            builder = builder.record_to(path);
        }
        if let Some(url) = g.base_url.as_ref().or(settings.base_url.as_ref()) {
            builder = builder.base_url(url);
        }
        if let Some(account) = g.account.as_ref().or(settings.account.as_ref()) {
            builder = builder.account(account);
        }
        if let Some(bundle) = std::env::var_os("ALOOMA_CA_BUNDLE")
            .map(std::path::PathBuf::from)
            .or(settings.ca_bundle.clone())
        {
            builder = builder.ca_bundle(bundle);
        }
        if let Some(proxy) = &settings.proxy {
            builder = builder.proxy(proxy);
        }
        let key = if g.api_key_stdin {
            Some(read_api_key_stdin()?)
        } else if let Some(key) = std::env::var(API_KEY_VAR).ok().filter(|k| !k.is_empty()) {
            Some(key)
        } else if let Some((name, _)) = profile {
            crate::config::api_key(name)?
        } else {
            None
        };
        let username = g.username.as_ref().or(settings.username.as_ref());
        builder = match (key, username) {
            (Some(_), Some(_)) => {
                return Err(CliError::usage(format!(
                    "both an API key and a user name are set; use the API key ({API_KEY_VAR}, --api-key-stdin or the profile's credentials) or --username (ALOOMA_USERNAME or the profile's), not both"
                )))
            }
            (Some(key), None) => builder.api_key(key),
            (None, Some(user)) => builder.login(user, read_password(user)?),
            (None, None) => {
                return Err(CliError::usage(format!(
                    "no credentials: set {API_KEY_VAR}, pass --api-key-stdin, store a key with `alooma configure --api-key-stdin`, or pass --username (ALOOMA_USERNAME) with the password in ALOOMA_PASSWORD or typed at the prompt"
                )))
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
        // A dry run sends no write: nothing to confirm.
        if self.global.yes || self.global.dry_run {
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
