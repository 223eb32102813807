//! Authentication end to end: login sessions with transparent re-login,
//! wrong keys, wrong accounts, wrong passwords.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::Error;
use alooma_emulator::Emulator;
use alooma_tests::{build, builder, client, count, login_client, start, start_with};

#[tokio::test]
async fn login_session_logs_in_once_and_relogs_in_once_after_expiry() {
    let emu = start_with(Emulator::builder().without_api_key()).await;
    let c = login_client(&emu);
    assert_eq!(c.get_event_types().await.unwrap().len(), 5);
    assert_eq!(c.get_secrets().await.unwrap().len(), 2);
    assert_eq!(count(&emu, "POST", "login"), 1);
    // The session works without an API key.
    assert!(emu
        .requests()
        .iter()
        .all(|r| r.had_auth || r.path.ends_with("/login")));

    emu.expire_sessions();
    emu.clear_requests();
    // The next call gets a 401, logs in again, and repeats the request.
    let mode = c.get_mapping_mode().await.unwrap();
    assert_eq!(mode, alooma::types::MappingMode::AutoMap);
    let log = emu.requests();
    let summary: Vec<(String, Option<u16>)> = log
        .iter()
        .map(|r| {
            (
                format!("{} {}", r.method, r.path.rsplit('/').next().unwrap_or("")),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("GET mapping-mode".to_owned(), Some(401)),
            ("POST login".to_owned(), Some(200)),
            ("GET mapping-mode".to_owned(), Some(200)),
        ]
    );
    // Later calls reuse the new session: still exactly one re-login.
    c.get_event_types().await.unwrap();
    c.get_users().await.unwrap();
    assert_eq!(count(&emu, "POST", "login"), 1);
}

#[tokio::test]
async fn concurrent_calls_after_expiry_share_one_relogin() {
    let emu = start().await;
    let c = login_client(&emu);
    c.get_event_types().await.unwrap();
    emu.expire_sessions();
    emu.clear_requests();
    let calls = (0..8).map(|_| {
        let c = c.clone();
        async move { c.get_secrets().await }
    });
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap().len(), 2);
    }
    assert_eq!(count(&emu, "POST", "login"), 1);
}

#[tokio::test]
async fn wrong_api_key_is_an_auth_error_without_retry() {
    let emu = start().await;
    let c = build(builder(&emu).api_key("not-the-key"));
    let err = c.get_event_types().await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert_eq!(count(&emu, "GET", "event-types"), 1);
    // The key never shows in the error.
    assert!(!format!("{err} {err:?}").contains("not-the-key"));
}

#[tokio::test]
async fn wrong_account_is_an_auth_error() {
    let emu = start().await;
    let key = emu.api_key().unwrap().to_owned();
    let c = build(builder(&emu).account("someone-else").api_key(key));
    let err = c.get_inputs().await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
}

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    let emu = start().await;
    let (user, _) = emu.credentials().unwrap();
    let c = build(builder(&emu).login(user, "wrong-password"));
    let err = c.get_event_types().await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("wrong-password"));
    // Nothing but the failed login reached an endpoint with data.
    assert_eq!(count(&emu, "GET", "event-types"), 0);
}

#[tokio::test]
async fn api_key_and_password_together_is_a_config_error() {
    let emu = start().await;
    let err = builder(&emu)
        .api_key("k")
        .login("u", "p")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn account_name_is_configured_or_resolved_lazily() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_account_name().await.unwrap(), "acme");
    assert!(emu.requests().is_empty());
    // Without an account: requests go to /rest/ and the name is fetched once.
    let key = emu.api_key().unwrap().to_owned();
    let unnamed = build(
        alooma::Client::builder()
            .base_url(emu.base_url())
            .api_key(key)
            .retry_policy(alooma_tests::fast_retries()),
    );
    assert_eq!(unnamed.get_account_name().await.unwrap(), "acme");
    assert_eq!(unnamed.get_account_name().await.unwrap(), "acme");
    let repo: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/rest/repository")
        .collect();
    assert_eq!(repo.len(), 1);
}
