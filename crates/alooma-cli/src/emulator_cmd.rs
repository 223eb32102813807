//! `alooma emulator serve`: runs the in-memory Alooma emulator until
//! Ctrl-C or SIGTERM.

use crate::cli::GlobalArgs;
use crate::exit::CliError;
use alooma_emulator::{EmulatorConfig, Seed};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCmd {
    /// Serve the emulator on 127.0.0.1 until Ctrl-C or SIGTERM.
    ///
    /// The account and user name are the global --account and --username
    /// (defaults: acme, demo@example.com); the API key it accepts is --key
    /// (default emulator-api-key), never ALOOMA_API_KEY, so a real key in
    /// the environment is not used. Once ready it prints, on standard
    /// output, the base URL and the `export …` line that points alooma at
    /// it.
    Serve(ServeArgs),
}

/// Arguments of `alooma emulator serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The API key the emulator accepts (its own test credential).
    #[arg(long, value_name = "KEY", default_value = "emulator-api-key")]
    pub key: String,
    /// The emulated user's password (with --username). This is the
    /// emulator's own test credential, not a real account's.
    #[arg(long)]
    pub password: Option<String>,
    /// Start from this seed file (JSON) instead of the demo seed.
    #[arg(long, value_name = "FILE", conflicts_with = "empty")]
    pub seed: Option<PathBuf>,
    /// Start with an empty account instead of the demo seed.
    #[arg(long)]
    pub empty: bool,
    /// Close a connection whose request head has not fully arrived after
    /// this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = alooma_emulator::DEFAULT_HEADER_TIMEOUT.as_secs())]
    pub header_timeout: u64,
    /// Answer 408 when a request body has not fully arrived after this many
    /// seconds.
    #[arg(long, value_name = "SECS", default_value_t = alooma_emulator::DEFAULT_BODY_TIMEOUT.as_secs())]
    pub body_timeout: u64,
    /// Answer 413 to request bodies larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = alooma_emulator::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
}

/// Runs an emulator command.
pub async fn run(cmd: EmulatorCmd, global: &GlobalArgs) -> Result<(), CliError> {
    match cmd {
        EmulatorCmd::Serve(args) => serve(args, global).await,
    }
}

async fn serve(args: ServeArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let mut config = EmulatorConfig::default();
    config.port = args.port;
    config.header_timeout = std::time::Duration::from_secs(args.header_timeout.max(1));
    config.body_timeout = std::time::Duration::from_secs(args.body_timeout.max(1));
    config.max_body_bytes = args.max_body_bytes;
    if let Some(account) = &global.account {
        config.account = account.clone();
    }
    config.api_key = Some(args.key.clone());
    match (&global.username, &args.password) {
        (Some(user), Some(password)) => {
            config.username = Some(user.clone());
            config.password = Some(password.clone());
        }
        (None, None) => {}
        _ => {
            return Err(CliError::usage(
                "give --username and --password together (the emulated login)",
            ))
        }
    }
    config.seed = match (&args.seed, args.empty) {
        (Some(path), _) => Seed::from_file(path)
            .map_err(|e| CliError::usage(format!("cannot use the seed {}: {e}", path.display())))?,
        (None, true) => Seed::empty(),
        (None, false) => Seed::demo(),
    };
    let account = config.account.clone();
    let key = args.key.clone();
    alooma_emulator::serve_with(config, shutdown_signal(), |emu| {
        let _ = crate::output::write_line(emu.base_url());
        let _ = crate::output::write_line(&format!(
            "export ALOOMA_BASE_URL={} ALOOMA_ACCOUNT={} ALOOMA_API_KEY={}",
            shell_word(emu.base_url()),
            shell_word(&account),
            shell_word(&key)
        ));
        eprintln!(
            "alooma emulator: account {account} at {} (REST root {}); Ctrl-C to stop",
            emu.base_url(),
            emu.rest_url()
        );
    })
    .await
    .map_err(|e| {
        CliError::failed(format!(
            "the emulator failed: {e} (is the port free? try --port 0)"
        ))
    })?;
    eprintln!("alooma emulator: stopped");
    Ok(())
}

/// A word as a POSIX shell reads it back: as is when it is plain, in
/// single quotes otherwise.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Resolves on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
