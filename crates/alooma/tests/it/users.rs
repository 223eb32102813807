//! Client methods of the users area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::Client;

#[tokio::test]
async fn get_users() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/user/",
        200,
        include_str!("../../../alooma-types/tests/fixtures/users/get_users.json"),
    );
    let users = Client::with_service(mock.clone())
        .get_users()
        .await
        .unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].email, "user@example.com");
    assert_eq!(users[0].first_name(), None);
    assert_eq!(mock.requests()[0].uri, "/user/");
}
