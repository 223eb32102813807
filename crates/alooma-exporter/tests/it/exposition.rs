//! What the exporter exposes, from an emulator whose state is known.

use alooma_emulator::{Emulator, Fault};
use alooma_exporter::{Exporter, ExporterConfig};
use std::time::Duration;

fn client(emu: &Emulator) -> alooma::Client {
    let mut retry = alooma::RetryPolicy::default();
    retry.max_attempts = 1;
    alooma::Client::builder()
        .base_url(emu.base_url())
        .account(emu.account())
        .api_key(emu.key())
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l[series.len()..].trim().split(' ').next()?.parse().ok())
}

#[tokio::test]
async fn the_exposition_matches_the_emulators_state() {
    let emu = Emulator::start().await.unwrap();
    let exporter = Exporter::new(client(&emu), ExporterConfig::default());
    let text = exporter.scrape().await;
    println!("{text}");
    // Every metric of the list, with HELP and TYPE, units in the names.
    for name in [
        "alooma_event_size_average_bytes",
        "alooma_latency_max_seconds",
        "alooma_incoming_events",
        "alooma_restream_queue_events",
        "alooma_scheduled_queries_in_error",
        "alooma_exporter_stale",
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} gauge")),
            "{name}:\n{text}"
        );
        assert!(text.contains(&format!("# HELP {name} ")), "{name}");
    }
    assert_eq!(value(&text, "alooma_restream_queue_events"), Some(1250.0));
    let inputs = emu.with_state(|s| s.input_meta.len()) as f64;
    let listed: f64 = text
        .lines()
        .filter(|l| l.starts_with("alooma_inputs{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(listed, inputs);
    assert_eq!(value(&text, "alooma_scheduled_queries"), Some(2.0));
    assert_eq!(value(&text, "alooma_scheduled_queries_in_error"), Some(1.0));
    assert_eq!(value(&text, "alooma_exporter_stale"), Some(0.0));
    assert!(
        value(&text, "alooma_latency_max_seconds").unwrap() > 1.0,
        "ms → s"
    );
    assert!(text.contains("alooma_node_latency_seconds{node=\"Redshift\",type=\"REDSHIFT\"} 9.052"));
    assert!(text.ends_with("# EOF\n"));
    let doubled: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("# HELP") && l.ends_with(".."))
        .collect();
    assert!(
        doubled.is_empty(),
        "help texts end with one period: {doubled:?}"
    );
}

#[tokio::test]
async fn scrapes_within_the_refresh_interval_share_one_read() {
    let emu = Emulator::start().await.unwrap();
    let mut config = ExporterConfig::default();
    config.refresh = Duration::from_secs(3600);
    let exporter = Exporter::new(client(&emu), config);
    for _ in 0..20 {
        exporter.scrape().await;
    }
    assert_eq!(exporter.refreshes(), 1);
    let calls = emu.requests().len();
    let scrapes: Vec<_> = (0..10).map(|_| exporter.scrape()).collect();
    futures::future::join_all(scrapes).await;
    assert_eq!(
        emu.requests().len(),
        calls,
        "a scrape storm is not an API storm"
    );
}

#[tokio::test]
async fn a_failing_api_marks_the_data_stale_and_keeps_the_last_values() {
    let emu = Emulator::start().await.unwrap();
    let mut config = ExporterConfig::default();
    config.refresh = Duration::ZERO;
    let exporter = Exporter::new(client(&emu), config);
    let good = exporter.scrape().await;
    assert_eq!(value(&good, "alooma_exporter_stale"), Some(0.0));
    emu.inject(Fault::status(503).operation("get_structure").forever());
    emu.inject(Fault::status(401).operation("get_queries").forever());
    let bad = exporter.scrape().await;
    assert_eq!(value(&bad, "alooma_exporter_stale"), Some(1.0));
    assert_eq!(
        value(&bad, "alooma_restream_queue_events"),
        Some(1250.0),
        "the last good value"
    );
    assert_eq!(value(&bad, "alooma_scheduled_queries"), Some(2.0));
    assert!(
        bad.contains("alooma_exporter_refresh_errors_total{kind=\"api\"} 1"),
        "{bad}"
    );
    assert!(
        bad.contains("alooma_exporter_refresh_errors_total{kind=\"auth\"} 1"),
        "{bad}"
    );
    assert!(bad
        .contains("alooma_exporter_api_call_duration_seconds_count{operation=\"get_structure\"}"));
    // The API comes back: fresh again.
    emu.clear_faults();
    let again = exporter.scrape().await;
    assert_eq!(value(&again, "alooma_exporter_stale"), Some(0.0));
}
