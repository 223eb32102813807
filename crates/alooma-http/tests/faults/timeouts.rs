//! Connect, attempt (headers and body) and total timeouts.

use crate::support::{Behavior, TestServer};
use crate::*;
use alooma_core::{TimeoutKind, TimeoutOverride};
use std::time::Instant;

fn assert_within(took: Duration, low: Duration, high: Duration) {
    assert!(
        took >= low && took < high,
        "took {took:?}, expected {low:?}..{high:?}"
    );
}

#[tokio::test]
async fn connect_timeout_fires_on_a_listener_that_never_accepts() {
    // A loopback listener with a backlog of 0 whose queue we fill: further
    // SYNs are dropped, so a connect hangs (no traffic leaves loopback).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    let mut c = Config::new().with_base_url(format!("http://{addr}"));
    c.retry = RetryPolicy::none();
    c.timeouts = timeouts(
        Duration::from_millis(300),
        Duration::from_secs(5),
        Duration::from_secs(10),
    );
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Connect,
                operation: "get_inputs",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_retryable());
    assert_within(
        start.elapsed(),
        Duration::from_millis(300),
        Duration::from_millis(1500),
    );
    drop(listener);
}

#[tokio::test]
async fn attempt_timeout_fires_on_slow_headers() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::json(200, "[]").delayed(Duration::from_secs(3)),
    );
    let t = no_retry(
        &server,
        Duration::from_secs(1),
        Duration::from_millis(300),
        Duration::from_secs(10),
    );
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                ..
            }
        ),
        "{err}"
    );
    assert_within(
        start.elapsed(),
        Duration::from_millis(300),
        Duration::from_millis(1500),
    );
    assert_eq!(server.count("/rest/inputs"), 1);
}

#[tokio::test]
async fn a_per_call_override_replaces_the_attempt_timeout() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::json(200, "[]").delayed(Duration::from_millis(600)),
    );
    let t = no_retry(
        &server,
        Duration::from_secs(1),
        Duration::from_millis(200),
        Duration::from_secs(5),
    );
    assert!(call(&t, get_inputs()).await.is_err());
    let mut req = get_inputs();
    req.extensions_mut()
        .insert(TimeoutOverride(Duration::from_secs(3)));
    assert_eq!(call(&t, req).await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_trickled_body_is_cut_by_the_attempt_timeout() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::Trickle {
            body: vec![b' '; 100],
            every: Duration::from_millis(100),
        },
    );
    let t = no_retry(
        &server,
        Duration::from_secs(1),
        Duration::from_millis(500),
        Duration::from_secs(10),
    );
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                ..
            }
        ),
        "{err}"
    );
    assert_within(
        start.elapsed(),
        Duration::from_millis(500),
        Duration::from_millis(2000),
    );
}

#[tokio::test]
async fn a_body_stalled_midway_is_cut_and_retried_when_idempotent() {
    let server = TestServer::start().await;
    server.script(
        "/rest/inputs",
        [Behavior::Stall {
            declared: 100,
            sent: 10,
        }],
    );
    let mut c = config(&server);
    c.timeouts = timeouts(
        Duration::from_secs(1),
        Duration::from_millis(300),
        Duration::from_secs(10),
    );
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_within(
        start.elapsed(),
        Duration::from_millis(300),
        Duration::from_millis(2000),
    );
    assert_eq!(server.count("/rest/inputs"), 2);

    // Not idempotent: cut, and not sent again.
    server.script(
        "/rest/queries",
        [Behavior::Stall {
            declared: 100,
            sent: 10,
        }],
    );
    let err = call(&t, run_query()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                operation: "run_query",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.count("/rest/queries"), 1);
}

#[tokio::test]
async fn the_total_deadline_bounds_every_attempt_together() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::json(200, "[]").delayed(Duration::from_secs(3)),
    );
    let mut c = config(&server);
    c.retry = fast_retry(10);
    c.retry.base_delay = Duration::from_millis(10);
    c.retry.max_delay = Duration::from_millis(10);
    c.timeouts = timeouts(
        Duration::from_secs(1),
        Duration::from_millis(300),
        Duration::from_millis(700),
    );
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Total, after, .. } if after == Duration::from_millis(700)),
        "{err}"
    );
    assert_within(
        start.elapsed(),
        Duration::from_millis(700),
        Duration::from_millis(1500),
    );
    assert_eq!(server.count("/rest/inputs"), 3);
}

#[tokio::test]
async fn set_mapping_carries_its_own_longer_timeout() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/slow",
        Behavior::json(200, "{}").delayed(Duration::from_millis(500)),
    );
    // Without a configured total, the default never cuts it.
    let mut c = config(&server);
    c.retry = RetryPolicy::none();
    c.timeouts = timeouts(
        Duration::from_secs(1),
        Duration::from_millis(200),
        Duration::from_millis(200),
    );
    c.timeouts.total = None;
    let t = Transport::new(c).unwrap();
    let mut req = request("POST", "/slow", "set_mapping", RetrySafety::Idempotent);
    req.extensions_mut().insert(
        OperationMeta::new("set_mapping", RetrySafety::Idempotent)
            .with_timeout(Duration::from_secs(3)),
    );
    assert_eq!(call(&t, req).await.unwrap().status(), 200);
}

/// A transport to `server` that never retries, with these timeouts
/// (connect, attempt, total).
fn no_retry(
    server: &TestServer,
    connect: Duration,
    attempt: Duration,
    total: Duration,
) -> Transport {
    let mut c = config(server);
    c.retry = RetryPolicy::none();
    c.timeouts = timeouts(connect, attempt, total);
    Transport::new(c).unwrap()
}
