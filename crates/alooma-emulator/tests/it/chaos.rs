//! Chaos: faults by operation name, with a probability and a seed that
//! repeat exactly; log-normal latency; error bodies; from the Rust API,
//! the builder and `/__emulator/faults`.

use crate::common::{admin, call, get, get_ok};
use alooma_emulator::{Emulator, Fault};
use http::Method;
use serde_json::json;
use std::time::Duration;

async fn statuses(emu: &Emulator, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for i in 0..n {
        let path = if i % 2 == 0 { "inputs" } else { "event-types" };
        out.push(get(emu, path).await.status);
    }
    out
}

#[tokio::test]
async fn a_seeded_probability_by_operation_repeats_exactly() {
    let fault = || {
        Fault::status(503)
            .operation("get_inputs")
            .probability(0.4)
            .seed(42)
            .forever()
    };
    let a = Emulator::builder().fault(fault()).start().await.unwrap();
    let b = Emulator::start().await.unwrap();
    let r = admin(
        &b,
        Method::POST,
        "faults",
        Some(serde_json::to_value(fault()).unwrap()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let (sa, sb) = (statuses(&a, 80).await, statuses(&b, 80).await);
    assert_eq!(sa, sb, "the same seed and requests meet the same faults");
    let failed_inputs = sa.iter().step_by(2).filter(|s| **s == 503).count();
    assert!(
        (6..=26).contains(&failed_inputs),
        "{failed_inputs} of 40 at p=0.4"
    );
    assert!(
        sa.iter().skip(1).step_by(2).all(|s| *s == 200),
        "other operations are untouched"
    );
    let c = Emulator::builder()
        .fault(
            Fault::status(503)
                .operation("get_inputs")
                .probability(0.4)
                .seed(43)
                .forever(),
        )
        .start()
        .await
        .unwrap();
    assert_ne!(statuses(&c, 80).await, sa, "another seed, another run");
    let log = a.requests();
    assert!(log
        .iter()
        .filter(|r| r.status == Some(503))
        .all(|r| r.fault.as_deref() == Some("status")
            && r.operation.as_deref() == Some("get_inputs")));
}

#[tokio::test]
async fn faults_answer_the_services_error_body_or_a_given_one() {
    let emu = Emulator::start().await.unwrap();
    emu.inject(Fault::status(500).operation("get_event_types"));
    let r = get(&emu, "event-types").await;
    r.assert_error(500);
    let body = r.json();
    assert_eq!(body["error"], "Internal Server Error");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("get_event_types"));
    emu.inject(
        Fault::status(429)
            .retry_after(7)
            .body(json!({"message": "slow down", "code": 42})),
    );
    let r = get(&emu, "event-types").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "7");
    assert_eq!(r.json(), json!({"message": "slow down", "code": 42}));
}

#[tokio::test]
async fn log_normal_latency_slows_matching_requests_only() {
    let emu = Emulator::start().await.unwrap();
    emu.inject(
        Fault::latency(Duration::from_millis(150), 0.2)
            .operation("get_inputs")
            .seed(1)
            .times(2),
    );
    let t = std::time::Instant::now();
    get_ok(&emu, "event-types").await;
    let fast = t.elapsed();
    let t = std::time::Instant::now();
    get_ok(&emu, "inputs").await;
    let slow = t.elapsed();
    assert!(slow >= Duration::from_millis(80), "{slow:?}");
    assert!(fast < slow, "{fast:?} vs {slow:?}");
    let log = emu.requests();
    assert_eq!(log[1].fault.as_deref(), Some("latency"));
    assert_eq!(emu.faults()[0].remaining(), Some(1));
}

#[tokio::test]
async fn bad_faults_are_refused_with_the_reason() {
    let emu = Emulator::start().await.unwrap();
    for (bad, why) in [
        (
            json!({"kind": "status", "status": 503, "probability": 2}),
            "probability",
        ),
        (
            json!({"kind": "latency", "median_ms": 10, "sigma": 9}),
            "sigma",
        ),
        (
            json!({"kind": "status", "status": 503, "times": 0}),
            "times",
        ),
        (json!({"kind": "explode"}), "not a fault"),
    ] {
        let r = admin(&emu, Method::POST, "faults", Some(bad.clone())).await;
        r.assert_error(400);
        assert!(
            String::from_utf8_lossy(&r.body).contains(why),
            "{bad}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    assert!(emu.faults().is_empty());
    let err = Emulator::builder()
        .fault(Fault::status(503).probability(-1.0))
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("probability"), "{err}");
    // The admin API is never faulted.
    emu.inject(Fault::drop_connection().forever());
    assert_eq!(admin(&emu, Method::GET, "faults", None).await.status, 200);
    emu.clear_faults();
    assert_eq!(call(&emu, Method::GET, "inputs", None).await.status, 200);
}
