//! Credits and usage end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, requests_to, start};

#[tokio::test]
async fn get_company_credits_reads_totals() {
    let emu = start().await;
    let c = client(&emu);
    let credits = c.get_company_credits().await.unwrap();
    assert_eq!(credits.company_name.as_deref(), Some("example.com"));
    assert_eq!(credits.total_credits_f64(), Some(170000.0));
}

#[tokio::test]
async fn get_used_credits_filters_by_day() {
    let emu = start().await;
    let c = client(&emu);
    let own = c.get_used_credits(None, None, false).await.unwrap();
    assert_eq!(own.len(), 5);
    assert!(own
        .iter()
        .all(|r| r.instance_name.as_deref() == Some("acme")));
    // all_accounts adds the other instances' rows.
    assert_eq!(c.get_used_credits(None, None, true).await.unwrap().len(), 6);
    let some = c
        .get_used_credits(Some("2024-04-28"), Some("2024-04-29"), true)
        .await
        .unwrap();
    let days: Vec<&str> = some.iter().map(|r| r.date.as_deref().unwrap()).collect();
    assert_eq!(days, ["2024-04-28", "2024-04-29"]);
    let queries: Vec<_> = requests_to(&emu, "GET", "credits/used-credits")
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            None,
            Some("all=True".to_owned()),
            Some("from=2024-04-28&to=2024-04-29&all=True".to_owned())
        ]
    );
}

#[tokio::test]
async fn get_loaded_events_per_table_summary_reads_rows() {
    let emu = start().await;
    let c = client(&emu);
    let rows = c
        .get_loaded_events_per_table_summary("2024-05-01T00:00:00", None, false)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .any(|r| r.table_name.as_deref() == Some("PUBLIC.PAGE_VIEW")
            && r.count.get().map(|c| *c.get()) == Some(25000)));
    // `all` adds other instances' tables.
    let all = c
        .get_loaded_events_per_table_summary("2024-05-01T00:00:00", None, true)
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let later = c
        .get_loaded_events_per_table_summary("2024-05-02T00:00:00", None, false)
        .await
        .unwrap();
    assert!(later.is_empty());
    let q = requests_to(&emu, "GET", "events/loaded-events-per-table/summary");
    assert_eq!(q[0].query.as_deref(), Some("from=2024-05-01T00%3A00%3A00"));
}
