//! Secrets end to end, including secret names that need percent-encoding.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, count, start};

#[tokio::test]
async fn get_secrets_lists_names_only() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(
        c.get_secrets().await.unwrap(),
        ["db_password", "partner_api_token"]
    );
}

#[tokio::test]
async fn set_secrets_stores_values() {
    let emu = start().await;
    let c = client(&emu);
    c.set_secrets([("api_token", "t0k3n"), ("db_password", "new-pw")])
        .await
        .unwrap();
    assert_eq!(
        c.get_secrets().await.unwrap(),
        ["api_token", "db_password", "partner_api_token"]
    );
    assert_eq!(
        emu.with_state(|s| s.secrets.get("db_password").cloned())
            .as_deref(),
        Some("new-pw")
    );
    assert_eq!(count(&emu, "PUT", "secrets"), 1);
}
