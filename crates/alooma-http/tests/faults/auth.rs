//! API keys, login sessions, single-flight re-login under concurrency.

use crate::support::{AuthMode, Behavior, TestServer};
use crate::*;
use alooma_http::Credentials;

fn login_server(server: &TestServer, delay: Duration) {
    server.set_auth(AuthMode::Login {
        email: "ops@example.com".into(),
        password: "right-password".into(),
        delay,
    });
}

#[tokio::test]
async fn a_hundred_calls_meeting_an_expired_session_cause_exactly_one_login() {
    let server = TestServer::start().await;
    login_server(&server, Duration::from_millis(100));
    let c =
        config(&server).with_credentials(Credentials::login("ops@example.com", "right-password"));
    let t = Transport::new(c).unwrap();
    // The first call logs in lazily.
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.logins(), 1);
    server.expire_sessions();
    let calls: Vec<_> = (0..100)
        .map(|_| tokio::spawn(t.clone().oneshot(get_inputs())))
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(server.logins(), 2);
    assert_eq!(t.logins(), 2);
    // The login sent the JSON the wire contract asks for.
    let login = server
        .seen()
        .into_iter()
        .find(|s| s.path == "/rest/login")
        .unwrap();
    assert_eq!(login.method, "POST");
    let body: serde_json::Value = serde_json::from_slice(&login.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"email": "ops@example.com", "password": "right-password"})
    );
}

#[tokio::test]
async fn a_hundred_calls_with_a_wrong_password_cause_one_login_and_one_error() {
    let server = TestServer::start().await;
    login_server(&server, Duration::from_millis(300));
    let c =
        config(&server).with_credentials(Credentials::login("ops@example.com", "wrong-password"));
    let t = Transport::new(c).unwrap();
    let calls: Vec<_> = (0..100)
        .map(|_| tokio::spawn(t.clone().oneshot(get_inputs())))
        .collect();
    let mut messages = std::collections::HashSet::new();
    for c in calls {
        let err = c.await.unwrap().unwrap_err();
        match &err {
            Error::Auth { user, .. } => assert_eq!(user.as_deref(), Some("ops@example.com")),
            e => panic!("not an auth error: {e}"),
        }
        let msg = err.to_string();
        assert!(!msg.contains("wrong-password"), "{msg}");
        messages.insert(msg);
    }
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(server.logins(), 1);
    assert_eq!(server.count("/rest/inputs"), 0);
}

#[tokio::test]
async fn a_login_is_replayed_once_then_the_call_fails() {
    // The login succeeds but the API keeps refusing the session.
    let server = TestServer::start().await;
    login_server(&server, Duration::ZERO);
    server.default_for("/rest/inputs", Behavior::status(401));
    let c =
        config(&server).with_credentials(Credentials::login("ops@example.com", "right-password"));
    let t = Transport::new(c).unwrap();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert_eq!(server.count("/rest/inputs"), 2);
    assert_eq!(server.logins(), 2);
}

#[tokio::test]
async fn api_key_mode_never_logs_in_and_sends_the_key() {
    let server = TestServer::start().await;
    server.set_auth(AuthMode::ApiKey("good-key".into()));
    let c = config(&server).with_credentials(Credentials::api_key("good-key"));
    let t = Transport::new(c).unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| tokio::spawn(t.clone().oneshot(get_inputs())))
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(server.count("/rest/login"), 0);
    assert_eq!(t.logins(), 0);
    for seen in server.seen() {
        assert_eq!(seen.header("authorization"), Some("API good-key"));
        assert!(seen.header("user-agent").unwrap().starts_with("alooma-rs/"));
    }
}

#[tokio::test]
async fn a_wrong_api_key_is_an_auth_error_after_one_request() {
    let server = TestServer::start().await;
    server.set_auth(AuthMode::ApiKey("good-key".into()));
    let c = config(&server).with_credentials(Credentials::api_key("bad-key"));
    let t = Transport::new(c).unwrap();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(err.is_auth() && !err.is_retryable(), "{err}");
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert!(!err.to_string().contains("bad-key"));
    assert_eq!(server.count("/rest/inputs"), 1);
    assert_eq!(server.count("/rest/login"), 0);
}

#[tokio::test]
async fn credentials_never_go_to_another_host() {
    let configured = TestServer::start().await;
    let other = TestServer::start().await;
    let c = config(&configured).with_credentials(Credentials::api_key("good-key"));
    let t = Transport::new(c).unwrap();
    let absolute = format!("{}/rest/inputs", other.base_url());
    let req = request("GET", &absolute, "get_inputs", RetrySafety::Idempotent);
    assert_eq!(call(&t, req).await.unwrap().status(), 200);
    let seen = other.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("authorization"), None);

    let c = config(&configured).with_credentials(Credentials::login("ops@example.com", "pw"));
    let t = Transport::new(c).unwrap();
    let req = request("GET", &absolute, "get_inputs", RetrySafety::Idempotent);
    assert_eq!(call(&t, req).await.unwrap().status(), 200);
    assert_eq!(other.count("/rest/login"), 0);
    assert_eq!(configured.count("/rest/login"), 0);
    assert!(other.seen().iter().all(|s| s.header("cookie").is_none()));
}
