//! `alooma configure`: writes a profile of the config file, and its API
//! key to the credentials file (mode 0600).

use crate::config::{self, Profile};
use crate::context::Ctx;
use crate::exit::CliError;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use std::io::{BufRead, IsTerminal, Write};

/// `alooma configure`: the profile is `--profile` (default `default`); its
/// settings are the global --base-url, --account, --username, --output
/// given on this command line, and these.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  alooma configure --base-url http://127.0.0.1:8080 --account acme
  alooma --profile prod configure --account acme-prod --username ops@example.com -o table
  printf '%s\\n' \"$KEY\" | alooma --profile ci configure --account acme --api-key-stdin")]
pub struct ConfigureArgs {
    /// A PEM bundle of CA certificates to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: Option<std::path::PathBuf>,
    /// A proxy URL for every request of this profile.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
}

/// A global option's value when it was given on this command line (not
/// from the environment).
fn given(matches: &ArgMatches, id: &str) -> Option<String> {
    (matches.value_source(id) == Some(ValueSource::CommandLine))
        .then(|| {
            matches
                .get_raw(id)
                .and_then(|mut v| v.next())
                .map(|v| v.to_string_lossy().into_owned())
        })
        .flatten()
}

fn ask(question: &str) -> Result<Option<String>, CliError> {
    let mut err = std::io::stderr().lock();
    write!(err, "{question} (empty to keep): ")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim();
    Ok((!line.is_empty()).then(|| line.to_owned()))
}

/// Runs `alooma configure`.
pub fn run(args: &ConfigureArgs, ctx: &Ctx, matches: &ArgMatches) -> Result<(), CliError> {
    let name = ctx
        .global
        .profile
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let mut update = Profile {
        base_url: given(matches, "base_url"),
        account: given(matches, "account"),
        username: given(matches, "username"),
        output: ctx
            .global
            .output
            .filter(|_| matches.value_source("output") == Some(ValueSource::CommandLine)),
        ca_bundle: args.ca_bundle.clone(),
        proxy: args.proxy.clone(),
    };
    let mut api_key = if ctx.global.api_key_stdin {
        Some(crate::context::read_api_key_stdin()?)
    } else {
        None
    };
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if update == Profile::default() && api_key.is_none() {
        if !interactive {
            return Err(CliError::usage(
                "nothing to configure: pass --base-url, --account, --username, --output, --ca-bundle, --proxy or --api-key-stdin",
            ));
        }
        update.base_url = ask("Base URL")?;
        update.account = ask("Account")?;
        update.username = ask("User name (for a login instead of an API key)")?;
        let key = rpassword::prompt_password("API key (not echoed; empty to keep): ")
            .map_err(|e| CliError::failed(format!("could not read the API key: {e}")))?;
        api_key = (!key.trim().is_empty()).then(|| key.trim().to_owned());
    }
    let written = config::save(&name, &update, api_key.as_deref())?;
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    ctx.out.done(&format!(
        "profile {name:?} written to {}",
        files.join(" and ")
    ))
}
