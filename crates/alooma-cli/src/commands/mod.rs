//! The commands, one module per API area, and the table tying every facade
//! operation to the command that reaches it.

pub mod code_engine;
pub mod completions;
pub mod event_types;
pub mod mapping;
pub mod samples;

use crate::cli::Command;
use crate::context::Ctx;
use crate::exit::CliError;
use alooma::BulkReport;
use clap::ArgMatches;
use serde_json::{json, Value};
use std::path::Path;

/// Every facade operation (every `pub async fn` on `alooma::Client`) and a
/// command line that reaches it. A test checks this list against the
/// facade's source, so an operation without a command fails the build's
/// tests; another parses every command line.
pub const FACADE_OPERATIONS: &[(&str, &str)] = &[
    // client
    ("get_account_name", "account"),
    // event types
    ("get_event_types", "event-types list"),
    ("get_event_type", "event-types get clicks"),
    ("get_mapping", "mapping get clicks"),
    ("set_mapping", "mapping set clicks mapping.json"),
    ("discard_event_type", "event-types discard clicks"),
    ("delete_event_type", "event-types delete clicks"),
    ("delete_all_event_types", "event-types delete-all"),
    ("get_mapping_mode", "mapping mode"),
    ("set_mapping_mode", "mapping mode STRICT"),
    // code engine
    ("get_code_engine_code", "code-engine get"),
    ("get_code_engine_modules", "code-engine list"),
    ("get_all_transforms", "code-engine get --all-transforms"),
    ("get_code_engine_module", "code-engine get main"),
    ("set_code_engine_code", "code-engine set main main.py"),
    ("delete_code_engine_module", "code-engine delete helpers"),
    ("set_transform_to_default", "code-engine reset"),
    ("get_code_engine_requirements", "code-engine requirements"),
    (
        "get_code_engine_requirements_text",
        "code-engine requirements --text",
    ),
    (
        "test_transform",
        "code-engine test sample.json --transform-only",
    ),
    ("test_code_engine_code", "code-engine test sample.json"),
    (
        "test_transform_all_samples",
        "code-engine test-all --transform-only",
    ),
    ("test_code_engine_all_samples", "code-engine test-all"),
    // samples
    ("get_samples", "samples list"),
    ("get_samples_stats", "samples stats"),
    ("get_samples_status_codes", "samples status-codes"),
];

/// Runs a parsed command.
pub async fn run(command: Command, ctx: &Ctx, matches: &ArgMatches) -> Result<(), CliError> {
    match command {
        Command::EventTypes(cmd) => event_types::run(cmd, ctx).await,
        Command::Mapping(cmd) => {
            let edit = matches
                .subcommand_matches("mapping")
                .and_then(|m| m.subcommand_matches("edit"));
            mapping::run(cmd, ctx, edit).await
        }
        Command::CodeEngine(cmd) => code_engine::run(cmd, ctx).await,
        Command::Samples(cmd) => samples::run(cmd, ctx).await,
        Command::Account => {
            let name = ctx.client()?.get_account_name().await?;
            ctx.out.value(&json!({ "account": name }))
        }
        Command::Operations => {
            let rows: Vec<Value> = FACADE_OPERATIONS
                .iter()
                .map(|(op, line)| json!({"operation": op, "command": format!("alooma {line}")}))
                .collect();
            ctx.out.columns(&rows, &["operation", "command"])
        }
        Command::Completions(args) => completions::run(&args),
        Command::Emulator(cmd) => crate::emulator_cmd::run(cmd, &ctx.global).await,
    }
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
    ctx.out.value(&bulk_json(&report))?;
    if report.is_success() {
        return Ok(());
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

#[cfg(test)]
mod tests {
    use super::FACADE_OPERATIONS;
    use crate::cli::Cli;
    use clap::Parser;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    /// Every `pub async fn` in the facade's `impl Client` blocks.
    fn facade_operations() -> BTreeSet<String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../alooma/src");
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("api"))
            .expect("the facade's api directory")
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.push(root.join("client.rs"));
        let mut names = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a facade source file");
            for (i, _) in text.match_indices("pub async fn ") {
                let rest = &text[i + "pub async fn ".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name != "send" {
                    names.insert(name);
                }
            }
        }
        names
    }

    #[test]
    fn every_facade_operation_has_a_command() {
        let listed: BTreeSet<String> = FACADE_OPERATIONS
            .iter()
            .map(|(m, _)| (*m).to_owned())
            .collect();
        let facade = facade_operations();
        assert!(
            facade.len() > 10,
            "the facade scan found too little: {facade:?}"
        );
        let missing: Vec<_> = facade.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "facade operations without a CLI command: {missing:?}"
        );
        let stale: Vec<_> = listed.difference(&facade).collect();
        assert!(
            stale.is_empty(),
            "listed operations the facade does not have: {stale:?}"
        );
        assert_eq!(
            listed.len(),
            FACADE_OPERATIONS.len(),
            "an operation is listed twice"
        );
    }

    #[test]
    fn every_listed_command_parses() {
        for (method, line) in FACADE_OPERATIONS {
            let argv = std::iter::once("alooma").chain(line.split_whitespace());
            if let Err(e) = Cli::try_parse_from(argv) {
                panic!("{method}: `alooma {line}` does not parse: {e}");
            }
        }
    }
}
