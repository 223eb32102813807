//! The gauges of the metric list: each Alooma metric name, its Prometheus
//! name (under the `alooma_` prefix, with its unit), the factor from the
//! API's value, and its help text. A Grafana-ready list is in the
//! workspace README.

use alooma::types::MetricName;
use prometheus_client::registry::Unit;

/// One metric of the metric list as a gauge.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MetricGauge {
    /// The Alooma metric.
    pub metric: MetricName,
    /// The gauge's name under `alooma_`, without its unit.
    pub name: &'static str,
    /// Its unit (appended to the name), if it has one.
    pub unit: Option<Unit>,
    /// What the API's value is multiplied by (milliseconds → seconds).
    pub scale: f64,
    /// Its help text.
    pub help: &'static str,
}

const fn gauge(
    metric: MetricName,
    name: &'static str,
    unit: Option<Unit>,
    scale: f64,
    help: &'static str,
) -> MetricGauge {
    MetricGauge {
        metric,
        name,
        unit,
        scale,
        help,
    }
}

/// Every metric of the metric list, in its order.
pub const METRICS: [MetricGauge; 15] = [
    gauge(
        MetricName::EventSizeAvg,
        "event_size_average",
        Some(Unit::Bytes),
        1.0,
        "Average size of an event (EVENT_SIZE_AVG), latest non-null point",
    ),
    gauge(
        MetricName::EventSizeTotal,
        "events_size",
        Some(Unit::Bytes),
        1.0,
        "Total size of the events of the last interval (EVENT_SIZE_TOTAL)",
    ),
    gauge(
        MetricName::EventProcessingRate,
        "event_processing_rate",
        None,
        1.0,
        "Events processed per interval, as the API reports it (EVENT_PROCESSING_RATE)",
    ),
    gauge(
        MetricName::IncomingEvents,
        "incoming_events",
        None,
        1.0,
        "Events that came in during the last interval (INCOMING_EVENTS)",
    ),
    gauge(
        MetricName::RestreamedEvents,
        "restreamed_events",
        None,
        1.0,
        "Events restreamed during the last interval (RESTREAMED_EVENTS)",
    ),
    gauge(
        MetricName::UnmappedEvents,
        "unmapped_events",
        None,
        1.0,
        "Events that could not be mapped during the last interval (UNMAPPED_EVENTS)",
    ),
    gauge(
        MetricName::IgnoredEvents,
        "ignored_events",
        None,
        1.0,
        "Events ignored during the last interval (IGNORED_EVENTS)",
    ),
    gauge(
        MetricName::ErrorEvents,
        "error_events",
        None,
        1.0,
        "Events in error during the last interval (ERROR_EVENTS)",
    ),
    gauge(
        MetricName::LoadedEventsRate,
        "loaded_events_rate",
        None,
        1.0,
        "Events loaded per interval, as the API reports it (LOADED_EVENTS_RATE)",
    ),
    gauge(
        MetricName::LatencyAvg,
        "latency_average",
        Some(Unit::Seconds),
        0.001,
        "Average latency (LATENCY_AVG, reported in milliseconds)",
    ),
    gauge(
        MetricName::LatencyPercentile50,
        "latency_p50",
        Some(Unit::Seconds),
        0.001,
        "Median latency (LATENCY_PERCENTILE_50, reported in milliseconds)",
    ),
    gauge(
        MetricName::LatencyPercentile95,
        "latency_p95",
        Some(Unit::Seconds),
        0.001,
        "95th percentile latency (LATENCY_PERCENTILE_95, reported in milliseconds)",
    ),
    gauge(
        MetricName::LatencyMax,
        "latency_max",
        Some(Unit::Seconds),
        0.001,
        "Longest latency (LATENCY_MAX, reported in milliseconds)",
    ),
    gauge(
        MetricName::EventsInPipeline,
        "events_in_pipeline",
        None,
        1.0,
        "Events in the pipeline (EVENTS_IN_PIPELINE)",
    ),
    gauge(
        MetricName::EventsInTransit,
        "events_in_transit",
        None,
        1.0,
        "Events in transit to the restream queue (EVENTS_IN_TRANSIT)",
    ),
];
