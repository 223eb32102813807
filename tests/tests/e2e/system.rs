//! The whole-system operation end to end: `clean_system` and its report.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::core::system::CleanSystemStep;
use alooma::StepOutcome;
use alooma_tests::{client, count, start};

#[tokio::test]
async fn clean_system_runs_every_step_in_order() {
    let emu = start().await;
    let c = client(&emu);
    emu.clear_requests();
    let report = c.clean_system().await;
    assert!(report.is_success(), "{report}");
    let steps: Vec<CleanSystemStep> = report.steps.iter().map(|(s, _)| *s).collect();
    assert_eq!(
        steps,
        [
            CleanSystemStep::SetTransformToDefault,
            CleanSystemStep::PurgeRestreamQueue,
            CleanSystemStep::RemoveAllInputs,
            CleanSystemStep::DeleteAllEventTypes,
            CleanSystemStep::ResetEmailNotifications,
            CleanSystemStep::DeleteS3Retention,
        ]
    );
    // The mutating requests went out in this order.
    let order: Vec<(String, String)> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect();
    let first_of = |needle: &str| order.iter().position(|(_, p)| p.contains(needle)).unwrap();
    let positions = [
        first_of("transform/functions/main"),
        first_of("plumbing/purge/restream"),
        first_of("plumbing/nodes/remove/"),
        first_of("event-types/"),
        first_of("settings/email-notifications"),
        first_of("settings/s3-retention"),
    ];
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert_eq!(count(&emu, "DELETE", "settings/s3-retention"), 1);
}

#[tokio::test]
async fn clean_system_with_reports_progress_and_failures() {
    let emu = start().await;
    let c = client(&emu);
    // Make one step fail: the restream purge answers 400 (not retried).
    emu.inject(alooma_emulator::Fault::status(400).path("plumbing/purge/restream"));
    let mut seen = Vec::new();
    let report = c
        .clean_system_with(|step, outcome| seen.push((step, outcome.is_success())))
        .await;
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[1], (CleanSystemStep::PurgeRestreamQueue, false));
    assert!(!report.is_success());
    let failures: Vec<_> = report.failures().map(|(s, _)| *s).collect();
    assert_eq!(failures, [CleanSystemStep::PurgeRestreamQueue]);
    assert!(matches!(report.steps[1].1, StepOutcome::Failed(_)));
    // The later steps still ran.
    assert!(matches!(&report.steps[2].1, StepOutcome::Bulk(r) if r.is_success() && r.len() == 3));
    assert!(emu.with_state(|s| s.event_types.is_empty()));
}
