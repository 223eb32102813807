//! The commands, one module per API area, and the table tying every facade
//! operation to the command that reaches it.

pub mod code_engine;
pub mod completions;
pub mod credits;
pub mod event_types;
pub mod inputs;
pub mod mapping;
pub mod metrics;
pub mod notifications;
pub mod outputs;
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
    ("auto_map_event_type", "event-types auto-map clicks"),
    ("clear_event_type_stats", "event-types clear-stats clicks"),
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
    ("get_transform", "code-engine get main --transform"),
    ("set_transform", "code-engine set main main.py --transform"),
    ("delete_transform", "code-engine delete helpers --transform"),
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
    // structure
    ("get_structure", "structure"),
    ("get_plumbing", "structure --plumbing"),
    ("get_transform_node_id", "structure --transform-node-id"),
    (
        "get_throughput_by_name",
        "structure --throughput web_events",
    ),
    ("get_redshift_node", "structure --node redshift"),
    ("get_snowflake_node", "structure --node snowflake"),
    ("get_bigquery_node", "structure --node bigquery"),
    ("get_deployment_info", "deployment"),
    // inputs
    ("get_inputs", "inputs list"),
    ("get_input_by_id", "inputs get 1234"),
    ("get_input_by_name", "inputs get --name web_events"),
    ("create_input", "inputs create spec.json"),
    ("create_input_with", "inputs create spec.json --no-validate"),
    (
        "create_s3_input",
        "inputs create s3 logs --bucket b --access-key-id AKIA",
    ),
    (
        "create_mixpanel_input",
        "inputs create mixpanel mp --from-date 2024-01-01",
    ),
    ("edit_input", "inputs edit spec.json"),
    ("pause_input_by_id", "inputs pause 1234"),
    ("resume_input_by_id", "inputs resume 1234"),
    ("remove_input", "inputs remove 1234"),
    ("remove_all_inputs", "inputs remove-all"),
    ("get_input_sleep_time", "inputs sleep-time 1234"),
    ("set_input_sleep_time", "inputs sleep-time 1234 30"),
    // outputs
    ("get_output_node", "outputs get --node"),
    ("get_output_config", "outputs get"),
    ("set_output", "outputs set config.json"),
    (
        "set_redshift_config",
        "outputs set redshift --hostname h --schema s --database d --username u",
    ),
    (
        "set_snowflake_config",
        "outputs set snowflake --account-name a --warehouse w --schema s --database d --username u",
    ),
    (
        "set_bigquery_config",
        "outputs set bigquery --project p --dataset d",
    ),
    ("get_redshift_config", "outputs get --type redshift"),
    ("get_snowflake_config", "outputs get --type snowflake"),
    ("get_bigquery_config", "outputs get --type bigquery"),
    (
        "set_output_config",
        "outputs set redshift --hostname h --schema s --database d --username u --sink-type memsql",
    ),
    // restream
    ("get_restream_queue_size", "restream size"),
    ("get_restream_stats", "restream stats"),
    ("start_restream", "restream start"),
    ("purge_restream_queue", "restream purge"),
    ("clean_restream_queue", "restream purge --clean"),
    // metrics
    (
        "get_metrics_by_names",
        "metrics get EVENTS_IN_PIPELINE --minutes 30",
    ),
    ("get_incoming_queue_metric", "metrics incoming-queue"),
    ("get_incoming_events_count", "metrics incoming-events"),
    ("get_average_event_size", "metrics average-event-size"),
    ("get_max_latency", "metrics max-latency"),
    ("get_outputs_metrics", "metrics outputs"),
    ("get_restream_queue_metrics", "metrics restream-queue"),
    // notifications
    ("get_notifications", "notifications list"),
    (
        "publish_notification",
        "notifications publish info deployed",
    ),
    // tables and schemas
    ("get_tables", "tables list"),
    ("get_table_names", "tables names"),
    ("create_table", "tables create t --column id:INT"),
    (
        "create_table_in_schema",
        "tables create t --column id:INT --schema staging",
    ),
    ("alter_table", "tables alter t --column id:BIGINT"),
    ("drop_table", "tables drop public t"),
    ("get_table_dependencies", "tables dependencies public t"),
    ("get_schemas", "schemas list"),
    ("create_schema", "schemas create staging"),
    // queries
    ("get_queries", "queries list"),
    ("get_query_by_event_type", "queries get orders"),
    ("get_queries_in_error_state", "queries list --errors"),
    ("get_scheduled_queries", "queries list --v1"),
    (
        "get_scheduled_queries_in_error_state",
        "queries list --v1 --errors",
    ),
    (
        "schedule_default_query",
        "queries schedule-default config.json",
    ),
    ("schedule_query", "queries schedule orders SELECT --every 8"),
    ("remove_scheduled_query", "queries remove 7"),
    ("run_query", "queries run 7"),
    // secrets
    ("get_secrets", "secrets list"),
    ("set_secrets", "secrets set db_password"),
    ("delete_secret", "secrets delete db_password"),
    // settings
    ("get_settings", "settings get"),
    (
        "set_settings_email_notifications",
        "settings email-notifications",
    ),
    (
        "set_s3_retention",
        "settings s3-retention --bucket b --access-key-id AKIA",
    ),
    ("delete_s3_retention", "settings delete-s3-retention"),
    // users and credits
    ("get_users", "users"),
    ("get_company_credits", "credits company"),
    ("get_used_credits", "credits used"),
    (
        "get_loaded_events_per_table_summary",
        "credits loaded-events --from 2024-01-01T00:00:00",
    ),
    // whole system
    ("clean_system", "system clean --no-progress"),
    ("clean_system_with", "system clean"),
];

/// Runs a parsed command.
pub async fn run(command: Command, ctx: &Ctx, matches: &ArgMatches) -> Result<(), CliError> {
    match command {
        Command::Inputs(cmd) => inputs::run(cmd, ctx).await,
        Command::Structure(args) => structure::run(args, ctx).await,
        Command::Deployment(args) => structure::deployment(args, ctx).await,
        Command::EventTypes(cmd) => event_types::run(cmd, ctx).await,
        Command::Metrics(cmd) => metrics::run(cmd, ctx).await,
        Command::Tables(cmd) => tables::run(cmd, ctx).await,
        Command::Schemas(cmd) => tables::run_schemas(cmd, ctx).await,
        Command::Queries(cmd) => queries::run(cmd, ctx).await,
        Command::Secrets(cmd) => secrets::run(cmd, ctx).await,
        Command::Settings(cmd) => settings::run(cmd, ctx).await,
        Command::Restream(cmd) => restream::run(cmd, ctx).await,
        Command::Outputs(cmd) => outputs::run(cmd, ctx).await,
        Command::Notifications(cmd) => notifications::run(cmd, ctx).await,
        Command::Credits(cmd) => credits::run(cmd, ctx).await,
        Command::System(cmd) => system::run(cmd, ctx).await,
        Command::Users => {
            let users = ctx.client()?.get_users().await?;
            ctx.out.value(&users)
        }
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
        Command::Demo => crate::demo::run().await,
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
        crate::output::Format::Json => ctx.out.value(&bulk_json(&report))?,
        crate::output::Format::Table => {
            let rows: Vec<Value> = report
                .succeeded
                .iter()
                .map(|item| json!({"item": item, "result": "deleted"}))
                .chain(
                    report
                        .failed
                        .iter()
                        .map(|(item, e)| json!({"item": item, "result": format!("FAILED: {e}")})),
                )
                .collect();
            ctx.out.columns(&rows, &["item", "result"])?;
        }
    }
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
