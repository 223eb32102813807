//! The total deadline bounds the whole call: every attempt, every backoff,
//! every `Retry-After` wait, whatever the attempt timeout.

use crate::support::{Behavior, TestServer};
use crate::*;
use alooma_core::TimeoutKind;
use std::time::Instant;

/// Default settings (60 s attempts, default retries) except the total.
fn with_total(server: &TestServer, total: Duration) -> Config {
    let mut c = Config::new().with_base_url(server.base_url());
    c.timeouts.total = Some(total);
    c
}

#[tokio::test]
async fn a_total_deadline_is_kept_under_the_default_attempt_timeout() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::json(200, "[]").delayed(Duration::from_secs(10)),
    );
    let t = Transport::new(with_total(&server, Duration::from_secs(3))).unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Total, after, .. } if after == Duration::from_secs(3)),
        "{err}"
    );
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_millis(3500),
        "{took:?}"
    );
}

#[tokio::test]
async fn a_retry_after_that_does_not_fit_ends_the_call_at_once_saying_why() {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::retry_after(429, 3600));
    let t = Transport::new(with_total(&server, Duration::from_secs(10))).unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert!(
        matches!(err, Error::RetryAbandoned { attempts: 1, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("Retry-After") && text.contains("deadline"),
        "{text}"
    );
    assert_eq!(err.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(server.count("/rest/inputs"), 1);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = TestServer::start().await;
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    server.script(
        "/rest/inputs",
        [Behavior::Respond {
            status: 503,
            headers: vec![("Retry-After".into(), httpdate::fmt_http_date(at))],
            body: vec![],
        }],
    );
    let t = Transport::new(config(&server)).unwrap();
    let start = Instant::now();
    assert_eq!(call(&t, get_inputs()).await.unwrap().status(), 200);
    let took = start.elapsed();
    // An HTTP date has a resolution of one second.
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2600),
        "{took:?}"
    );
    assert_eq!(server.count("/rest/inputs"), 2);
}

/// One combination of settings and server behaviour: how long the call took.
async fn one_combination(attempt: Option<Duration>, retries: bool, behavior: Behavior) -> Duration {
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", behavior);
    let mut c = with_total(&server, Duration::from_secs(1));
    if let Some(a) = attempt {
        c.timeouts.attempt = a;
    }
    if !retries {
        c.retry = RetryPolicy::none();
    }
    let t = Transport::new(c).unwrap();
    let start = Instant::now();
    let _ = call(&t, get_inputs()).await;
    start.elapsed()
}

#[tokio::test]
async fn the_deadline_holds_within_half_a_second_for_every_combination() {
    let behaviors = || {
        [
            (
                "a slow answer",
                Behavior::json(200, "[]").delayed(Duration::from_secs(3)),
            ),
            ("503 with Retry-After 1", Behavior::retry_after(503, 1)),
            (
                "429 with Retry-After 3600",
                Behavior::retry_after(429, 3600),
            ),
            ("503 (backoff)", Behavior::status(503)),
            (
                "a stalled body",
                Behavior::Stall {
                    declared: 100,
                    sent: 10,
                },
            ),
        ]
    };
    let mut runs = Vec::new();
    for attempt in [
        None,
        Some(Duration::from_millis(300)),
        Some(Duration::from_secs(5)),
    ] {
        for retries in [false, true] {
            for (what, behavior) in behaviors() {
                runs.push(async move {
                    (
                        attempt,
                        retries,
                        what,
                        one_combination(attempt, retries, behavior).await,
                    )
                });
            }
        }
    }
    let results = futures_util::future::join_all(runs).await;
    let late: Vec<_> = results
        .iter()
        .filter(|(.., took)| *took > Duration::from_millis(1500))
        .collect();
    assert!(
        late.is_empty(),
        "deadline of 1 s passed by more than 0.5 s: {late:#?}"
    );
    assert_eq!(results.len(), 30);
}

/// A call queued behind a concurrency limit, or waiting for a rate-limit
/// slot, ends at its deadline: the waits outside an attempt count too (the
/// transport arms one timer per call, and each wait knows the deadline).
#[tokio::test]
async fn the_deadline_holds_in_the_queue_of_a_limit_and_for_a_rate_slot() {
    let server = TestServer::start().await;
    server.default_for(
        "/rest/inputs",
        Behavior::json(200, "[]").delayed(Duration::from_secs(3)),
    );
    let mut c = Config::new().with_base_url(server.base_url());
    c.concurrency_limit = Some(1);
    let t = Transport::new(c).unwrap();
    // The first call holds the only slot for 3 s.
    let first = tokio::spawn({
        let t = t.clone();
        async move { call(&t, get_inputs()).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The second carries a deadline of its own, 1 s away.
    let mut req = get_inputs();
    req.extensions_mut().insert(alooma_http::Deadline::new(
        tokio::time::Instant::now() + Duration::from_secs(1),
        Duration::from_secs(1),
    ));
    let start = Instant::now();
    let err = call(&t, req).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, Error::Timeout { kind: TimeoutKind::Total, after, .. } if after == Duration::from_secs(1)),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert!(first.await.unwrap().is_ok());
    // Only the first call reached the server.
    assert_eq!(server.count("/rest/inputs"), 1);

    // One request per 10 s: the second call's slot is 10 s away, its
    // deadline 1 s.
    let server = TestServer::start().await;
    server.default_for("/rest/inputs", Behavior::json(200, "[]"));
    let mut c = with_total(&server, Duration::from_secs(1));
    c.rate_limit = Some(alooma_http::RateLimit::new(1, Duration::from_secs(10)));
    let t = Transport::new(c).unwrap();
    call(&t, get_inputs()).await.unwrap();
    let start = Instant::now();
    let err = call(&t, get_inputs()).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert_eq!(server.count("/rest/inputs"), 1);
}

/// A call stopped because its deadline leaves no room for another attempt
/// is a timeout, whatever stopped it: the attempt timeout, the total
/// deadline, a backoff (with its jitter pinned to either end) or a
/// `Retry-After` that does not fit, against a server that never answers,
/// trickles its body, or asks to come back later.
#[tokio::test]
async fn a_call_stopped_by_its_deadline_is_a_timeout_in_every_combination() {
    use alooma_http::Jitter;
    let servers = [
        (
            "never answers",
            Behavior::json(200, "[]").delayed(Duration::from_secs(30)),
        ),
        (
            "trickles",
            Behavior::Trickle {
                body: vec![b' '; 64],
                every: Duration::from_millis(500),
            },
        ),
        ("503, Retry-After 1", Behavior::retry_after(503, 1)),
        ("503, Retry-After 3600", Behavior::retry_after(503, 3600)),
        ("503", Behavior::status(503)),
    ];
    let total = Duration::from_secs(3);
    let mut cases = Vec::new();
    for (what, behavior) in &servers {
        for attempt in [Duration::from_secs(1), Duration::from_secs(60)] {
            for jitter in [Jitter::Zero, Jitter::Max] {
                for base in [Duration::from_millis(300), Duration::from_secs(2)] {
                    cases.push((*what, behavior.clone(), attempt, jitter, base));
                }
            }
        }
    }
    let runs = cases
        .into_iter()
        .map(|(what, behavior, attempt, jitter, base)| async move {
            let server = TestServer::start().await;
            server.default_for("/rest/inputs", behavior);
            let mut c = Config::new().with_base_url(server.base_url());
            c.timeouts.attempt = attempt;
            c.timeouts.total = Some(total);
            c.retry.max_attempts = 10;
            c.retry.base_delay = base;
            c.retry.max_delay = base * 4;
            c.retry.retry_after_cap = Duration::from_secs(3600);
            c.retry.jitter = jitter;
            let t = Transport::new(c).unwrap();
            let start = Instant::now();
            let result = call(&t, get_inputs()).await;
            let took = start.elapsed();
            let label = format!("{what}, attempt {attempt:?}, jitter {jitter:?}, base {base:?}");
            (label, result, took)
        });
    for (label, result, took) in futures_util::future::join_all(runs).await {
        let err = match result {
            // Ten fast attempts of a 503 may end before the deadline: then
            // the last answer is the result, and no deadline was reached.
            Ok(resp) => {
                assert_eq!(resp.status(), 503, "{label}");
                assert!(took < total, "{label}: took {took:?}");
                continue;
            }
            Err(err) => err,
        };
        assert!(err.is_timeout(), "{label}: not a timeout: {err:?}");
        assert_eq!(
            err.phase(),
            alooma_core::ErrorPhase::Timeout,
            "{label}: {err}"
        );
        assert!(
            took <= total + Duration::from_millis(600),
            "{label}: took {took:?}"
        );
    }
}
