//! Client methods of the metrics area over `MockService`: the exact
//! request each sends and the computed result.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::types::MetricName;
use alooma::{Client, Error};

fn sent(mock: &MockService) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect()
}

fn client_with(uri: &str, body: &str) -> (Client<MockService>, MockService) {
    let mock = MockService::new();
    mock.on("GET", uri, 200, body.to_owned());
    (Client::with_service(mock.clone()), mock)
}

#[tokio::test]
async fn get_metrics_by_names() {
    let (client, mock) = client_with(
        "/metrics?metrics=EVENT_SIZE_AVG,LATENCY_MAX&from=-100min&resolution=100min",
        include_str!("../../../alooma-types/tests/fixtures/metrics/get_metrics_by_names.json"),
    );
    let s = client
        .get_metrics_by_names_with(
            [MetricName::EventSizeAvg, MetricName::LatencyMax],
            100,
            None,
        )
        .await
        .unwrap();
    assert_eq!(s[0].points()[0].value(), Some(22984.973548689137));
    assert_eq!(mock.requests()[0].operation, Some("get_metrics_by_names"));

    let (client, mock) = client_with(
        "/metrics?metrics=INCOMING_EVENTS&from=-60min&resolution=5min",
        "[]",
    );
    assert!(client
        .get_metrics_by_names_with([MetricName::IncomingEvents], 60, Some(5))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(sent(&mock).len(), 1);
}

#[tokio::test]
async fn get_metrics_by_names_refuses_unknown_names_without_a_request() {
    let mock = MockService::new();
    let client = Client::with_service(mock.clone());
    let err = client
        .get_metrics_by_names_with([MetricName::from("CPU_LOAD")], 10, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }), "{err}");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn get_incoming_queue_metric() {
    let (client, mock) = client_with(
        "/metrics?metrics=EVENTS_IN_PIPELINE&from=-100min&resolution=100min",
        r#"[{"target":"EVENTS_IN_PIPELINE","datapoints":[[null,1],[12,2],[30,3]]}]"#,
    );
    assert_eq!(client.get_incoming_queue_metric(100).await.unwrap(), 30.0);
    assert_eq!(
        mock.requests()[0].operation,
        Some("get_incoming_queue_metric")
    );
}

#[tokio::test]
async fn get_incoming_events_count() {
    let (client, _) = client_with(
        "/metrics?metrics=INCOMING_EVENTS&from=-10min&resolution=10min",
        r#"[{"target":"INCOMING_EVENTS","datapoints":[[55000,1],[null,2],[960,3]]}]"#,
    );
    assert_eq!(client.get_incoming_events_count(10).await.unwrap(), 55960.0);
}

#[tokio::test]
async fn get_average_event_size() {
    let (client, _) = client_with(
        "/metrics?metrics=EVENT_SIZE_AVG&from=-10min&resolution=10min",
        r#"[{"target":"EVENT_SIZE_AVG","datapoints":[[null,1],[null,2]]}]"#,
    );
    assert_eq!(client.get_average_event_size(10).await.unwrap(), 0.0);
}

#[tokio::test]
async fn get_max_latency() {
    let (client, _) = client_with(
        "/metrics?metrics=LATENCY_MAX&from=-10min&resolution=10min",
        r#"[{"target":"LATENCY_MAX","datapoints":[[309576,1],[null,2]]}]"#,
    );
    assert_eq!(client.get_max_latency(10).await.unwrap(), 309.576);
}

#[tokio::test]
async fn get_max_latency_error_text_is_well_formed() {
    // Defect 8: the reference raises "Failed to get max latency, returning
    // 0. Reason: %s" with the reason as a separate tuple element.
    let mock = MockService::new();
    mock.on(
        "GET",
        "/metrics?metrics=LATENCY_MAX&from=-10min&resolution=10min",
        503,
        "busy",
    );
    let err = Client::with_service(mock)
        .get_max_latency(10)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        "get_max_latency: the server answered HTTP 503; body: busy"
    );
    assert!(!text.contains("%s") && !text.contains("returning 0"));
}

#[tokio::test]
async fn get_outputs_metrics() {
    let (client, _) = client_with(
        "/metrics?metrics=UNMAPPED_EVENTS,IGNORED_EVENTS,ERROR_EVENTS,LOADED_EVENTS_RATE&from=-60min&resolution=60min",
        r#"[{"target":"UNMAPPED_EVENTS","datapoints":[[20656,1]]},
            {"target":"IGNORED_EVENTS","datapoints":[[15.0,1]]},
            {"target":"ERROR_EVENTS","datapoints":[[null,1]]},
            {"target":"LOADED_EVENTS_RATE","datapoints":[[518333,1]]}]"#,
    );
    let m = client.get_outputs_metrics(60).await.unwrap();
    assert_eq!(m.as_tuple(), (0.0, 20656.0, 15.0, 518333.0));
    assert_eq!(m.sums[0], (MetricName::UnmappedEvents, 20656.0));
}

#[tokio::test]
async fn get_restream_queue_metrics() {
    let uri = "/metrics?metrics=EVENTS_IN_TRANSIT&from=-10min&resolution=10min";
    let (client, _) = client_with(
        uri,
        r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[[null,1],[4,2]]}]"#,
    );
    assert_eq!(
        client.get_restream_queue_metrics(10).await.unwrap(),
        Some(4.0)
    );
    // Defect 8: no values is not a failure.
    let (client, _) = client_with(uri, r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[]}]"#);
    assert_eq!(client.get_restream_queue_metrics(10).await.unwrap(), None);
}
