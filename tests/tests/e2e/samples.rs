//! Samples end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, requests_to, start};

#[tokio::test]
async fn get_samples_filters_by_type_and_statuses() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_samples(None, &[]).await.unwrap().len(), 7);
    let checkout = c.get_samples(Some("checkout"), &[]).await.unwrap();
    assert_eq!(checkout.len(), 2);
    assert!(checkout
        .iter()
        .all(|s| s.event_type.as_deref() == Some("checkout")));
    // Statuses without an event type (defect 2: the reference lost the `?`).
    let statuses = c
        .get_samples(None, &["TYPE_MISMATCH", "NO_MAPPED_FIELDS"])
        .await
        .unwrap();
    let mut types: Vec<_> = statuses
        .iter()
        .filter_map(|s| s.event_type.clone().into_option())
        .collect();
    types.sort();
    assert_eq!(types, ["checkout", "partner/feed"]);
    // An event type needing encoding.
    let feed = c.get_samples(Some("partner/feed"), &[]).await.unwrap();
    assert_eq!(feed.len(), 1);
    let queries: Vec<Option<String>> = requests_to(&emu, "GET", "samples")
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            None,
            Some("eventType=checkout".to_owned()),
            Some("status=TYPE_MISMATCH&status=NO_MAPPED_FIELDS".to_owned()),
            Some("eventType=partner%2Ffeed".to_owned()),
        ]
    );
}

#[tokio::test]
async fn get_samples_stats_counts_per_type_and_status() {
    let emu = start().await;
    let c = client(&emu);
    let stats = c.get_samples_stats().await.unwrap();
    assert_eq!(stats["page_view"]["VALID"], 2);
    assert_eq!(stats["page_view"]["UNMAPPED_FIELDS"], 1);
    assert_eq!(stats["partner/feed"]["NO_MAPPED_FIELDS"], 1);
    let total: u64 = stats.values().flat_map(|m| m.values()).sum();
    assert_eq!(total, 7);
}

#[tokio::test]
async fn get_samples_status_codes_describes_codes() {
    let emu = start().await;
    let c = client(&emu);
    let codes = c.get_samples_status_codes().await.unwrap();
    assert_eq!(codes["TYPE_MISMATCH"], "Type mismatch");
    assert_eq!(codes.len(), 8);
}
