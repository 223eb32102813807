//! A refused login is remembered, never more than one login is in flight,
//! and a 401 storm on a valid session gives exactly one re-login.

use crate::support::{AuthMode, TestServer};
use crate::*;
use alooma_http::Credentials;

const USER: &str = "ops@example.com";

fn login_server(password: &str) -> AuthMode {
    AuthMode::Login {
        email: USER.into(),
        password: password.into(),
        delay: Duration::from_millis(20),
    }
}

async fn setup(
    server_password: &str,
    client_password: &str,
    cooldown: Duration,
) -> (TestServer, Transport) {
    let server = TestServer::start().await;
    server.set_auth(login_server(server_password));
    let mut c = config(&server).with_credentials(Credentials::login(USER, client_password));
    c.login_failure_cooldown = cooldown;
    let t = Transport::new(c).unwrap();
    (server, t)
}

#[tokio::test]
async fn a_refused_login_is_remembered_for_sequential_calls() {
    let (server, t) = setup("right", "wrong", Duration::from_secs(300)).await;
    for _ in 0..5 {
        let err = call(&t, get_inputs()).await.unwrap_err();
        assert!(err.is_auth(), "{err}");
        assert!(err.to_string().contains(USER), "{err}");
    }
    assert_eq!(server.logins(), 1, "the password was sent once");
    assert_eq!(t.logins(), 1);
}

#[tokio::test]
async fn a_refused_login_is_single_flight_for_a_concurrent_burst() {
    let (server, t) = setup("right", "wrong", Duration::from_secs(300)).await;
    let calls = (0..100).map(|_| call(&t, get_inputs()));
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(|r| matches!(r, Err(e) if e.is_auth())));
    assert_eq!(server.logins(), 1);
}

#[tokio::test]
async fn a_refused_re_login_after_a_valid_session_is_remembered() {
    for _ in 0..4 {
        let (server, t) = setup("right", "right", Duration::from_secs(300)).await;
        assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
        // The password is changed on the server and the session ends.
        server.set_auth(login_server("rotated"));
        server.expire_sessions();
        let results =
            futures_util::future::join_all((0..100).map(|_| call(&t, get_inputs()))).await;
        assert!(results.iter().all(|r| matches!(r, Err(e) if e.is_auth())));
        assert_eq!(server.logins(), 2, "one login, then exactly one re-login");
        // And later calls do not try again.
        assert!(call(&t, get_inputs()).await.unwrap_err().is_auth());
        assert_eq!(server.logins(), 2);
    }
}

#[tokio::test]
async fn a_401_storm_on_a_valid_session_gives_exactly_one_re_login() {
    for run in 0..20 {
        let (server, t) = setup("right", "right", Duration::from_secs(300)).await;
        assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
        server.expire_sessions();
        let results =
            futures_util::future::join_all((0..100).map(|_| call(&t, get_inputs()))).await;
        assert!(
            results
                .iter()
                .all(|r| matches!(r, Ok(resp) if resp.status() == 200)),
            "run {run}"
        );
        assert_eq!(server.logins(), 2, "run {run}: one login and one re-login");
    }
}

#[tokio::test]
async fn the_cool_down_passes_and_new_credentials_are_tried_at_once() {
    let (server, t) = setup("right", "wrong", Duration::from_millis(300)).await;
    assert!(call(&t, get_inputs()).await.unwrap_err().is_auth());
    assert!(call(&t, get_inputs()).await.unwrap_err().is_auth());
    assert_eq!(server.logins(), 1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(call(&t, get_inputs()).await.unwrap_err().is_auth());
    assert_eq!(server.logins(), 2, "tried again once the cool-down passed");
    // New credentials: tried at once, and they work.
    t.set_login(USER, "right");
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.logins(), 3);
}
