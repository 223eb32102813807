//! Notifications end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::NotificationLevel;
use alooma_tests::{client, count, requests_to, start};
use serde_json::json;

#[tokio::test]
async fn get_notifications_filters_by_time() {
    let emu = start().await;
    let c = client(&emu);
    let all = c.get_notifications(0).await.unwrap();
    assert_eq!(all.messages().len(), 3);
    // 2024-05-01T08:00:00Z: only the newest message.
    let recent = c.get_notifications(1_714_550_400).await.unwrap();
    assert_eq!(recent.messages().len(), 1);
    let reqs = requests_to(&emu, "GET", "notifications");
    assert_eq!(reqs[1].query.as_deref(), Some("from=1714550400"));
}

#[tokio::test]
async fn publish_notification_is_listed_back() {
    let emu = start().await;
    let c = client(&emu);
    c.publish_notification(
        NotificationLevel::Error,
        "nightly job failed",
        json!({"job": "nightly", "code": 7}),
    )
    .await
    .unwrap();
    let stored = emu.with_state(|s| s.notifications[0].clone());
    assert_eq!(stored["description"], "nightly job failed");
    assert_eq!(stored["severity"], "error");
    assert_eq!(stored["data"], json!({"job": "nightly", "code": 7}));
    let listed = c.get_notifications(0).await.unwrap();
    assert_eq!(listed.messages().len(), 4);
    assert_eq!(count(&emu, "POST", "notifications/custom"), 1);
}

#[tokio::test]
async fn parse_notifications_errors_lists_error_types() {
    let emu = start().await;
    let c = client(&emu);
    c.publish_notification(NotificationLevel::Error, "boom", json!(null))
        .await
        .unwrap();
    let listed = c.get_notifications(0).await.unwrap();
    let expected: Vec<String> = listed
        .messages()
        .iter()
        .filter(|m| m.is_error())
        .filter_map(|m| m.type_description.clone().into_option())
        .collect();
    let errors = c.parse_notifications_errors(&listed);
    assert_eq!(errors, expected);
    assert!(
        errors.contains(&"Custom Notification".to_owned()),
        "{errors:?}"
    );
}
