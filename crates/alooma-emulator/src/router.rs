//! Maps a decoded REST path and method to its handler.

use crate::reply::{ApiError, Outcome, Req};
use crate::state::State;
use crate::{
    account, code_engine, event_types, inputs, metrics, notifications, queries, samples, secrets,
    settings, structure, tables,
};

/// Where a request path points.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Under a REST root: the account named in the path (if any) and the
    /// decoded segments after `rest/`.
    Rest {
        account: Option<String>,
        segments: Vec<String>,
    },
    /// Under `/__emulator/`: the raw segments after it.
    Admin(Vec<String>),
}

/// Splits a raw request path into a [`Target`]; each segment is
/// percent-decoded exactly once. `None` for paths outside any REST root.
pub(crate) fn parse_path(raw: &str) -> Result<Option<Target>, ApiError> {
    let mut parts: Vec<&str> = raw.strip_prefix('/').unwrap_or(raw).split('/').collect();
    // A trailing slash (`plumbing/`, `settings/`, `user/`) is not a segment.
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let decode = |s: &str| -> Result<String, ApiError> {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| ApiError::bad_request("a path segment is not valid UTF-8 once decoded"))
    };
    let (account, rest) = match parts.as_slice() {
        ["__emulator", rest @ ..] => {
            return Ok(Some(Target::Admin(
                rest.iter().map(|s| (*s).to_owned()).collect(),
            )))
        }
        ["rest", rest @ ..] => (None, rest),
        [account, "rest", rest @ ..] => (Some(decode(account)?), rest),
        _ => return Ok(None),
    };
    let segments = rest
        .iter()
        .map(|s| decode(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Target::Rest { account, segments }))
}

/// Runs the handler for `method` and the decoded `segments`.
pub(crate) fn route(state: &mut State, method: &str, segs: &[&str], req: &Req<'_>) -> Outcome {
    match (method, segs) {
        // Account.
        ("GET", ["repository"]) => account::repository(state),
        ("GET", ["user"]) => account::users(state),
        ("GET", ["deployInfo"]) => account::deploy_info(state),
        ("GET", ["credits", "company"]) => account::company_credits(state),
        ("GET", ["credits", "used-credits"]) => account::used_credits(state, req),
        ("GET", ["events", "loaded-events-per-table", "summary"]) => {
            account::loaded_events(state, req)
        }

        // Structure.
        ("GET", ["plumbing"]) => structure::get_structure(state),
        ("GET", ["plumbing", "outputs"]) => structure::get_outputs(state),
        ("PUT", ["plumbing", "nodes", id]) => structure::put_node(state, req, id),
        ("POST", ["plumbing", "nodes", "remove", id]) => structure::remove_node(state, id),
        ("DELETE", ["plumbing", "purge", "restream"]) => structure::purge_restream(state),

        // Inputs.
        ("POST", ["plumbing", "inputs"]) | ("POST", ["inputs"]) => inputs::create(state, req),
        ("GET", ["inputs"]) => inputs::list(state),
        ("GET", ["inputs", id]) => inputs::get(state, id),
        ("PUT", ["inputs", id]) => inputs::edit(state, req, id),
        ("PUT", ["inputs", id, "pause"]) => inputs::pause(state, req, id),
        ("GET", ["inputSleepTime", id]) => inputs::get_sleep_time(state, id),
        ("PUT", ["inputSleepTime", id]) => inputs::set_sleep_time(state, req, id),

        // Event types and mappings.
        ("GET", ["event-types"]) => event_types::list(state),
        ("GET", ["event-types", name]) => event_types::get(state, name),
        ("DELETE", ["event-types", name]) => event_types::delete(state, name),
        ("POST", ["event-types", name, "mapping"]) => event_types::set_mapping(state, req, name),
        ("POST", ["event-types", name, "auto-map"]) => event_types::auto_map(state, name),
        ("DELETE", ["event-types", name, "clear-stats"]) => event_types::clear_stats(state, name),
        ("GET", ["mapping-mode"]) => event_types::get_mode(state),
        ("POST", ["mapping-mode"]) => event_types::set_mode(state, req),

        // Code Engine.
        ("GET", ["transform", "functions"]) => code_engine::list(state),
        ("POST", ["transform", "functions", "run"]) => code_engine::run(state, req),
        ("GET", ["transform", "functions", name]) => code_engine::get(state, name),
        ("POST", ["transform", "functions", name]) => code_engine::set_one(state, req, name),
        ("DELETE", ["transform", "functions", name]) => code_engine::delete(state, name),
        ("POST", ["transform", "v2", "functions"]) => code_engine::set_many(state, req),
        ("POST", ["transform", "v2", "functions", "run"]) => code_engine::run_v2(state, req),
        ("GET", ["transform", "defaults"]) => code_engine::defaults(),
        ("GET", ["code-engine", "requirements"]) => code_engine::requirements(state),

        // Samples.
        ("GET", ["samples"]) => samples::list(state, req),
        ("GET", ["samples", "stats"]) => samples::stats(state),
        ("GET", ["status-types"]) => samples::status_types(state),

        // Metrics and notifications.
        ("GET", ["metrics"]) => metrics::get(req),
        ("GET", ["notifications"]) => notifications::list(state, req),
        ("POST", ["notifications", "custom"]) => notifications::publish(state, req),

        // Tables and schemas.
        ("GET", ["tables"]) => tables::list(state, req, None),
        ("GET", ["tables", schema]) => tables::list(state, req, Some(schema)),
        ("POST", ["tables", table]) => tables::create(state, req, table),
        ("PUT", ["tables", table]) => tables::alter(state, req, table),
        ("GET", ["tables", schema, table]) => tables::get(state, schema, table),
        ("POST", ["tables", schema, table]) => tables::create_in(state, req, schema, table),
        ("DELETE", ["tables", schema, table]) => tables::drop(state, req, schema, table),
        ("GET", ["tables", schema, table, "dependencies"]) => {
            tables::dependencies(state, schema, table)
        }
        ("GET", ["schemas"]) => tables::list_schemas(state),
        ("POST", ["schemas"]) => tables::create_schema(state, req),

        // Scheduled queries.
        ("GET", ["v2", "consolidation"]) => queries::list(state, req),
        ("POST", ["v2", "consolidation"]) => queries::schedule_default(state, req),
        ("POST", ["v2", "consolidation", "custom"]) => queries::schedule_custom(state, req),
        ("DELETE", ["v2", "consolidation", id]) => queries::remove(state, id),
        ("POST", ["v2", "consolidation", id, "run"]) => queries::run(state, id),
        ("GET", ["consolidation"]) => queries::list_v1(state),

        // Secrets and settings.
        ("GET", ["secrets"]) => secrets::list(state),
        ("PUT", ["secrets"]) => secrets::set(state, req),
        ("DELETE", ["secrets", name]) => secrets::delete(state, name),
        ("GET", ["settings"]) => settings::get(state),
        ("POST", ["settings", "email-notifications"]) => {
            settings::set_email_notifications(state, req)
        }
        ("POST", ["settings", "s3-retention"]) => settings::set_s3_retention(state, req),
        ("DELETE", ["settings", "s3-retention"]) => settings::delete_s3_retention(state),

        _ => Err(ApiError::not_found(format!(
            "no such endpoint: {method} {}",
            segs.join("/")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roots_and_decodes_each_segment_once() {
        let t = parse_path("/acme/rest/event-types/a%2Fb/mapping").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: Some("acme".into()),
                segments: vec!["event-types".into(), "a/b".into(), "mapping".into()],
            })
        );
        let t = parse_path("/rest/plumbing/").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: None,
                segments: vec!["plumbing".into()]
            })
        );
        let t = parse_path("/rest/secrets/100%2525").unwrap();
        assert_eq!(
            t,
            Some(Target::Rest {
                account: None,
                segments: vec!["secrets".into(), "100%25".into()]
            })
        );
        assert_eq!(parse_path("/elsewhere").unwrap(), None);
        assert!(parse_path("/rest/x%FF").is_err());
        assert_eq!(
            parse_path("/__emulator/faults").unwrap(),
            Some(Target::Admin(vec!["faults".into()]))
        );
    }
}
