//! Client methods of the samples area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::{Client, Error};
use serde_json::json;

const STATUS_CODES: &str =
    include_str!("../../../alooma-types/tests/fixtures/status_codes/get_samples_status_codes.json");

fn uris(mock: &MockService) -> Vec<String> {
    mock.requests().iter().map(|r| r.uri.clone()).collect()
}

#[tokio::test]
async fn get_samples_query_forms() {
    let mock = MockService::new();
    let body =
        json!([{"eventType": "web clicks", "status": "VALID", "sample": {"a": 1}}]).to_string();
    mock.always("GET", "/samples", 200, body.clone())
        .always("GET", "/samples?eventType=web%20clicks", 200, body.clone())
        .always(
            "GET",
            "/samples?eventType=web%20clicks&status=VALID&status=NO_MAPPING",
            200,
            body.clone(),
        )
        .always(
            "GET",
            "/samples?status=VALID&status=DROP",
            200,
            body.clone(),
        );
    let client = Client::with_service(mock.clone());
    let all = client.get_samples(None, &[]).await.unwrap();
    assert_eq!(all[0].event(), &json!({"a": 1}));
    assert_eq!(all[0].event_type.as_deref(), Some("web clicks"));
    client.get_samples(Some("web clicks"), &[]).await.unwrap();
    client
        .get_samples(Some("web clicks"), &["VALID", "NO_MAPPING"])
        .await
        .unwrap();
    // wire.md defect 2: without an event type the reference sent
    // `samples&status=VALID&status=DROP`; the query must start with `?`.
    client.get_samples(None, &["VALID", "DROP"]).await.unwrap();
    assert_eq!(
        uris(&mock),
        [
            "/samples",
            "/samples?eventType=web%20clicks",
            "/samples?eventType=web%20clicks&status=VALID&status=NO_MAPPING",
            "/samples?status=VALID&status=DROP"
        ]
    );
}

#[tokio::test]
async fn get_samples_stats_and_status_codes() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/samples/stats",
        200,
        r#"{"clicks":{"VALID":3,"DROP":0}}"#,
    )
    .on("GET", "/status-types", 200, STATUS_CODES);
    let client = Client::with_service(mock.clone());
    let stats = client.get_samples_stats().await.unwrap();
    assert_eq!(stats["clicks"]["VALID"], 3);
    let codes = client.get_samples_status_codes().await.unwrap();
    assert_eq!(codes["NO_MAPPED_FIELDS"], "No mapped fields");
    assert_eq!(uris(&mock), ["/samples/stats", "/status-types"]);
}

/// wire.md defect 9: the samples calls skipped the shared error handling
/// in the reference, so an error page was parsed (or crashed) as data.
#[tokio::test]
async fn samples_failures_are_errors() {
    let mock = MockService::new();
    mock.on("GET", "/samples", 500, "<html>oops</html>")
        .on("GET", "/samples/stats", 401, "")
        .on("GET", "/status-types", 200, "<html>login</html>");
    let client = Client::with_service(mock);
    assert!(matches!(
        client.get_samples(None, &[]).await,
        Err(Error::Api {
            operation: "get_samples",
            ..
        })
    ));
    assert!(client.get_samples_stats().await.unwrap_err().is_auth());
    assert!(matches!(
        client.get_samples_status_codes().await,
        Err(Error::Decode {
            operation: "get_samples_status_codes",
            ..
        })
    ));
}
