//! Coverage accounting: every operation of the wire contract
//! (`wire.md`'s method names, deprecated aliases and offline mapping
//! helpers included) is mapped to the end-to-end test exercising it, and
//! every public method of the facade's `api/*.rs` is in the list.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// wire.md's method names, in its table order: (operation, test file, test fn).
#[rustfmt::skip]
const WIRE: &[(&str, &str, &str)] = &[
    // System structure and nodes.
    ("get_structure", "structure", "get_structure_lists_every_node"),
    ("get_plumbing", "structure", "get_plumbing_is_the_deprecated_alias"),
    ("get_transform_node_id", "structure", "get_transform_node_id_finds_the_transformer"),
    ("get_throughput_by_name", "structure", "get_throughput_by_name_reads_live_nodes"),
    ("get_output_node", "outputs", "get_output_node_is_the_first_output"),
    ("get_output_config", "outputs", "get_output_config_is_the_node_configuration"),
    ("get_redshift_node", "structure", "get_redshift_node_finds_the_output"),
    ("get_snowflake_node", "structure", "get_snowflake_node_is_none_without_snowflake"),
    ("get_bigquery_node", "structure", "get_bigquery_node_is_none_without_bigquery"),
    ("get_redshift_config", "outputs", "set_redshift_config_then_get_redshift_config"),
    ("get_snowflake_config", "outputs", "set_snowflake_config_then_get_snowflake_config"),
    ("get_bigquery_config", "outputs", "set_bigquery_config_then_get_bigquery_config"),
    ("set_output", "outputs", "set_output_replaces_the_configuration"),
    ("set_redshift_config", "outputs", "set_redshift_config_then_get_redshift_config"),
    ("set_snowflake_config", "outputs", "set_snowflake_config_then_get_snowflake_config"),
    ("set_bigquery_config", "outputs", "set_bigquery_config_then_get_bigquery_config"),
    ("set_output_config", "outputs", "set_output_config_stores_the_reference_keys"),
    ("get_deployment_info", "structure", "get_deployment_info_reads_deploy_info"),
    ("get_public_ssh_key", "structure", "get_public_ssh_key_needs_no_request"),
    // Inputs.
    ("get_inputs", "inputs", "get_inputs_lists_and_filters"),
    ("get_input_by_id", "inputs", "get_input_by_id_reports_job_and_task"),
    ("get_input_by_name", "inputs", "get_input_by_name_finds_exact_name"),
    ("create_input", "scenarios", "input_lifecycle_create_list_edit_pause_resume_remove"),
    ("create_s3_input", "inputs", "create_s3_input_stores_configuration"),
    ("create_mixpanel_input", "inputs", "create_mixpanel_input_stores_configuration"),
    ("edit_input", "scenarios", "input_lifecycle_create_list_edit_pause_resume_remove"),
    ("pause_input_by_id", "inputs", "pause_and_resume_input"),
    ("resume_input_by_id", "inputs", "pause_and_resume_input"),
    ("remove_input", "inputs", "remove_input_removes_node"),
    ("remove_all_inputs", "inputs", "remove_all_inputs_keeps_restream"),
    ("get_input_sleep_time", "inputs", "input_sleep_time_round_trips"),
    ("set_input_sleep_time", "inputs", "input_sleep_time_round_trips"),
    // Event types and mappings.
    ("get_event_types", "event_types", "get_event_types_lists_every_type"),
    ("get_event_type", "event_types", "get_event_type_reads_fields_and_stats"),
    ("get_mapping", "scenarios", "mapping_round_trip_get_edit_offline_set_get"),
    ("set_mapping", "scenarios", "mapping_round_trip_get_edit_offline_set_get"),
    ("discard_event_type", "event_types", "discard_event_type_marks_it_discarded"),
    ("delete_event_type", "event_types", "delete_event_type_removes_it"),
    ("delete_all_event_types", "event_types", "delete_all_event_types_empties_the_list"),
    ("get_mapping_mode", "event_types", "mapping_mode_round_trips"),
    ("set_mapping_mode", "event_types", "mapping_mode_round_trips"),
    ("discard_field", "mapping", "discard_field_discards_a_nested_field"),
    ("unmap_field", "mapping", "unmap_field_removes_a_nested_field"),
    ("map_field", "mapping", "map_field_maps_a_new_nested_path"),
    ("find_field_name", "mapping", "find_field_name_finds_and_adds_nested_fields"),
    ("add_field", "mapping", "add_field_appends_unmapped_fields"),
    ("set_mapping_for_field", "mapping", "set_mapping_for_field_maps_one_field"),
    ("remove_stats", "mapping", "remove_stats_strips_stats_before_set_mapping"),
    // Code Engine.
    ("get_code_engine_code", "code_engine", "get_code_engine_code_maps_names_to_code"),
    ("get_all_transforms", "code_engine", "get_all_transforms_is_the_deprecated_alias"),
    ("get_code_engine_module", "scenarios", "code_engine_set_then_read_each_module"),
    ("set_code_engine_code", "scenarios", "code_engine_set_then_read_each_module"),
    ("delete_code_engine_module", "code_engine", "delete_code_engine_module_removes_it"),
    ("get_transform", "code_engine", "deprecated_transform_calls_read_set_and_delete_one_module"),
    ("set_transform", "code_engine", "deprecated_transform_calls_read_set_and_delete_one_module"),
    ("delete_transform", "code_engine", "deprecated_transform_calls_read_set_and_delete_one_module"),
    ("set_transform_to_default", "code_engine", "set_transform_to_default_resets_main"),
    ("get_code_engine_requirements", "code_engine", "get_code_engine_requirements_lists_packages"),
    ("test_transform", "code_engine", "test_transform_runs_given_or_deployed_code"),
    ("test_code_engine_code", "code_engine", "test_code_engine_code_runs_modules"),
    ("test_transform_all_samples", "code_engine", "test_transform_all_samples_filters_by_type_and_status"),
    ("test_code_engine_all_samples", "code_engine", "test_code_engine_all_samples_runs_deployed_modules"),
    // Samples.
    ("get_samples", "samples", "get_samples_filters_by_type_and_statuses"),
    ("get_samples_stats", "samples", "get_samples_stats_counts_per_type_and_status"),
    ("get_samples_status_codes", "samples", "get_samples_status_codes_describes_codes"),
    // Metrics and notifications.
    ("get_metrics_by_names", "metrics", "get_metrics_by_names_returns_one_series_per_name"),
    ("get_incoming_queue_metric", "metrics", "get_incoming_queue_metric_is_the_max"),
    ("get_incoming_events_count", "metrics", "get_incoming_events_count_is_the_sum"),
    ("get_average_event_size", "metrics", "get_average_event_size_is_the_mean"),
    ("get_max_latency", "metrics", "get_max_latency_is_in_seconds"),
    ("get_outputs_metrics", "metrics", "get_outputs_metrics_sums_each_series"),
    ("get_restream_queue_metrics", "metrics", "get_restream_queue_metrics_is_the_first_value"),
    ("get_notifications", "notifications", "get_notifications_filters_by_time"),
    ("publish_notification", "notifications", "publish_notification_is_listed_back"),
    ("parse_notifications_errors", "notifications", "parse_notifications_errors_lists_error_types"),
    // Restream queue.
    ("get_restream_queue_size", "restream", "get_restream_queue_size_reads_the_node"),
    ("get_restream_stats", "restream", "get_restream_stats_reports_event_count"),
    ("start_restream", "restream", "start_restream_turns_streaming_on"),
    ("purge_restream_queue", "restream", "purge_restream_queue_empties_it"),
    ("clean_restream_queue", "restream", "clean_restream_queue_is_the_same_purge"),
    // Tables and schemas.
    ("get_tables", "tables", "get_tables_lists_default_or_given_schema"),
    ("get_table_names", "tables", "get_table_names_is_shallow"),
    ("create_table", "tables", "create_table_then_alter_table"),
    ("alter_table", "tables", "create_table_then_alter_table"),
    ("drop_table", "tables", "drop_table_with_and_without_cascade"),
    ("get_table_dependencies", "tables", "get_table_dependencies_lists_dependents"),
    ("get_schemas", "tables", "get_schemas_and_create_schema"),
    ("create_schema", "tables", "get_schemas_and_create_schema"),
    // Scheduled queries.
    ("get_queries", "scenarios", "scheduled_query_schedule_list_run_remove"),
    ("get_query_by_event_type", "queries", "get_query_by_event_type_finds_exactly_one"),
    ("get_queries_in_error_state", "queries", "get_queries_in_error_state_keeps_failed_ones"),
    ("get_scheduled_queries", "queries", "get_scheduled_queries_is_keyed_by_id"),
    ("get_scheduled_queries_in_error_state", "queries", "get_scheduled_queries_in_error_state_uses_status"),
    ("schedule_default_query", "queries", "schedule_default_query_merges_custom_variables"),
    ("schedule_query", "scenarios", "scheduled_query_schedule_list_run_remove"),
    ("remove_scheduled_query", "scenarios", "scheduled_query_schedule_list_run_remove"),
    ("run_query", "scenarios", "scheduled_query_schedule_list_run_remove"),
    // Secrets, settings, users, credits.
    ("get_secrets", "secrets", "get_secrets_lists_names_only"),
    ("set_secrets", "secrets", "set_secrets_stores_values"),
    ("delete_secret", "secrets", "delete_secret_removes_it"),
    ("get_settings", "settings", "get_settings_reads_both_sections"),
    ("set_settings_email_notifications", "settings", "set_settings_email_notifications_stores_them"),
    ("set_s3_retention", "settings", "set_s3_retention_then_delete_s3_retention"),
    ("delete_s3_retention", "settings", "set_s3_retention_then_delete_s3_retention"),
    ("get_users", "account", "get_users_lists_users"),
    ("get_company_credits", "account", "get_company_credits_reads_totals"),
    ("get_used_credits", "account", "get_used_credits_filters_by_day"),
    ("get_loaded_events_per_table_summary", "account", "get_loaded_events_per_table_summary_reads_rows"),
    // Whole system.
    ("clean_system", "scenarios", "clean_system_leaves_a_clean_system"),
];

/// Endpoints that real users' code called beyond the reference client, each
/// with its test.
#[rustfmt::skip]
const BEYOND_REFERENCE: &[(&str, &str, &str)] = &[
    ("auto_map_event_type", "event_types", "auto_map_event_type_maps_the_unmapped_fields"),
    ("clear_event_type_stats", "event_types", "clear_event_type_stats_resets_the_counters"),
    ("create_table_in_schema", "tables", "create_table_in_schema_creates_it_there"),
];

/// The 108 public methods of the reference client, `alooma==0.4.16`'s
/// `Client` (its module-level `remove_stats` is in [`WIRE`] too).
#[rustfmt::skip]
const REFERENCE_METHODS: &[&str] = &[
    "add_field", "alter_table", "clean_restream_queue", "clean_system", "create_input",
    "create_mixpanel_input", "create_s3_input", "create_schema", "create_table",
    "delete_all_event_types", "delete_code_engine_module", "delete_event_type",
    "delete_s3_retention", "delete_secret", "delete_transform", "discard_event_type",
    "discard_field", "drop_table", "edit_input", "find_field_name", "get_all_transforms",
    "get_average_event_size", "get_bigquery_config", "get_bigquery_node", "get_code_engine_code",
    "get_code_engine_module", "get_code_engine_requirements", "get_company_credits",
    "get_deployment_info", "get_event_type", "get_event_types", "get_incoming_events_count",
    "get_incoming_queue_metric", "get_input_by_id", "get_input_by_name", "get_input_sleep_time",
    "get_inputs", "get_loaded_events_per_table_summary", "get_mapping", "get_mapping_mode",
    "get_max_latency", "get_metrics_by_names", "get_notifications", "get_output_config",
    "get_output_node", "get_outputs_metrics", "get_plumbing", "get_public_ssh_key", "get_queries",
    "get_queries_in_error_state", "get_query_by_event_type", "get_redshift_config",
    "get_redshift_node", "get_restream_queue_metrics", "get_restream_queue_size",
    "get_restream_stats", "get_samples", "get_samples_stats", "get_samples_status_codes",
    "get_scheduled_queries", "get_scheduled_queries_in_error_state", "get_schemas", "get_secrets",
    "get_settings", "get_snowflake_config", "get_snowflake_node", "get_structure",
    "get_table_dependencies", "get_table_names", "get_tables", "get_throughput_by_name",
    "get_transform", "get_transform_node_id", "get_used_credits", "get_users", "map_field",
    "parse_notifications_errors", "pause_input_by_id", "publish_notification",
    "purge_restream_queue", "remove_all_inputs", "remove_input", "remove_scheduled_query",
    "resume_input_by_id", "run_query", "schedule_default_query", "schedule_query",
    "set_bigquery_config", "set_code_engine_code", "set_input_sleep_time", "set_mapping",
    "set_mapping_for_field", "set_mapping_mode", "set_output", "set_output_config",
    "set_redshift_config", "set_s3_retention", "set_secrets", "set_settings_email_notifications",
    "set_snowflake_config", "set_transform", "set_transform_to_default", "start_restream",
    "test_code_engine_all_samples", "test_code_engine_code", "test_transform",
    "test_transform_all_samples", "unmap_field",
];

/// Public methods of the facade's `api/*.rs` that are not in wire.md
/// (additions of this SDK), each with its test.
#[rustfmt::skip]
const FACADE_EXTRAS: &[(&str, &str, &str)] = &[
    ("get_code_engine_modules", "code_engine", "get_code_engine_modules_keeps_language"),
    ("get_code_engine_requirements_text", "code_engine", "get_code_engine_requirements_text_is_pip_format"),
    ("create_input_with", "inputs", "create_input_with_options_skips_validation"),
    ("clean_system_with", "system", "clean_system_with_reports_progress_and_failures"),
    // `StepOutcome::is_success` / `CleanSystemReport::is_success` and `failures`.
    ("is_success", "system", "clean_system_with_reports_progress_and_failures"),
    ("failures", "system", "clean_system_with_reports_progress_and_failures"),
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The body of `fn name` in `text`: from its signature to the next test
/// attribute (or the end of the file).
fn fn_body<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let start = text.find(&format!("fn {name}("))?;
    let rest = &text[start..];
    let end = rest[1..]
        .find("#[tokio::test]")
        .map_or(rest.len(), |e| e + 1);
    Some(&rest[..end])
}

/// Names of `pub fn` / `pub async fn` items in a Rust source text.
fn pub_fns(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("pub async fn ")
            .or_else(|| line.strip_prefix("pub fn "));
        if let Some(rest) = rest {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
        }
    }
    names
}

fn check_entries(entries: &[(&str, &str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (op, file, test) in entries {
        let path = manifest_dir()
            .join("tests")
            .join("e2e")
            .join(format!("{file}.rs"));
        let text = match read(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{op}: {e}"));
                continue;
            }
        };
        match fn_body(&text, test) {
            None => problems.push(format!("{op}: no fn {test} in tests/tests/{file}.rs")),
            Some(body) => {
                if !body.contains(&format!(".{op}(")) {
                    problems.push(format!(
                        "{op}: tests/tests/{file}.rs fn {test} never calls {op}"
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_wire_operation_is_mapped_to_an_existing_test_that_calls_it() {
    let names: BTreeSet<&str> = WIRE.iter().map(|(op, _, _)| *op).collect();
    assert_eq!(names.len(), WIRE.len(), "an operation is listed twice");
    let problems = check_entries(WIRE);
    assert!(problems.is_empty(), "{problems:#?}");
    let covered = WIRE.len() - problems.len();
    eprintln!(
        "e2e coverage: {covered}/{} operations (the reference's 108 methods and remove_stats)",
        WIRE.len()
    );
    assert_eq!(covered, 109);
    let problems = check_entries(BEYOND_REFERENCE);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_reference_method_is_in_the_list() {
    assert_eq!(REFERENCE_METHODS.len(), 108);
    let listed: BTreeSet<&str> = WIRE.iter().map(|(op, _, _)| *op).collect();
    let missing: Vec<&&str> = REFERENCE_METHODS
        .iter()
        .filter(|m| !listed.contains(**m))
        .collect();
    assert!(
        missing.is_empty(),
        "reference methods with no e2e entry: {missing:?}"
    );
}

#[test]
fn every_facade_extra_is_mapped_to_an_existing_test_that_calls_it() {
    let problems = check_entries(FACADE_EXTRAS);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_public_facade_method_is_in_the_list() {
    let api = manifest_dir().join("../crates/alooma/src/api");
    let listed: BTreeSet<&str> = WIRE
        .iter()
        .chain(FACADE_EXTRAS)
        .chain(BEYOND_REFERENCE)
        .map(|(op, _, _)| *op)
        .collect();
    let mut found = BTreeSet::new();
    let mut missing = Vec::new();
    let entries = std::fs::read_dir(&api).unwrap_or_else(|e| panic!("{}: {e}", api.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        for name in pub_fns(&read(&path).unwrap()) {
            if !listed.contains(name.as_str()) {
                missing.push(format!("{} in {}", name, path.display()));
            }
            found.insert(name);
        }
    }
    assert!(
        missing.is_empty(),
        "public facade methods with no e2e entry: {missing:#?}"
    );
    // And the facade has every wire operation as a method.
    let absent: Vec<&str> = WIRE
        .iter()
        .map(|(op, _, _)| *op)
        .filter(|op| !found.contains(*op))
        .collect();
    assert!(
        absent.is_empty(),
        "wire operations missing from the facade: {absent:?}"
    );
}
