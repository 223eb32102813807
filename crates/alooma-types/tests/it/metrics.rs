//! Metrics: nulls and number kinds of datapoints survive a round trip.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use alooma_types::*;

#[test]
fn null_values_and_number_kinds_survive() {
    let text = r#"[{"target":"LATENCY_MAX","datapoints":[[null,1529073369],[0,1529073429],[20656,1529073489],[22984.97,1529073549]]}]"#;
    let series: Vec<MetricSeries> = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_string(&series).unwrap(), text);
    assert_eq!(
        series[0].values().collect::<Vec<_>>(),
        [0.0, 20656.0, 22984.97]
    );
}
