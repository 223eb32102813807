//! Truncated, malformed and oversized bodies: errors, never panics.

use crate::support::{Behavior, TestServer};
use crate::*;
use alooma_core::{event_types::GetEventTypes, Operation};
use std::time::Instant;

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_an_error() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/event-types",
        Behavior::Truncated {
            declared: 100,
            body: br#"[{"name":"a""#.to_vec(),
        },
    );
    let t = Transport::new(config(&server)).unwrap();
    let err = call(&t, GetEventTypes.build().unwrap()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "get_event_types",
                ..
            }
        ),
        "{err}"
    );
    // Idempotent: every attempt of the policy was made.
    assert_eq!(server.count("/rest/event-types"), 3);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error() {
    let server = TestServer::start().await;
    for body in [
        r#"[{"name":"a"},"#,
        "<html>oops</html>",
        r#"[{"name":7}]"#,
        "",
    ] {
        server.script("/rest/event-types", [Behavior::json(200, body)]);
    }
    let t = Transport::new(config(&server)).unwrap();
    for _ in 0..4 {
        let resp = call(&t, GetEventTypes.build().unwrap()).await.unwrap();
        let err = GetEventTypes.decode(resp).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Decode {
                    operation: "get_event_types",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(server.count("/rest/event-types"), 4);
}

#[tokio::test]
async fn an_oversized_body_is_refused_by_its_content_length() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/event-types",
        Behavior::Huge {
            size: 64 * 1024 * 1024,
            with_length: true,
        },
    );
    let mut c = config(&server);
    c.max_body_size = 1024;
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let err = call(&t, GetEventTypes.build().unwrap()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.count("/rest/event-types"), 1);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_oversized_body_without_length_stops_being_read_at_the_limit() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/event-types",
        Behavior::Huge {
            size: 512 * 1024 * 1024,
            with_length: false,
        },
    );
    let mut c = config(&server);
    c.max_body_size = 100 * 1024;
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let err = call(&t, GetEventTypes.build().unwrap()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 102400, .. }),
        "{err}"
    );
    // Reading 512 MiB would take far longer than this.
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_accepted() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/event-types",
        Behavior::Huge {
            size: 4096,
            with_length: true,
        },
    );
    let mut c = config(&server);
    c.max_body_size = 4096;
    let t = Transport::new(c).unwrap();
    let resp = call(&t, GetEventTypes.build().unwrap()).await.unwrap();
    assert_eq!(resp.body().len(), 4096);
}
