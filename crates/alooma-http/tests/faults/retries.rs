//! Transient statuses, dropped connections, refused connections, stale
//! pooled connections and the retry budget.

use crate::support::{Behavior, TestServer};
use crate::*;
use alooma_core::Operation;
use std::time::Instant;

#[tokio::test]
async fn transient_5xx_and_429_bursts_are_retried_to_success() {
    let server = TestServer::start().await;
    server.script(
        "/rest/inputs",
        [
            Behavior::status(503),
            Behavior::status(502),
            Behavior::status(504),
            Behavior::retry_after(429, 0),
        ],
    );
    let mut c = config(&server);
    c.retry = fast_retry(5);
    let t = Transport::new(c).unwrap();
    let resp = call(&t, get_inputs()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(server.count("/rest/inputs"), 5);
}

#[tokio::test]
async fn attempts_stop_at_the_policy_and_the_last_answer_decodes_to_an_error() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/event-types",
        Behavior::json(503, r#"{"error":"busy"}"#),
    );
    let t = Transport::new(config(&server)).unwrap();
    let op = alooma_core::event_types::GetEventTypes;
    let resp = call(&t, op.build().unwrap()).await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(server.count("/rest/event-types"), 3);
    let err = op.decode(resp).unwrap_err();
    assert!(
        matches!(err, Error::Api { .. }) && err.is_retryable(),
        "{err}"
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start().await;
    server.script("/rest/inputs", [Behavior::retry_after(429, 1)]);
    let t = Transport::new(config(&server)).unwrap();
    let start = Instant::now();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(1000) && took < Duration::from_millis(1800),
        "{took:?}"
    );
    assert_eq!(server.count("/rest/inputs"), 2);
}

#[tokio::test]
async fn retry_after_is_bounded_by_the_cap() {
    let server = TestServer::start().await;
    server.script("/rest/inputs", [Behavior::retry_after(503, 3600)]);
    let mut c = config(&server);
    c.retry.retry_after_cap = Duration::from_millis(300);
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(1000),
        "{took:?}"
    );
}

#[tokio::test]
async fn retry_after_past_the_deadline_ends_the_call_at_once() {
    let server = TestServer::start().await;
    server.script("/rest/inputs", [Behavior::retry_after(503, 2)]);
    let mut c = config(&server);
    c.timeouts = timeouts(
        Duration::from_secs(1),
        Duration::from_millis(500),
        Duration::from_secs(1),
    );
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        matches!(err, Error::RetryAbandoned { attempts: 1, .. }),
        "{err}"
    );
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert!(start.elapsed() < Duration::from_millis(500));
    assert_eq!(server.count("/rest/inputs"), 1);
}

#[tokio::test]
async fn a_non_idempotent_call_is_sent_at_most_once_when_the_connection_drops() {
    let server = TestServer::start().await;
    server.default_for("/rest/queries", Behavior::CloseBeforeAnswer);
    let t = Transport::new(config(&server)).unwrap();
    let err = call(&t, run_query()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "run_query",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.count("/rest/queries"), 1);
    // 503 and a timeout are not retried either for it.
    server.default_for("/rest/queries", Behavior::status(503));
    assert_eq!(call(&t, run_query()).await.unwrap().status(), 503);
    assert_eq!(server.count("/rest/queries"), 2);
}

#[tokio::test]
async fn an_idempotent_call_is_retried_when_the_connection_drops() {
    let server = TestServer::start().await;
    server.script(
        "/rest/inputs",
        [Behavior::CloseBeforeAnswer, Behavior::CloseBeforeAnswer],
    );
    let t = Transport::new(config(&server)).unwrap();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.count("/rest/inputs"), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_when_not_idempotent() {
    // Find a free port, leave it closed for the first attempts, then listen.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut c = Config::new().with_base_url(format!("http://{addr}"));
    c.retry = fast_retry(20);
    c.retry.base_delay = Duration::from_millis(40);
    c.retry.max_delay = Duration::from_millis(80);
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let first = call(&t, run_query());
    let late_server = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        TestServer::serve(tokio::net::TcpListener::bind(addr).await.unwrap())
    };
    let (result, server) = tokio::join!(first, late_server);
    assert_eq!(result.unwrap().status(), 200);
    assert_eq!(server.count("/rest/queries"), 1);
    // The server only listened after 300 ms: the call was refused at least
    // once and retried.
    assert!(start.elapsed() >= Duration::from_millis(300));

    // With no server at all, the error says it never connected.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut c = Config::new().with_base_url(format!("http://{addr}"));
    c.retry = fast_retry(2);
    let err = call(&Transport::new(c).unwrap(), run_query())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Connect {
                operation: "run_query",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_stale_pooled_connection_is_recovered_transparently() {
    let server = TestServer::start().await;
    server.script(
        "/rest/inputs",
        [Behavior::RespondThenClose {
            body: b"{}".to_vec(),
            after: Duration::from_millis(50),
        }],
    );
    let mut c = config(&server);
    c.retry = RetryPolicy::none();
    let t = Transport::new(c).unwrap();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The pooled connection is dead; with retries off, the pool must still
    // hand out a working one.
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.count("/rest/inputs"), 2);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn the_retry_budget_runs_out_in_an_outage_and_refills_after_recovery() {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::status(503));
    let mut c = config(&server);
    c.retry.budget.capacity = 10;
    c.retry.budget.retry_cost = 5;
    c.retry.budget.success_reward = 1;
    let t = Transport::new(c).unwrap();
    // The outage: the first call spends the whole budget on its 2 retries.
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 503);
    assert_eq!(server.count("/rest/inputs"), 3);
    assert_eq!(t.retry_budget_available(), 0);
    // Later calls are not retried at all, from any clone.
    for n in 0..3 {
        let err = call(&t.clone(), get_inputs()).await.unwrap_err();
        assert!(
            matches!(err, Error::RetryBudgetExhausted { attempts: 1, .. }),
            "{err}"
        );
        assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(server.count("/rest/inputs"), 4 + n);
    }
    // Recovery: successes refill the bucket.
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    for _ in 0..5 {
        assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    }
    assert_eq!(t.retry_budget_available(), 5);
    server.script("/rest/inputs", [Behavior::status(503)]);
    let before = server.count("/rest/inputs");
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    assert_eq!(server.count("/rest/inputs"), before + 2);
    // A retried success gives back what it spent.
    assert_eq!(t.retry_budget_available(), 5);
}
