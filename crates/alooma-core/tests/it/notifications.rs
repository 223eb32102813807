//! Requests (insta snapshots) and decoders of the notifications area.
//! Snapshots: `tests/snapshots/notifications__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{notifications::*, Error, Operation, RetrySafety};
use alooma_types::Maybe;
use alooma_types::{NotificationLevel, Severity};

const NOTIFICATIONS: &str =
    include_str!("../../../alooma-types/tests/fixtures/notifications/get_notifications.json");

#[test]
fn get_notifications() {
    let op = GetNotifications::new(1531280000);
    let n = op.decode(answer(200, NOTIFICATIONS)).unwrap();
    assert_eq!(n.messages().len(), 3);
    assert_eq!(n.messages()[0].severity, Maybe::Value(Severity::Info));
    assert_eq!(
        n.messages()[0].id.as_deref(),
        Some("alooma-notifications+0+1339")
    );
    assert_eq!(
        n.messages()[0].timestamp.get().map(|t| *t.get()),
        Some(1531288180667)
    );
    for body in ["", "{\"messages\":[", "<html>oops</html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(
        op.decode(answer(500, "<html>oops</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn publish_notification() {
    let op = PublishNotification::new(
        NotificationLevel::Error,
        "nightly export failed",
        serde_json::json!({"table": "orders", "rows": 0}),
    );
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    op.decode(answer(200, "")).unwrap();
    // Defect 9: the reference decodes a failed publish as success.
    assert!(matches!(
        op.decode(answer(400, "bad level")),
        Err(Error::Api { .. })
    ));
    assert!(matches!(
        op.decode(answer(401, "")),
        Err(Error::Auth { .. })
    ));
}

#[test]
fn parse_notifications_errors_keeps_only_errors() {
    let mut n: alooma_types::Notifications = serde_json::from_str(NOTIFICATIONS).unwrap();
    assert!(parse_notifications_errors(&n).is_empty());
    let messages = n.messages.as_mut().unwrap();
    messages[1].severity = Maybe::Value(Severity::Error);
    messages[1].type_description = Maybe::Value("Input Failure".into());
    messages[2].severity = Maybe::Value(Severity::Warning);
    assert_eq!(parse_notifications_errors(&n), ["Input Failure"]);
}

#[test]
fn odd_values_are_kept() {
    assert_kept(
        &GetNotifications::new(1531280000),
        &[
            "{\"messages\":[{\"timestamp\":\"x\"}]}",
            "{\"messages\":{}}",
        ],
    );
}
