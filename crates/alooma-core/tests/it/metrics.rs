//! Requests (insta snapshots) and decoders of the metrics area.
//! Snapshots: `tests/snapshots/metrics__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{metrics::*, render, Error, Operation};
use alooma_types::MetricName;

const SERIES: &str =
    include_str!("../../../alooma-types/tests/fixtures/metrics/get_metrics_by_names.json");

fn malformed_is_an_error<O: Operation>(op: &O)
where
    O::Output: std::fmt::Debug,
{
    for body in ["", "[{\"target\":", "{\"target\":1}"] {
        let err = op.decode(answer(200, body)).unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err}");
    }
    let err = op
        .decode(answer(502, "<html><body>Bad Gateway</body></html>"))
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err}");
}

#[test]
fn get_metrics_by_names() {
    let op = GetMetricsByNames::new(
        [
            MetricName::EventSizeAvg,
            MetricName::IncomingEvents,
            MetricName::LatencyMax,
        ],
        100,
    )
    .resolution(10);
    let series = op.decode(answer(200, SERIES)).unwrap();
    assert_eq!(series[0].target, MetricName::EventSizeAvg);
    assert_eq!(series[0].points()[0].value(), Some(22984.973548689137));
    assert_eq!(series[0].points()[0].epoch(), Some(1529073369));
    malformed_is_an_error(&op);
}

#[test]
fn get_metrics_by_names_refuses_unknown_names_before_any_request() {
    let err = GetMetricsByNames::new([MetricName::from("EVENTS_IN_SPACE")], 10)
        .build()
        .unwrap_err();
    match err {
        Error::Build { operation, reason } => {
            assert_eq!(operation, "get_metrics_by_names");
            assert!(
                reason.contains("EVENTS_IN_SPACE") && reason.contains("LATENCY_MAX"),
                "{reason}"
            );
        }
        e => panic!("{e}"),
    }
}

#[test]
fn get_incoming_queue_metric() {
    let op = GetMetricsByNames::for_helper(
        "get_incoming_queue_metric",
        [MetricName::EventsInPipeline],
        100,
    );
    snapshot!("get_incoming_queue_metric", render(&op.build().unwrap()));
    let s = op
        .decode(answer(
            200,
            r#"[{"target":"EVENTS_IN_PIPELINE","datapoints":[[null,1],[12,2],[30,3],[null,4]]}]"#,
        ))
        .unwrap();
    assert_eq!(incoming_queue(&s), 30.0);
}

#[test]
fn get_incoming_events_count() {
    let op = GetMetricsByNames::for_helper(
        "get_incoming_events_count",
        [MetricName::IncomingEvents],
        100,
    );
    snapshot!("get_incoming_events_count", render(&op.build().unwrap()));
    let s = op
        .decode(answer(
            200,
            r#"[{"target":"INCOMING_EVENTS","datapoints":[[55000,1],[null,2],[960.0,3]]}]"#,
        ))
        .unwrap();
    assert_eq!(incoming_events_count(&s), 55960.0);
}

#[test]
fn get_average_event_size() {
    let op =
        GetMetricsByNames::for_helper("get_average_event_size", [MetricName::EventSizeAvg], 100);
    snapshot!("get_average_event_size", render(&op.build().unwrap()));
    let s = op.decode(answer(200, SERIES)).unwrap();
    assert_eq!(average_event_size(&s), 22984.973548689137);
}

#[test]
fn get_max_latency() {
    let op = GetMetricsByNames::for_helper("get_max_latency", [MetricName::LatencyMax], 100);
    snapshot!("get_max_latency", render(&op.build().unwrap()));
    let s = op
        .decode(answer(
            200,
            r#"[{"target":"LATENCY_MAX","datapoints":[[309576,1],[null,2],[1200.5,3]]}]"#,
        ))
        .unwrap();
    assert_eq!(max_latency(&s), 309.576);
    // Defect 8: the reference's error text is a malformed tuple; ours names
    // the helper and the cause in one sentence.
    let err = op.decode(answer(500, "boom")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "get_max_latency: the server answered HTTP 500; body: boom"
    );
}

#[test]
fn get_outputs_metrics() {
    let op = GetMetricsByNames::for_helper("get_outputs_metrics", OUTPUTS_METRICS, 100);
    snapshot!("get_outputs_metrics", render(&op.build().unwrap()));
    let s = op
        .decode(answer(
            200,
            r#"[{"target":"UNMAPPED_EVENTS","datapoints":[[20656,1]]},
                {"target":"IGNORED_EVENTS","datapoints":[[15.0,1],[null,2]]},
                {"target":"ERROR_EVENTS","datapoints":[[null,1]]},
                {"target":"LOADED_EVENTS_RATE","datapoints":[[500000,1],[18333,2]]}]"#,
        ))
        .unwrap();
    let m = outputs_metrics(&s);
    let in_server_order: Vec<f64> = m.sums.iter().map(|(_, v)| *v).collect();
    assert_eq!(in_server_order, [20656.0, 15.0, 0.0, 518333.0]);
    assert_eq!(m.as_tuple(), (0.0, 20656.0, 15.0, 518333.0));
}

#[test]
fn get_restream_queue_metrics() {
    let op = GetMetricsByNames::for_helper(
        "get_restream_queue_metrics",
        [MetricName::EventsInTransit],
        100,
    );
    snapshot!("get_restream_queue_metrics", render(&op.build().unwrap()));
    let s = op
        .decode(answer(
            200,
            r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[[null,1],[8,2]]}]"#,
        ))
        .unwrap();
    assert_eq!(restream_queue_metrics(&s), Some(8.0));
    // Defect 8: a series with no values is not a failure.
    let empty = op
        .decode(answer(
            200,
            r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[[null,1]]}]"#,
        ))
        .unwrap();
    assert_eq!(restream_queue_metrics(&empty), None);
    assert_eq!(
        restream_queue_metrics(&op.decode(answer(200, "[]")).unwrap()),
        None
    );
}

#[test]
fn odd_values_are_kept() {
    let op = GetMetricsByNames::new([MetricName::LatencyMax], 100);
    assert_kept(&op, &["[{\"target\":\"X\",\"datapoints\":[[1]]}]"]);
}
