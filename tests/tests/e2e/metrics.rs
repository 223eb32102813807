//! Metrics end to end: the raw series and every helper computed from it.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{MetricName, MetricSeries};
use alooma::Client;
use alooma_tests::{client, requests_to, start};

/// The non-null values of one metric over `minutes`, as the helpers ask
/// for it (resolution = minutes).
async fn values(c: &Client, name: MetricName, minutes: u32) -> Vec<f64> {
    let series: Vec<MetricSeries> = c.get_metrics_by_names([name], minutes).await.unwrap();
    assert_eq!(series.len(), 1);
    series[0].values().collect()
}

#[tokio::test]
async fn get_metrics_by_names_returns_one_series_per_name() {
    let emu = start().await;
    let c = client(&emu);
    let series = c
        .get_metrics_by_names_with(
            [MetricName::IncomingEvents, MetricName::LatencyMax],
            60,
            Some(5),
        )
        .await
        .unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].target, MetricName::IncomingEvents);
    assert_eq!(series[1].target, MetricName::LatencyMax);
    // One point per 5-minute step over the hour, both ends included.
    assert_eq!(series[0].points().len(), 13);
    // Every fourth point is null in the emulator's series.
    assert_eq!(series[0].values().count(), 10);
    let reqs = requests_to(&emu, "GET", "metrics");
    assert_eq!(
        reqs[0].query.as_deref(),
        Some("metrics=INCOMING_EVENTS,LATENCY_MAX&from=-60min&resolution=5min")
    );
}

#[tokio::test]
async fn get_incoming_queue_metric_is_the_max() {
    let emu = start().await;
    let c = client(&emu);
    let v = values(&c, MetricName::EventsInPipeline, 30).await;
    let expected = v.iter().copied().fold(0.0, f64::max);
    assert!(expected > 0.0);
    assert_eq!(c.get_incoming_queue_metric(30).await.unwrap(), expected);
}

#[tokio::test]
async fn get_incoming_events_count_is_the_sum() {
    let emu = start().await;
    let c = client(&emu);
    let v = values(&c, MetricName::IncomingEvents, 30).await;
    let expected: f64 = v.iter().sum();
    assert!(expected > 0.0);
    assert_eq!(c.get_incoming_events_count(30).await.unwrap(), expected);
}

#[tokio::test]
async fn get_average_event_size_is_the_mean() {
    let emu = start().await;
    let c = client(&emu);
    let v = values(&c, MetricName::EventSizeAvg, 30).await;
    let expected = v.iter().sum::<f64>() / v.len() as f64;
    assert_eq!(c.get_average_event_size(30).await.unwrap(), expected);
}

#[tokio::test]
async fn get_max_latency_is_in_seconds() {
    let emu = start().await;
    let c = client(&emu);
    let v = values(&c, MetricName::LatencyMax, 30).await;
    let expected = v.iter().copied().fold(0.0, f64::max) / 1000.0;
    assert!(expected > 1.0);
    assert_eq!(c.get_max_latency(30).await.unwrap(), expected);
}

#[tokio::test]
async fn get_outputs_metrics_sums_each_series() {
    let emu = start().await;
    let c = client(&emu);
    let m = c.get_outputs_metrics(30).await.unwrap();
    let targets: Vec<&MetricName> = m.sums.iter().map(|(t, _)| t).collect();
    assert_eq!(
        targets,
        [
            &MetricName::UnmappedEvents,
            &MetricName::IgnoredEvents,
            &MetricName::ErrorEvents,
            &MetricName::LoadedEventsRate
        ]
    );
    let loaded: f64 = values(&c, MetricName::LoadedEventsRate, 30)
        .await
        .iter()
        .sum();
    assert_eq!(m.get(&MetricName::LoadedEventsRate), Some(loaded));
    let erred: f64 = values(&c, MetricName::ErrorEvents, 30).await.iter().sum();
    assert_eq!(m.erred(), erred);
}

#[tokio::test]
async fn get_restream_queue_metrics_is_the_first_value() {
    let emu = start().await;
    let c = client(&emu);
    let v = values(&c, MetricName::EventsInTransit, 30).await;
    assert_eq!(
        c.get_restream_queue_metrics(30).await.unwrap(),
        v.first().copied()
    );
    assert!(!v.is_empty());
}
