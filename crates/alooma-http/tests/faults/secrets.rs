//! No log line, no Debug output and no error message contains the API key,
//! the password or the session cookie.

use crate::support::{AuthMode, TestServer};
use crate::*;
use alooma_http::Credentials;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

const KEY: &str = "KEY-7f3a9c";
const PASSWORD: &str = "PW-s3cr3t-42";

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_reach_logs_debug_or_errors() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // The global subscriber: a thread-local one races the interest cache
    // of callsites that the other tests' threads hit at the same time (a
    // span could go missing). Everything logged while this test runs, by
    // any test, is captured; none of it may hold this test's secrets.
    tracing::subscriber::set_global_default(subscriber)
        .expect("no other test installs a subscriber");
    let mut debug = String::new();

    // API key: good and bad.
    let server = TestServer::start().await;
    server.set_auth(AuthMode::ApiKey(KEY.into()));
    let config_key = config(&server).with_credentials(Credentials::api_key(KEY));
    let t = Transport::new(config_key.clone()).unwrap();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    debug += &format!("{config_key:?}{t:?}{:?}", config_key.credentials);
    let bad =
        Transport::new(config(&server).with_credentials(Credentials::api_key(format!("{KEY}x"))))
            .unwrap();
    let err = call(&bad, get_inputs()).await.unwrap_err();
    debug += &format!("{err:?}{err}{bad:?}");

    // Login: good, expired, wrong.
    let server = TestServer::start().await;
    server.set_auth(AuthMode::Login {
        email: "ops@example.com".into(),
        password: PASSWORD.into(),
        delay: Duration::ZERO,
    });
    let config_login =
        config(&server).with_credentials(Credentials::login("ops@example.com", PASSWORD));
    let t = Transport::new(config_login.clone()).unwrap();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    server.expire_sessions();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    debug += &format!("{config_login:?}{t:?}");
    let wrong = Transport::new(config(&server).with_credentials(Credentials::login(
        "ops@example.com",
        format!("{PASSWORD}x"),
    )))
    .unwrap();
    let err = call(&wrong, get_inputs()).await.unwrap_err();
    debug += &format!("{err:?}{err}{wrong:?}");
    let layer = alooma_http::auth::AuthLayer::new(
        config_login.rest_root().unwrap(),
        &config_login.credentials,
    )
    .unwrap();
    debug += &format!("{layer:?}");

    // The secrets were on the wire …
    let seen = server.seen();
    assert!(seen
        .iter()
        .any(|s| String::from_utf8_lossy(&s.body).contains(PASSWORD)));
    assert!(seen.iter().any(|s| s
        .header("cookie")
        .is_some_and(|c| c.contains("SESSION-SECRET"))));

    // … and nowhere else.
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("alooma_call"), "the capture works: {logs}");
    assert!(logs.contains("logging in"), "{logs}");
    for text in [&logs, &debug] {
        for secret in [
            KEY,
            PASSWORD,
            "SESSION-SECRET",
            "Authorization",
            "authorization",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in:\n{text}");
        }
    }
    assert!(
        debug.contains("ops@example.com"),
        "the user is named: {debug}"
    );
}
