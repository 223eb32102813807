//! Client methods of the secrets area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::Client;
use serde_json::json;

#[tokio::test]
async fn set_get_delete_secrets() {
    let mock = MockService::new();
    mock.on("PUT", "/secrets", 204, "")
        .on("GET", "/secrets", 200, r#"["my_user","my_password"]"#)
        .on("DELETE", "/secrets/my%2Fuser%3F", 200, "");
    let client = Client::with_service(mock.clone());
    client
        .set_secrets([("my_user", "example"), ("my_password", "12345678")])
        .await
        .unwrap();
    assert_eq!(
        client.get_secrets().await.unwrap(),
        ["my_user", "my_password"]
    );
    // Defect 3: the reference sends the name raw.
    client.delete_secret("my/user?").await.unwrap();
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"my_user": "example", "my_password": "12345678"})
    );
    assert_eq!(reqs[2].uri, "/secrets/my%2Fuser%3F");
}
