//! Authentication like the service.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use alooma_emulator::{Emulator, Seed};
use http::Method;
use serde_json::json;

async fn emulator() -> Emulator {
    Emulator::builder()
        .account("acme")
        .api_key("KEY")
        .credentials("user@example.com", "pw")
        .seed(Seed::empty())
        .start()
        .await
        .unwrap()
}

async fn login(emu: &Emulator, email: &str, password: &str) -> Resp {
    let body = json!({"email": email, "password": password})
        .to_string()
        .into_bytes();
    raw(
        emu,
        Method::POST,
        "/acme/rest/login",
        Some(body),
        Auth::None,
    )
    .await
}

#[tokio::test]
async fn api_key() {
    let emu = emulator().await;
    assert_eq!(emu.api_key(), Some("KEY"));
    let r = raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Key("KEY"),
    )
    .await;
    assert_eq!(r.status, 200);
    raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Key("WRONG"),
    )
    .await
    .assert_error(401);
    raw(&emu, Method::GET, "/acme/rest/secrets", None, Auth::None)
        .await
        .assert_error(401);
    // The account-less root works with the key too.
    let r = raw(
        &emu,
        Method::GET,
        "/rest/repository",
        None,
        Auth::Key("KEY"),
    )
    .await;
    assert_eq!(r.json(), json!({"config_clientName": "acme"}));
}

#[tokio::test]
async fn wrong_account_is_401() {
    let emu = emulator().await;
    raw(
        &emu,
        Method::GET,
        "/other/rest/secrets",
        None,
        Auth::Key("KEY"),
    )
    .await
    .assert_error(401);
    let body = json!({"email": "user@example.com", "password": "pw"})
        .to_string()
        .into_bytes();
    raw(
        &emu,
        Method::POST,
        "/other/rest/login",
        Some(body),
        Auth::None,
    )
    .await
    .assert_error(401);
}

#[tokio::test]
async fn login_cookie_and_session_expiry() {
    let emu = emulator().await;
    login(&emu, "user@example.com", "nope")
        .await
        .assert_error(401);
    login(&emu, "someone@example.com", "pw")
        .await
        .assert_error(401);
    let r = login(&emu, "user@example.com", "pw").await;
    assert_eq!(r.status, 200);
    let set_cookie = r.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with("alooma_session="));
    assert!(set_cookie.contains("Path=/"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let r = raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Cookie(&cookie),
    )
    .await;
    assert_eq!(r.status, 200);
    raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Cookie("alooma_session=forged"),
    )
    .await
    .assert_error(401);

    emu.expire_sessions();
    raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Cookie(&cookie),
    )
    .await
    .assert_error(401);
    // Re-login gives a working session again.
    let again = login(&emu, "user@example.com", "pw").await;
    let cookie2 = again.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(cookie, cookie2);
    let r = raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Cookie(&cookie2),
    )
    .await;
    assert_eq!(r.status, 200);

    // The admin API can expire sessions too.
    let r = raw(
        &emu,
        Method::DELETE,
        "/__emulator/sessions",
        None,
        Auth::Key("KEY"),
    )
    .await;
    assert_eq!(r.status, 200);
    raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Cookie(&cookie2),
    )
    .await
    .assert_error(401);
}

#[tokio::test]
async fn login_needs_configured_credentials_and_a_json_body() {
    let emu = Emulator::builder()
        .without_credentials()
        .seed(Seed::empty())
        .start()
        .await
        .unwrap();
    let body = json!({"email": "demo@example.com", "password": "emulator-password"}).to_string();
    raw(
        &emu,
        Method::POST,
        "/acme/rest/login",
        Some(body.into_bytes()),
        Auth::None,
    )
    .await
    .assert_error(401);
    raw(
        &emu,
        Method::POST,
        "/acme/rest/login",
        Some(b"{".to_vec()),
        Auth::None,
    )
    .await
    .assert_error(400);
    raw(
        &emu,
        Method::POST,
        "/acme/rest/login",
        Some(b"{\"email\": 1}".to_vec()),
        Auth::None,
    )
    .await
    .assert_error(400);
    let r = raw(&emu, Method::GET, "/acme/rest/login", None, Auth::None).await;
    r.assert_error(405);
    assert_eq!(r.headers["allow"], "POST");
}

#[tokio::test]
async fn request_log_keeps_no_secrets() {
    let emu = emulator().await;
    let _ = login(&emu, "user@example.com", "pw").await;
    let _ = raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets?x=1",
        None,
        Auth::Key("KEY"),
    )
    .await;
    let _ = raw(&emu, Method::GET, "/acme/rest/secrets", None, Auth::None).await;
    let log = emu.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/acme/rest/login");
    assert!(!log[0].had_auth);
    assert_eq!(log[0].status, Some(200));
    assert_eq!(log[1].query.as_deref(), Some("x=1"));
    assert!(log[1].had_auth);
    assert_eq!(log[2].status, Some(401));
    let dump = format!("{log:?}");
    assert!(!dump.contains("KEY") && !dump.contains("pw\""));
    // Over HTTP, with the key.
    let r = raw(
        &emu,
        Method::GET,
        "/__emulator/requests",
        None,
        Auth::Key("KEY"),
    )
    .await;
    assert_eq!(r.json().as_array().unwrap().len(), 3);
    raw(&emu, Method::GET, "/__emulator/requests", None, Auth::None)
        .await
        .assert_error(401);
    let r = raw(
        &emu,
        Method::DELETE,
        "/__emulator/requests",
        None,
        Auth::Key("KEY"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(emu.requests().is_empty());
}
