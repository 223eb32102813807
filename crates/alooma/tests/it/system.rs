//! `clean_system`: the six steps in order, every step reported, a failing
//! step does not stop the others, and the progress callback.
// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]

use alooma::core::system::{CleanSystemStep, CLEAN_SYSTEM_STEPS};
use alooma::mock::MockService;
use alooma::{Client, ClientSettings, StepOutcome};
use serde_json::json;

const STRUCTURE: &str = r#"{"nodes": [
    {"id": "in-1", "name": "web", "type": "REST_ENDPOINT", "category": "INPUT", "deleted": false},
    {"id": "rs-1", "name": "Restream", "type": "RESTREAM", "category": "INPUT", "deleted": false},
    {"id": "ag-1", "name": "agent", "type": "AGENT", "category": "INPUT", "deleted": false},
    {"id": "in-2", "name": "s3 logs", "type": "S3", "category": "INPUT", "deleted": false},
    {"id": "tr-1", "name": "Code Engine", "type": "TRANSFORMER", "category": "TRANSFORMER", "deleted": false},
    {"id": "out-1", "name": "Redshift", "type": "REDSHIFT", "category": "OUTPUT", "deleted": false}
]}"#;

/// A client that runs bulk deletes one at a time, so their order is fixed.
fn client(mock: &MockService) -> Client<MockService> {
    let mut settings = ClientSettings::default();
    settings.bulk_concurrency = 1;
    Client::with_service_and_settings(mock.clone(), settings)
}

fn script(mock: &MockService, purge_status: u16, delete_orders_status: u16) {
    mock.on("POST", "/transform/functions/main", 200, "")
        .on("DELETE", "/plumbing/purge/restream", purge_status, "")
        .on("GET", "/plumbing/?resolution=1min", 200, STRUCTURE)
        .on("POST", "/plumbing/nodes/remove/in-1", 200, "")
        .on("POST", "/plumbing/nodes/remove/in-2", 200, "")
        .on(
            "GET",
            "/event-types",
            200,
            r#"[{"name": "clicks"}, {"name": "web/orders"}]"#,
        )
        .on("DELETE", "/event-types/clicks", 200, "")
        .on(
            "DELETE",
            "/event-types/web%2Forders",
            delete_orders_status,
            "",
        )
        .on("POST", "/settings/email-notifications", 200, "")
        .on("DELETE", "/settings/s3-retention", 200, "");
}

fn sent(mock: &MockService) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect()
}

const EXPECTED_ORDER: [&str; 10] = [
    "POST /transform/functions/main",
    "DELETE /plumbing/purge/restream",
    "GET /plumbing/?resolution=1min",
    "POST /plumbing/nodes/remove/in-1",
    "POST /plumbing/nodes/remove/in-2",
    "GET /event-types",
    "DELETE /event-types/clicks",
    "DELETE /event-types/web%2Forders",
    "POST /settings/email-notifications",
    "DELETE /settings/s3-retention",
];

#[tokio::test]
async fn runs_every_step_in_the_documented_order() {
    let mock = MockService::new();
    script(&mock, 200, 200);
    let report = client(&mock).clean_system().await;
    assert!(report.is_success(), "{report}");
    assert_eq!(sent(&mock), EXPECTED_ORDER);
    assert_eq!(mock.pending(), 0);

    let steps: Vec<CleanSystemStep> = report.steps.iter().map(|(s, _)| *s).collect();
    assert_eq!(steps, CLEAN_SYSTEM_STEPS);
    // The bulk steps report each item; the Restream and agent nodes are kept.
    match &report.steps[2].1 {
        StepOutcome::Bulk(r) => assert_eq!(r.succeeded, ["in-1", "in-2"]),
        other => panic!("remove_all_inputs: {other:?}"),
    }
    match &report.steps[3].1 {
        StepOutcome::Bulk(r) => assert_eq!(r.succeeded, ["clicks", "web/orders"]),
        other => panic!("delete_all_event_types: {other:?}"),
    }

    let requests = mock.requests();
    assert_eq!(
        requests[0].json(),
        json!({"language": "PYTHON", "functionName": "main",
               "code": "def transform(event):\n\treturn event"})
    );
    assert_eq!(
        requests[8].json(),
        json!({"digestInfo": true, "digestWarning": true, "digestError": true,
               "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": []})
    );
}

#[tokio::test]
async fn a_failing_step_does_not_stop_the_others() {
    // The reference stops at the first failure; here every step runs and
    // the report says which failed.
    let mock = MockService::new();
    script(&mock, 500, 404);
    let report = client(&mock).clean_system().await;
    assert!(!report.is_success());
    assert_eq!(sent(&mock), EXPECTED_ORDER);

    let failed: Vec<CleanSystemStep> = report.failures().map(|(s, _)| *s).collect();
    assert_eq!(
        failed,
        [
            CleanSystemStep::PurgeRestreamQueue,
            CleanSystemStep::DeleteAllEventTypes
        ]
    );
    match &report.steps[1].1 {
        StepOutcome::Failed(e) => {
            assert_eq!(e.operation(), Some("purge_restream_queue"));
            assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
        }
        other => panic!("purge: {other:?}"),
    }
    match &report.steps[3].1 {
        StepOutcome::Bulk(r) => {
            assert_eq!(r.succeeded, ["clicks"]);
            assert_eq!(r.failed_items().collect::<Vec<_>>(), ["web/orders"]);
        }
        other => panic!("delete_all_event_types: {other:?}"),
    }
    let text = report.to_string();
    assert!(text.contains("purge_restream_queue"), "{text}");
    assert!(text.contains("web/orders"), "{text}");
}

#[tokio::test]
async fn a_step_whose_listing_fails_is_reported_failed() {
    let mock = MockService::new();
    mock.on("POST", "/transform/functions/main", 200, "")
        .on("DELETE", "/plumbing/purge/restream", 200, "")
        .on("GET", "/plumbing/?resolution=1min", 503, "down")
        .on("GET", "/event-types", 200, "[]")
        .on("POST", "/settings/email-notifications", 200, "")
        .on("DELETE", "/settings/s3-retention", 200, "");
    let report = client(&mock).clean_system().await;
    let outcomes: Vec<bool> = report.steps.iter().map(|(_, o)| o.is_success()).collect();
    assert_eq!(outcomes, [true, true, false, true, true, true]);
    assert!(matches!(report.steps[2].1, StepOutcome::Failed(_)));
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn progress_is_reported_after_each_step() {
    let mock = MockService::new();
    script(&mock, 200, 200);
    let mut seen = Vec::new();
    let report = client(&mock)
        .clean_system_with(|step, outcome| {
            // Called in order, before the next step's requests are sent.
            seen.push((step, outcome.is_success(), mock.requests().len()));
        })
        .await;
    assert!(report.is_success());
    assert_eq!(
        seen,
        [
            (CleanSystemStep::SetTransformToDefault, true, 1),
            (CleanSystemStep::PurgeRestreamQueue, true, 2),
            (CleanSystemStep::RemoveAllInputs, true, 5),
            (CleanSystemStep::DeleteAllEventTypes, true, 8),
            (CleanSystemStep::ResetEmailNotifications, true, 9),
            (CleanSystemStep::DeleteS3Retention, true, 10),
        ]
    );
}
