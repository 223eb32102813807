//! The commands, one module per API area; `call` reaches every operation
//! of the registry by name.

pub mod call;
pub mod code;
pub mod code_engine;
pub mod completions;
pub mod configure;
pub mod credits;
pub mod event_types;
pub mod inputs;
pub mod man;
pub mod mapping;
pub mod metrics;
pub mod notifications;
pub mod outputs;
pub mod pipeline;
pub mod queries;
pub mod restream;
pub mod samples;
pub mod secrets;
pub mod settings;
pub mod structure;
pub mod system;
pub mod tables;

use crate::cli::Command;
use crate::context::Ctx;
use crate::exit::CliError;
use alooma::BulkReport;
use clap::ArgMatches;
use serde_json::{json, Value};
use std::path::Path;

/// Runs a parsed command.
pub async fn run(command: Command, ctx: &Ctx, matches: &ArgMatches) -> Result<(), CliError> {
    command.run(ctx, matches).await
}

/// Reads a file (`-` for standard input) as text.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        return std::io::read_to_string(std::io::stdin()).map_err(CliError::from);
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError::failed(format!("could not read {}: {e}", path.display())))
}

/// Reads a JSON file (`-` for standard input).
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::failed(format!(
            "{} is not the JSON expected here: {e}",
            path.display()
        ))
    })
}

/// Puts back the service's current value of every secret that `doc` holds
/// as the redaction placeholder (the redaction contract: output redacts
/// secrets, and a document made from that output must not send the
/// placeholder back). `current` fetches the resource as the service holds
/// it now; it runs only when there is a placeholder. A placeholder without
/// a current value is refused, naming the key.
pub async fn restore_secrets<F, Fut>(
    doc: &mut Value,
    source: &Path,
    current: F,
) -> Result<(), CliError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Value, CliError>>,
{
    if alooma::types::redacted_paths(doc).is_empty() {
        return Ok(());
    }
    let current = current().await?;
    alooma::types::restore_redacted(doc, &current)
        .map_err(|e| CliError::usage(format!("{}: {e}; nothing was sent", source.display())))
}

/// A bulk report as JSON: `{"succeeded": [...], "failed": [{"item", "error"}]}`.
pub fn bulk_json(report: &BulkReport) -> Value {
    json!({
        "succeeded": report.succeeded,
        "failed": report
            .failed
            .iter()
            .map(|(item, error)| json!({"item": item, "error": error.to_string()}))
            .collect::<Vec<_>>(),
    })
}

/// Prints a bulk report; a report with failures is an error (exit code 1
/// unless every failure has the same class, then that class's code).
pub fn finish_bulk(ctx: &Ctx, what: &str, report: BulkReport) -> Result<(), CliError> {
    match ctx.out.format() {
        crate::output::Format::Json | crate::output::Format::Yaml => {
            ctx.out.value(&bulk_json(&report))?
        }
        crate::output::Format::Table | crate::output::Format::Tsv => {
            let rows: Vec<Value> = report
                .succeeded
                .iter()
                .map(|item| json!({"item": item, "result": "deleted"}))
                .chain(
                    report
                        .failed
                        .iter()
                        .map(|(item, e)| match e {
                            alooma::Error::DryRun { request, .. } => json!({"item": item, "result": format!("not sent (dry run): {}", request.lines().next().unwrap_or_default())}),
                            e => json!({"item": item, "result": format!("FAILED: {e}")}),
                        }),
                )
                .collect();
            ctx.out.columns(&rows, &["item", "result"])?;
        }
    }
    if report.is_success() {
        return Ok(());
    }
    if report.failed.iter().all(|(_, e)| e.is_dry_run()) {
        return crate::output::write_line(&format!(
            "dry run: {} write(s) not sent",
            report.failed.len()
        ));
    }
    let mut failed = report.failed;
    let count = failed.len();
    if count == 1 {
        if let Some((_, e)) = failed.pop() {
            return Err(CliError::Sdk(e));
        }
    }
    Err(CliError::failed(format!(
        "{count} of the {what} could not be deleted (listed above); fix the cause and run the command again"
    )))
}
