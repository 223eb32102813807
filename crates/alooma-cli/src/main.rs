//! `alooma`: drive Alooma data pipelines from the shell, on the `alooma`
//! facade. Run `alooma --help` for the commands; `alooma demo` walks
//! through a workflow against an in-process emulator.
#![forbid(unsafe_code)]

mod chart;
mod cli;
mod commands;
mod config;
mod context;
mod demo;
mod emulator_cmd;
mod exit;
mod in_place;
mod output;
mod progress;

use clap::FromArgMatches;
use std::process::ExitCode;

/// mimalloc: the data path (`pipeline run`, the emulator's intake) makes
/// and frees a JSON tree per event, which glibc's allocator does slower
/// (the data path benchmark runs with it too).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let matches = cli::command_for(&args).get_matches();
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(parsed) => parsed,
        Err(e) => e.exit(),
    };
    init_tracing(parsed.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alooma: could not start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    let result = match context::Ctx::new(parsed.global) {
        Ok(ctx) => runtime.block_on(commands::run(parsed.command, &ctx, &matches)),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(exit::CliError::Sdk(alooma::Error::DryRun { request, .. })) => {
            // The first write of the command, not sent: what --dry-run asked for.
            let shown = request.trim_end();
            if output::write_line(&format!("{shown}\n\ndry run: this request was not sent; the command stops before its first write")).is_err() {
                return ExitCode::from(exit::FAILURE);
            }
            ExitCode::from(exit::SUCCESS)
        }
        Err(e) => {
            let message = e.message();
            if !message.is_empty() {
                eprintln!("alooma: {message}");
            }
            e.exit_code()
        }
    }
}

/// Logs to standard error: warnings only by default, `-v` info, `-vv`
/// debug, `-vvv` trace. `RUST_LOG` overrides.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "warn,alooma=info,alooma_http=info,alooma_core=info",
        2 => "info,alooma=debug,alooma_http=debug,alooma_core=debug,alooma_emulator=debug",
        _ => "trace",
    };
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_filter(filter);
    // The retry status line, on a terminal, at any log level.
    let status = progress::enabled().then(|| {
        progress::RetryStatus.with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("alooma_http::retry::service", tracing::Level::INFO),
        )
    });
    let _ = tracing_subscriber::registry()
        .with(logs)
        .with(status)
        .try_init();
}
