//! The Restream Queue end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, count, start};

const RESTREAM_ID: &str = "5b1c6d2e-0a41-4f7e-9c11-000000000003";

fn restream_node(emu: &alooma_emulator::Emulator) -> serde_json::Value {
    emu.with_state(|s| {
        s.node(RESTREAM_ID)
            .map(|n| serde_json::to_value(n).unwrap())
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn get_restream_queue_size_reads_the_node() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 1250);
}

#[tokio::test]
async fn get_restream_stats_reports_event_count() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_restream_stats().await.unwrap().number_of_events, 1250);
}

#[tokio::test]
async fn start_restream_turns_streaming_on() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(restream_node(&emu)["configuration"]["streaming"], "false");
    c.start_restream().await.unwrap();
    assert_eq!(restream_node(&emu)["configuration"]["streaming"], "true");
    assert_eq!(
        count(&emu, "PUT", &format!("plumbing/nodes/{RESTREAM_ID}")),
        1
    );
    // Without a RESTREAM node it is an error.
    emu.with_state_mut(|s| s.nodes.retain(|n| n.node_type != "RESTREAM"));
    assert!(c.start_restream().await.is_err());
}

#[tokio::test]
async fn purge_restream_queue_empties_it() {
    let emu = start().await;
    let c = client(&emu);
    c.purge_restream_queue().await.unwrap();
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    assert_eq!(count(&emu, "DELETE", "plumbing/purge/restream"), 1);
}

#[tokio::test]
async fn clean_restream_queue_is_the_same_purge() {
    let emu = start().await;
    let c = client(&emu);
    c.clean_restream_queue().await.unwrap();
    assert_eq!(c.get_restream_stats().await.unwrap().number_of_events, 0);
    assert_eq!(count(&emu, "DELETE", "plumbing/purge/restream"), 1);
}
