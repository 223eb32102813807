//! Client methods of the secrets area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::Client;
use serde_json::json;

#[tokio::test]
async fn set_and_get_secrets() {
    let mock = MockService::new();
    mock.on("PUT", "/secrets", 204, "")
        .on("GET", "/secrets", 200, r#"["my_user","my_password"]"#);
    let client = Client::with_service(mock.clone());
    client
        .set_secrets([("my_user", "example"), ("my_password", "12345678")])
        .await
        .unwrap();
    assert_eq!(
        client.get_secrets().await.unwrap(),
        ["my_user", "my_password"]
    );
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"my_user": "example", "my_password": "12345678"})
    );
}
