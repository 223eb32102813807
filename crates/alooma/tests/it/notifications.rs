//! Client methods of the notifications area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::types::NotificationLevel;
use alooma::{Client, Error};
use serde_json::json;

const NOTIFICATIONS: &str =
    include_str!("../../../alooma-types/tests/fixtures/notifications/get_notifications.json");

#[tokio::test]
async fn get_notifications_and_parse_errors() {
    let mock = MockService::new();
    let with_error = NOTIFICATIONS.replacen("\"severity\": \"info\"", "\"severity\": \"error\"", 1);
    mock.on("GET", "/notifications?from=1531280000", 200, with_error);
    let client = Client::with_service(mock.clone());
    let n = client.get_notifications(1531280000).await.unwrap();
    assert_eq!(n.messages().len(), 3);
    assert_eq!(
        client.parse_notifications_errors(&n),
        ["Events Loaded to Output"]
    );
    assert_eq!(mock.requests()[0].uri, "/notifications?from=1531280000");
}

#[tokio::test]
async fn publish_notification() {
    let mock = MockService::new();
    mock.on("POST", "/notifications/custom", 200, "");
    let client = Client::with_service(mock.clone());
    client
        .publish_notification(
            NotificationLevel::Info,
            "backfill done",
            json!({"rows": 10}),
        )
        .await
        .unwrap();
    let req = &mock.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.json(),
        json!({"level": "INFO", "description": "backfill done", "data": {"rows": 10}})
    );
}

#[tokio::test]
async fn publish_notification_failure_is_an_error() {
    // Defect 9: the reference skips the shared error handling here.
    let mock = MockService::new();
    mock.on("POST", "/notifications/custom", 400, "bad level");
    let err = Client::with_service(mock)
        .publish_notification(NotificationLevel::Error, "x", json!(null))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err}");
}
