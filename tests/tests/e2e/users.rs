//! Users end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, start};

#[tokio::test]
async fn get_users_lists_users() {
    let emu = start().await;
    let c = client(&emu);
    let users = c.get_users().await.unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[0].email, "demo@example.com");
}
