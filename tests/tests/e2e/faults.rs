//! Faults injected in the emulator: retries of idempotent calls, no
//! retries of non-idempotent ones, broken connections and bodies.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::InputSpec;
use alooma::Error;
use alooma_emulator::Fault;
use alooma_tests::{build, builder, client, count, requests_to, start};
use std::time::Duration;

#[tokio::test]
async fn status_503_twice_then_success_succeeds() {
    let emu = start().await;
    let c = client(&emu);
    emu.inject(Fault::status(503).times(2).path("event-types"));
    let types = c.get_event_types().await.unwrap();
    assert_eq!(types.len(), 5);
    let statuses: Vec<Option<u16>> = requests_to(&emu, "GET", "event-types")
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
    assert!(emu.faults().is_empty());
}

#[tokio::test]
async fn retry_after_is_honoured_and_call_succeeds() {
    let emu = start().await;
    let c = client(&emu);
    emu.inject(Fault::status(429).retry_after(0).path("secrets"));
    assert_eq!(c.get_secrets().await.unwrap().len(), 2);
    assert_eq!(count(&emu, "GET", "secrets"), 2);
}

#[tokio::test]
async fn persistent_503_fails_after_max_attempts() {
    let emu = start().await;
    let c = client(&emu);
    emu.inject(Fault::status(503).times(10).path("event-types"));
    let err = c.get_event_types().await.unwrap_err();
    assert!(
        matches!(err, Error::Api { .. } | Error::RetryBudgetExhausted { .. }),
        "{err:?}"
    );
    assert_eq!(count(&emu, "GET", "event-types"), 3);
}

#[tokio::test]
async fn dropped_connection_on_create_input_is_an_error_seen_at_most_once() {
    let emu = start().await;
    let c = client(&emu);
    let inputs_before = emu.with_state(|s| s.input_meta.len());
    emu.inject(
        Fault::drop_connection()
            .method("POST")
            .path("plumbing/inputs"),
    );
    let err = c
        .create_input(&InputSpec::new("dropped", "RESTAPI"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport { .. } | Error::Connect { .. } | Error::Timeout { .. }
        ),
        "{err:?}"
    );
    // Not retried: the emulator saw the POST at most once.
    assert!(count(&emu, "POST", "plumbing/inputs") <= 1);
    let created = emu.with_state(|s| s.input_meta.len()) - inputs_before;
    assert!(created <= 1);
    // The emulator and the client both still work.
    let id = c
        .create_input(&InputSpec::new("after", "RESTAPI"))
        .await
        .unwrap();
    assert!(emu.with_state(|s| s.node(&id).is_some()));
}

#[tokio::test]
async fn status_503_on_non_idempotent_call_is_not_retried() {
    let emu = start().await;
    let c = client(&emu);
    emu.inject(Fault::status(503).path("v2/consolidation/1/run"));
    let err = c.run_query("1").await.unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(count(&emu, "POST", "v2/consolidation/1/run"), 1);
}

#[tokio::test]
async fn truncated_body_is_an_error_not_a_panic() {
    let emu = start().await;
    let c = client(&emu);
    // More truncations than attempts, so retries cannot hide it.
    emu.inject(Fault::truncated_body().times(10).path("event-types"));
    let err = c.get_event_types().await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. } | Error::Decode { .. }),
        "{err:?}"
    );
    emu.clear_faults();
    assert_eq!(c.get_event_types().await.unwrap().len(), 5);
}

#[tokio::test]
async fn truncated_body_on_non_idempotent_call_is_an_error() {
    let emu = start().await;
    let c = client(&emu);
    emu.inject(Fault::truncated_body().path("notifications/custom"));
    let err = c
        .publish_notification(
            alooma::types::NotificationLevel::Info,
            "hello",
            serde_json::json!({}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. } | Error::Decode { .. }),
        "{err:?}"
    );
    assert_eq!(count(&emu, "POST", "notifications/custom"), 1);
}

#[tokio::test]
async fn slow_answer_past_the_attempt_timeout_is_a_timeout() {
    let emu = start().await;
    let mut policy = alooma_tests::fast_retries();
    policy.max_attempts = 1;
    let c = build(
        builder(&emu)
            .api_key(emu.api_key().unwrap())
            .retry_policy(policy)
            .attempt_timeout(Duration::from_millis(200)),
    );
    emu.inject(Fault::delay(Duration::from_secs(2)).path("rest/user"));
    let err = c.get_users().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn server_504_is_a_server_timeout() {
    let emu = start().await;
    let mut policy = alooma_tests::fast_retries();
    policy.max_attempts = 1;
    let c = build(
        builder(&emu)
            .api_key(emu.api_key().unwrap())
            .retry_policy(policy),
    );
    emu.inject(Fault::status(504).path("user/"));
    let err = c.get_users().await.unwrap_err();
    assert!(matches!(err, Error::ServerTimeout { .. }), "{err:?}");
}
