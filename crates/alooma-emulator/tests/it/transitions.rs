//! State over time, under a test clock: inputs start, the restream queue
//! drains, scheduled queries run (and fail), deterministically.

use crate::common::{get_ok, ok};
use alooma_emulator::{Clock, Emulator, Transitions};
use http::Method;
use serde_json::{json, Value};
use std::time::Duration;

const T0: i64 = 1_700_000_000_000;
const RESTREAM: &str = "5b1c6d2e-0a41-4f7e-9c11-000000000003";

async fn new_input(emu: &Emulator) -> String {
    let node = ok(
        emu,
        Method::POST,
        "plumbing/inputs",
        Some(json!({"name": "fresh", "type": "MYSQL", "configuration": {}})),
    )
    .await;
    node["id"].as_str().unwrap().to_owned()
}

async fn phase(emu: &Emulator, id: &str) -> (Value, Value) {
    let job = get_ok(emu, &format!("inputs/{id}")).await;
    let task = job["tasks"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    (job["job"]["state"].clone(), task["status"].clone())
}

#[tokio::test]
async fn a_new_input_starts_after_a_number_of_reads() {
    let emu = Emulator::builder()
        .clock(Clock::manual(T0))
        .transitions(Transitions::default().input_start_reads(3))
        .start()
        .await
        .unwrap();
    let id = new_input(&emu).await;
    assert_eq!(
        phase(&emu, &id).await,
        (json!("starting"), json!("starting"))
    );
    assert_eq!(phase(&emu, &id).await.0, "starting");
    assert_eq!(
        phase(&emu, &id).await,
        (json!("running"), json!("active")),
        "the third read"
    );
    assert_eq!(phase(&emu, &id).await.0, "running", "and it stays");
    // Seeded inputs were running all along.
    let seeded = get_ok(&emu, "inputs/7f0e2a10-3c55-4b8d-a2f4-0000000000a1").await;
    assert_eq!(seeded["job"]["state"], "running");
}

#[tokio::test]
async fn a_new_input_starts_after_some_seconds_of_the_test_clock() {
    let clock = Clock::manual(T0);
    let emu = Emulator::builder()
        .clock(clock.clone())
        .transitions(Transitions::default().input_start_secs(30.0))
        .start()
        .await
        .unwrap();
    let id = new_input(&emu).await;
    clock.advance(Duration::from_secs(29));
    assert_eq!(phase(&emu, &id).await.0, "starting");
    emu.advance(Duration::from_secs(1));
    assert_eq!(phase(&emu, &id).await.0, "running");
}

#[tokio::test]
async fn with_no_transition_configured_a_new_input_runs_at_once() {
    let emu = Emulator::builder()
        .clock(Clock::manual(T0))
        .start()
        .await
        .unwrap();
    let id = new_input(&emu).await;
    assert_eq!(phase(&emu, &id).await.0, "running");
}

async fn queue(emu: &Emulator) -> u64 {
    let s = get_ok(emu, "plumbing").await;
    s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["type"] == "RESTREAM")
        .unwrap()["stats"]["availbleForRestream"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn the_restream_queue_drains_at_its_rate_while_streaming() {
    let clock = Clock::manual(T0);
    let emu = Emulator::builder()
        .clock(clock.clone())
        .transitions(Transitions::default().restream_drain_per_sec(10.0))
        .start()
        .await
        .unwrap();
    emu.with_state_mut(|s| {
        let node = s
            .nodes
            .iter_mut()
            .find(|n| n.node_type == "RESTREAM")
            .unwrap();
        node.stats.insert("availbleForRestream".into(), json!(1000));
    });
    clock.advance(Duration::from_secs(10));
    assert_eq!(queue(&emu).await, 1000, "nothing drains before streaming");
    ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{RESTREAM}"),
        Some(json!({"id": RESTREAM, "name": "Restream", "type": "RESTREAM",
            "configuration": {"streaming": "true"}, "category": "INPUT", "deleted": false, "state": null})),
    )
    .await;
    clock.advance(Duration::from_millis(2_500));
    assert_eq!(queue(&emu).await, 975);
    clock.advance(Duration::from_secs(60));
    assert_eq!(queue(&emu).await, 375);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(queue(&emu).await, 0, "down to empty, never below");
}

async fn query(emu: &Emulator, id: &Value) -> Value {
    get_ok(emu, "v2/consolidation")
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|q| &q["id"] == id)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn scheduled_queries_report_runs_and_every_nth_fails() {
    let clock = Clock::manual(T0);
    let emu = Emulator::builder()
        .clock(clock.clone())
        .transitions(Transitions::default().query_fail_every(3))
        .start()
        .await
        .unwrap();
    let q = ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "orders", "frequency": 2})),
    )
    .await;
    let id = q["id"].clone();
    assert_eq!(q["run_count"], 0);
    assert_eq!(q["next_processing_time"], "2023-11-15T00:13:20.000000");
    clock.advance(Duration::from_secs(2 * 3600));
    let after_one = query(&emu, &id).await;
    assert_eq!(after_one["run_count"], 1);
    assert_eq!(after_one["status"], "active");
    assert_eq!(after_one["last_success_time"], "2023-11-15T00:13:20.000000");
    assert_eq!(
        after_one["next_processing_time"],
        "2023-11-15T02:13:20.000000"
    );
    clock.advance(Duration::from_secs(4 * 3600 + 60));
    let after_three = query(&emu, &id).await;
    assert_eq!(after_three["run_count"], 3);
    assert_eq!(after_three["status"], "error", "the third run fails");
    assert_eq!(after_three["error_count"], 1);
    assert!(after_three["error_message"]
        .as_str()
        .unwrap()
        .contains("run 3"));
    clock.advance(Duration::from_secs(2 * 3600));
    let after_four = query(&emu, &id).await;
    assert_eq!(after_four["status"], "active");
    assert_eq!(after_four["run_count"], 4);
}

/// The same steps under the same clock give the same answers, byte for byte.
#[tokio::test]
async fn transitions_are_deterministic_under_the_test_clock() {
    async fn run() -> String {
        let clock = Clock::manual(T0);
        let emu = Emulator::builder()
            .clock(clock.clone())
            .transitions(
                Transitions::default()
                    .input_start_reads(2)
                    .restream_drain_per_sec(3.5)
                    .query_fail_every(2),
            )
            .start()
            .await
            .unwrap();
        let id = new_input(&emu).await;
        ok(
            &emu,
            Method::POST,
            "v2/consolidation",
            Some(json!({"event_type": "orders", "frequency": 1})),
        )
        .await;
        let mut answers = Vec::new();
        for step in 0..6u64 {
            clock.advance(Duration::from_secs(1800 + step * 7));
            answers.push(get_ok(&emu, &format!("inputs/{id}")).await);
            answers.push(get_ok(&emu, "v2/consolidation").await);
            answers.push(get_ok(&emu, "plumbing").await);
        }
        serde_json::to_string(&answers).unwrap()
    }
    assert_eq!(run().await, run().await);
}
