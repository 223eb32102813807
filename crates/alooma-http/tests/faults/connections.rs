//! Connections the server closes: stale keep-alive connections, requests
//! that never reached the server (always safe to send again) and requests
//! that may have (never sent twice unless idempotent).

use crate::support::{Behavior, TestServer};
use crate::*;

/// A non-idempotent `POST notifications/custom` (publish_notification-like).
fn publish() -> Request<Bytes> {
    request(
        "POST",
        "/notifications/custom",
        "publish_notification",
        RetrySafety::NotIdempotent,
    )
}

/// Sequential POSTs to a server that closes every connection right after
/// its answer (without `Connection: close`): each call finds a pooled
/// connection that the server has just closed.
async fn posts_to_a_closing_server(calls: usize) -> (usize, usize) {
    posts_to_a_closing_server_with(calls, |_| {}).await
}

/// The same, with the configuration changed by `tune`.
async fn posts_to_a_closing_server_with(
    calls: usize,
    tune: impl FnOnce(&mut Config),
) -> (usize, usize) {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/notifications/custom",
        Behavior::RespondThenClose {
            body: b"{}".to_vec(),
            after: Duration::ZERO,
        },
    );
    let mut config = config(&server);
    tune(&mut config);
    let t = Transport::new(config).unwrap();
    let mut failures = 0;
    for _ in 0..calls {
        match call(&t, publish()).await {
            Ok(resp) if resp.status() == 200 => {}
            Ok(_) | Err(_) => failures += 1,
        }
    }
    (failures, server.count("/rest/notifications/custom"))
}

#[tokio::test]
async fn sequential_posts_to_a_server_that_closes_after_every_answer_succeed() {
    let (failures, seen) = posts_to_a_closing_server(1000).await;
    eprintln!("stale keep-alive, current-thread runtime: {failures} failure(s) in 1000 POSTs");
    assert!(failures <= 1, "{failures} of 1000 POSTs failed");
    // Never sent twice: the server saw one request per call that succeeded
    // (a failed call may or may not have reached it).
    assert!(seen >= 1000 - failures && seen <= 1000, "{seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_on_a_multi_threaded_runtime() {
    let (failures, seen) = posts_to_a_closing_server(1000).await;
    eprintln!("stale keep-alive, multi-threaded runtime: {failures} failure(s) in 1000 POSTs");
    assert!(failures <= 1, "{failures} of 1000 POSTs failed");
    assert!(seen >= 1000 - failures && seen <= 1000, "{seen}");
}

/// Sending again a request that never reached the server is not a retry:
/// it happens with retries turned off and an empty retry budget. The
/// server (on a runtime of its own) closes each connection 300 ms after
/// its answer; the client's runtime is not run until the close has arrived,
/// so the close is in the socket but unread when the next POST is handed
/// that pooled connection: it is not written, and is sent again.
#[test]
fn requests_that_never_reached_the_server_are_sent_again_without_retries() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = server_rt.block_on(TestServer::start());
    server.default_for(
        "/rest/notifications/custom",
        Behavior::RespondThenClose {
            body: b"{}".to_vec(),
            after: Duration::from_millis(300),
        },
    );
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut config = config(&server);
    config.retry.max_attempts = 1;
    config.retry.budget.capacity = 0;
    let t = client_rt
        .block_on(async { Transport::new(config) })
        .unwrap();
    for round in 0..4 {
        let resp = client_rt.block_on(call(&t, publish()));
        assert_eq!(
            resp.as_ref().map(|r| r.status().as_u16()).ok(),
            Some(200),
            "call {round}: {:?}",
            resp.err()
        );
        // The client's runtime does not run: the close arrives unread.
        std::thread::sleep(Duration::from_millis(700));
    }
    // Each POST reached the server once.
    assert_eq!(server.count("/rest/notifications/custom"), 4);
}

/// The same against an external server named by `ALOOMA_CLOSING_SERVER`
/// (host:port), when set: a diagnostic, not part of the suite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_to_an_external_closing_server() {
    let Some(addr) = std::env::var_os("ALOOMA_CLOSING_SERVER") else {
        return;
    };
    let mut c = Config::new().with_base_url(format!("http://{}", addr.to_string_lossy()));
    c.retry = fast_retry(3);
    let t = Transport::new(c).unwrap();
    let mut failures = 0;
    for _ in 0..1000 {
        if !matches!(call(&t, publish()).await, Ok(r) if r.status() == 200) {
            failures += 1;
        }
    }
    eprintln!("external closing server: {failures} failure(s) in 1000 POSTs");
}

#[tokio::test]
async fn a_post_reset_after_it_was_sent_is_never_sent_twice_and_says_maybe_sent() {
    let server = TestServer::start().await;
    // Every POST is read, then the connection is closed without an answer.
    server.default_for("/rest/notifications/custom", Behavior::CloseBeforeAnswer);
    let t = Transport::new(config(&server)).unwrap();
    for _ in 0..50 {
        let err = call(&t, publish()).await.unwrap_err();
        assert!(err.is_maybe_sent(), "{err}");
        assert!(err.to_string().contains("may or may not"), "{err}");
    }
    assert_eq!(
        server.count("/rest/notifications/custom"),
        50,
        "each POST sent once"
    );
    // The same on a reused connection: a first answer keeps it alive.
    server.script(
        "/rest/notifications/custom",
        [Behavior::json(200, "{}"), Behavior::CloseBeforeAnswer],
    );
    assert_eq!(call(&t, publish()).await.unwrap().status(), 200);
    assert!(call(&t, publish()).await.unwrap_err().is_maybe_sent());
    assert_eq!(server.count("/rest/notifications/custom"), 52);
}

#[tokio::test]
async fn a_server_that_keeps_connections_alive_keeps_one_connection() {
    let server = TestServer::start().await;
    let t = Transport::new(config(&server)).unwrap();
    for _ in 0..100 {
        assert_eq!(call(&t, publish()).await.unwrap().status(), 200);
    }
    assert_eq!(server.connections(), 1);
    assert!(server
        .seen()
        .iter()
        .all(|s| s.header("connection").is_none()));
}

#[tokio::test]
async fn a_server_that_closes_after_answers_gets_one_connection_per_request() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/notifications/custom",
        Behavior::RespondThenClose {
            body: b"{}".to_vec(),
            after: Duration::ZERO,
        },
    );
    let t = Transport::new(config(&server)).unwrap();
    for _ in 0..20 {
        assert_eq!(call(&t, publish()).await.unwrap().status(), 200);
    }
    // Once its habit is seen, requests ask for `Connection: close`.
    assert!(server
        .seen()
        .iter()
        .any(|s| s.header("connection") == Some("close")));
}

/// Every request carries the `Host` of the REST root's origin (made once
/// by the client, written as hyper-util writes it).
#[tokio::test]
async fn requests_carry_the_host_of_the_root() {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    let t = Transport::new(config(&server)).unwrap();
    for _ in 0..2 {
        let resp = call(
            &t,
            request("GET", "/inputs", "get_inputs", RetrySafety::Idempotent),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let expected = server
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(s.header("host"), Some(expected.as_str()));
    }
}

/// With 8 calls in flight, the REST root's pool hands each connection back
/// when its answer has been read: 200 calls need at most 8 connections.
#[tokio::test]
async fn calls_in_flight_share_the_pooled_connections() {
    use futures_util::StreamExt;
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    let t = Transport::new(config(&server)).unwrap();
    let results: Vec<_> = futures_util::stream::iter(0..200)
        .map(|_| call(&t, get_inputs()))
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(results
        .iter()
        .all(|r| r.as_ref().is_ok_and(|r| r.status() == 200)));
    assert_eq!(server.count("/rest/inputs"), 200);
    let connections = server.connections();
    assert!((1..=8).contains(&connections), "{connections} connections");
}

/// A connection idle for longer than the pool's idle timeout is not used
/// again: the next call opens another.
#[tokio::test]
async fn an_idle_connection_past_the_idle_timeout_is_not_reused() {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    let mut c = config(&server);
    c.pool_idle_timeout = Duration::from_millis(100);
    let t = Transport::new(c).unwrap();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.connections(), 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.connections(), 2);
}

/// An answer dropped before its body was read does not give its connection
/// back (the rest of its body would come first): the next request gets
/// another connection, and succeeds.
#[tokio::test]
async fn an_answer_dropped_unread_does_not_give_its_connection_back() {
    use alooma_http::client::HyperClient;
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, &"x".repeat(100_000)));
    let c = config(&server);
    let client = HyperClient::new(&c).unwrap();
    let uri = format!("{}/rest/inputs", server.base_url());
    let get = || http::Request::get(uri.as_str()).body(Bytes::new()).unwrap();
    let answer = client.clone().oneshot(get()).await.unwrap();
    assert_eq!(answer.status(), 200);
    drop(answer);
    let answer = client.clone().oneshot(get()).await.unwrap();
    let body = http_body_util::BodyExt::collect(answer.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(body.len(), 100_000);
    assert_eq!(server.connections(), 2);
    // Read to its end, the answer gives its connection back.
    let answer = client.clone().oneshot(get()).await.unwrap();
    http_body_util::BodyExt::collect(answer.into_body())
        .await
        .unwrap();
    assert_eq!(server.connections(), 2);
}

/// An idle connection past the idle timeout is closed even while a newer
/// one keeps being reused: handing a connection back drops the oldest
/// expired ones, which a checkout taking the newest never reaches.
#[tokio::test]
async fn an_expired_idle_connection_is_closed_under_steady_use() {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    let mut c = config(&server);
    c.pool_idle_timeout = Duration::from_millis(200);
    let t = Transport::new(c).unwrap();
    // Two calls at once: two connections.
    let (a, b) = tokio::join!(call(&t, get_inputs()), call(&t, get_inputs()));
    assert!(a.is_ok() && b.is_ok());
    assert_eq!(server.connections(), 2);
    // Steady use of the newest, past the other's idle timeout.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.connections(), 2, "no new connection was needed");
    assert_eq!(server.open_connections(), 1, "the expired one was closed");
}
