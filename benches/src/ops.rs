//! One prepared instance of many `alooma_core` operations, for the request
//! building benchmarks: each entry builds its request (no I/O) when called.

use alooma_core::auth::{GetAccountName, Login};
use alooma_core::code_engine::{
    DeleteCodeEngineModule, GetCodeEngineCode, GetCodeEngineModule, GetCodeEngineRequirements,
    GetTransform, GetTransformDefaults, SetCodeEngineCode, SetTransformToDefault, TestTransform,
};
use alooma_core::credits::{GetCompanyCredits, GetLoadedEventsPerTableSummary, GetUsedCredits};
use alooma_core::event_types::{
    DeleteEventType, DiscardEventType, GetEventType, GetEventTypes, GetMapping, GetMappingMode,
    SetMapping, SetMappingMode,
};
use alooma_core::inputs::{
    GetInputById, GetInputSleepTime, GetInputs, PauseInputById, RemoveInput, ResumeInputById,
    SetInputSleepTime,
};
use alooma_core::metrics::GetMetricsByNames;
use alooma_core::notifications::{GetNotifications, PublishNotification};
use alooma_core::queries::{
    GetQueries, GetQueryByEventType, GetScheduledQueries, RemoveScheduledQuery, RunQuery,
};
use alooma_core::restream::{CleanRestreamQueue, PurgeRestreamQueue, StartRestream};
use alooma_core::samples::{GetSamples, GetSamplesStats, GetSamplesStatusCodes};
use alooma_core::secrets::{DeleteSecret, GetSecrets, SetSecrets};
use alooma_core::settings::{DeleteS3Retention, GetSettings};
use alooma_core::structure::{GetDeploymentInfo, GetStructure};
use alooma_core::tables::{DropTable, GetSchemas, GetTableDependencies, GetTableNames, GetTables};
use alooma_core::users::GetUsers;
use alooma_core::{Error, Operation};
use alooma_types::{EventType, MappingMode, MetricName, NotificationLevel};
use bytes::Bytes;
use std::collections::BTreeMap;

/// Builds one request.
pub type Build = Box<dyn Fn() -> Result<http::Request<Bytes>, Error>>;

fn entry<O: Operation + 'static>(op: O) -> (&'static str, Build) {
    let name = op.meta().name;
    (name, Box::new(move || op.build()))
}

/// A mapping of `fields` mapped top-level fields, for `set_mapping`.
pub fn small_mapping(fields: usize) -> Result<EventType, serde_json::Error> {
    let body = crate::payload::mapping(1, fields);
    serde_json::from_str(&body)
}

/// Every operation benchmarked, by name, ready to build.
pub fn operations() -> Result<Vec<(&'static str, Build)>, Box<dyn std::error::Error>> {
    let mut code = BTreeMap::new();
    code.insert(
        "main".to_owned(),
        "def transform(event):\n    return event\n".to_owned(),
    );
    Ok(vec![
        entry(GetEventTypes),
        entry(GetEventType::new("web/clicks")),
        entry(GetMapping::new("web clicks")),
        entry(SetMapping::new(small_mapping(20)?, "web clicks")),
        entry(DiscardEventType::new("web/clicks")),
        entry(DeleteEventType::new("web/clicks")),
        entry(GetMappingMode),
        entry(SetMappingMode::new(MappingMode::Strict)),
        entry(GetStructure),
        entry(GetDeploymentInfo),
        entry(GetInputs),
        entry(GetInputById::new("a3ef-42bc")),
        entry(PauseInputById::new("a3ef-42bc")),
        entry(ResumeInputById::new("a3ef-42bc")),
        entry(RemoveInput::new("a3ef-42bc")),
        entry(GetInputSleepTime::new("a3ef-42bc")),
        entry(SetInputSleepTime::new("a3ef-42bc", 30.0)),
        entry(GetQueries),
        entry(GetQueryByEventType::new("web/clicks")),
        entry(GetScheduledQueries),
        entry(RemoveScheduledQuery::new("q-17")),
        entry(RunQuery::new("q-17")),
        entry(GetSecrets),
        entry(SetSecrets::new([
            ("db_password", "s3cr3t"),
            ("token", "t0k3n"),
        ])),
        entry(DeleteSecret::new("db_password")),
        entry(GetTables::new().schema("public")),
        entry(GetTableNames::new()),
        entry(DropTable::new("public", "clicks").cascade(true)),
        entry(GetTableDependencies::new("public", "clicks")),
        entry(GetSchemas),
        entry(GetSettings),
        entry(DeleteS3Retention),
        entry(GetMetricsByNames::new(
            [MetricName::IncomingEvents, MetricName::EventSizeAvg],
            60,
        )),
        entry(GetNotifications::new(1_500_000_000)),
        entry(PublishNotification::new(
            NotificationLevel::Info,
            "nightly load finished",
            serde_json::json!({"rows": 1200}),
        )),
        entry(GetCodeEngineCode),
        entry(GetCodeEngineModule::new("utils")),
        entry(SetCodeEngineCode::from_map(&code)),
        entry(DeleteCodeEngineModule::new("utils")),
        entry(SetTransformToDefault),
        entry(GetCodeEngineRequirements),
        entry(GetTransform::main()),
        entry(GetTransformDefaults),
        entry(TestTransform::new(
            serde_json::json!({"a": 1, "_metadata": {"event_type": "x"}}),
            "def transform(event):\n    return event\n",
        )),
        entry(StartRestream::new("r-1")),
        entry(PurgeRestreamQueue),
        entry(CleanRestreamQueue),
        entry(
            GetSamples::new()
                .event_type("web/clicks")
                .status("UNMAPPED"),
        ),
        entry(GetSamplesStats),
        entry(GetSamplesStatusCodes),
        entry(GetCompanyCredits),
        entry(
            GetUsedCredits::new()
                .from_day("2018-01-01")
                .to_day("2018-02-01"),
        ),
        entry(GetLoadedEventsPerTableSummary::new("2018-01-01T00:00:00").to("2018-02-01T00:00:00")),
        entry(GetUsers),
        entry(GetAccountName),
        entry(Login::new("ops@example.com", "hunter2")),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_builds_a_relative_request() {
        let ops = operations().unwrap();
        assert!(ops.len() >= 50);
        for (name, build) in &ops {
            let req = build().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(req.uri().path().starts_with('/'), "{name}");
            assert_eq!(
                req.extensions()
                    .get::<alooma_core::OperationMeta>()
                    .map(|m| m.name),
                Some(*name)
            );
        }
    }
}
