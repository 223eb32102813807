//! System metrics: `get_metrics_by_names`, and the pure functions behind the
//! metric helpers (`get_incoming_queue_metric`, `get_incoming_events_count`,
//! `get_average_event_size`, `get_max_latency`, `get_outputs_metrics`,
//! `get_restream_queue_metrics`).
//!
//! Each helper is one [`GetMetricsByNames`] request (built with
//! [`GetMetricsByNames::for_helper`], so errors and logs name the helper)
//! plus a function here that computes its result from the decoded series.
//! "Non-null" below means every datapoint whose value is not `null`,
//! zeros included.

use alooma_types::{MetricName, MetricSeries};

crate::declare::operations! {
    area: metrics;

    /// Metric series over the last minutes.
    impl op get_metrics_by_names for GetMetricsByNames: GET "metrics";
    retry: Idempotent;
    renamed: (|op| op.operation);
    query: "metrics" = [|op| op.names.iter().map(MetricName::as_str)],
        "from" = (|op| format!("-{}min", op.minutes)),
        "resolution" = (|op| format!("{}min", op.resolution.unwrap_or(op.minutes)));
    check: (|op| op.check());
    output: Vec<MetricSeries> = json;
    example: GetMetricsByNames::new(
        [MetricName::EventSizeAvg, MetricName::IncomingEvents, MetricName::LatencyMax],
        100,
    )
    .resolution(10);
}

/// `GET metrics?metrics={n1},{n2}&from=-{minutes}min&resolution={resolution}min`.
///
/// Names outside `METRICS_LIST` ([`MetricName::Other`]), an empty list, and
/// zero minutes or resolution are refused before any request is built.
/// The resolution defaults to `minutes` (one datapoint for the period).
///
/// ```
/// use alooma_core::{Operation, metrics::GetMetricsByNames};
/// use alooma_types::MetricName;
/// let op = GetMetricsByNames::new([MetricName::EventSizeAvg, MetricName::LatencyMax], 60);
/// assert_eq!(op.build().unwrap().uri(),
///     "/metrics?metrics=EVENT_SIZE_AVG,LATENCY_MAX&from=-60min&resolution=60min");
/// let five = GetMetricsByNames::new([MetricName::IncomingEvents], 60).resolution(5);
/// assert_eq!(five.build().unwrap().uri(),
///     "/metrics?metrics=INCOMING_EVENTS&from=-60min&resolution=5min");
/// assert!(GetMetricsByNames::new([MetricName::from("CPU")], 60).build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetMetricsByNames {
    /// The metrics to fetch.
    pub names: Vec<MetricName>,
    /// How many minutes back from now.
    pub minutes: u32,
    /// Minutes per datapoint (`None`: `minutes`).
    #[serde(default)]
    pub resolution: Option<u32>,
    #[serde(skip, default = "own_name")]
    operation: &'static str,
}

fn own_name() -> &'static str {
    <GetMetricsByNames as crate::registry::Declared>::META.name
}

impl GetMetricsByNames {
    /// The given metrics over the last `minutes` minutes.
    pub fn new(names: impl IntoIterator<Item = MetricName>, minutes: u32) -> Self {
        GetMetricsByNames {
            names: names.into_iter().collect(),
            minutes,
            resolution: None,
            operation: own_name(),
        }
    }

    /// The request a metric helper makes; its errors and logs carry the
    /// helper's name (`get_max_latency` …) instead of `get_metrics_by_names`.
    ///
    /// ```
    /// use alooma_core::{Operation, metrics::GetMetricsByNames};
    /// use alooma_types::MetricName;
    /// let op = GetMetricsByNames::for_helper("get_max_latency", [MetricName::LatencyMax], 10);
    /// assert_eq!(op.meta().name, "get_max_latency");
    /// ```
    pub fn for_helper(
        operation: &'static str,
        names: impl IntoIterator<Item = MetricName>,
        minutes: u32,
    ) -> Self {
        GetMetricsByNames {
            operation,
            ..Self::new(names, minutes)
        }
    }

    /// Names outside `METRICS_LIST`, an empty list, and zero minutes or
    /// resolution are refused.
    fn check(&self) -> Result<(), String> {
        if self.names.is_empty() {
            return Err("at least one metric name is required".into());
        }
        if let Some(unknown) = self.names.iter().find(|n| !n.is_known()) {
            let known: Vec<&str> = MetricName::KNOWN.iter().map(MetricName::as_str).collect();
            return Err(format!(
                "metric `{unknown}` does not exist; use one or more of: {}",
                known.join(", ")
            ));
        }
        if self.minutes == 0 || self.resolution == Some(0) {
            return Err("minutes and resolution must be at least 1".into());
        }
        Ok(())
    }

    /// Sets the resolution (minutes per datapoint).
    pub fn resolution(mut self, minutes: u32) -> Self {
        self.resolution = Some(minutes);
        self
    }
}


fn all_values(series: &[MetricSeries]) -> impl Iterator<Item = f64> + '_ {
    series.iter().flat_map(MetricSeries::values)
}

/// `get_incoming_queue_metric`: the largest non-null value of the
/// `EVENTS_IN_PIPELINE` series, 0 when there is none.
///
/// ```
/// use alooma_core::metrics::incoming_queue;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"EVENTS_IN_PIPELINE","datapoints":[[3,1],[null,2],[7,3]]}]"#).unwrap();
/// assert_eq!(incoming_queue(&s), 7.0);
/// assert_eq!(incoming_queue(&[]), 0.0);
/// ```
pub fn incoming_queue(series: &[MetricSeries]) -> f64 {
    all_values(series).reduce(f64::max).unwrap_or(0.0)
}

/// `get_incoming_events_count`: the sum of the non-null values of the
/// `INCOMING_EVENTS` series.
///
/// ```
/// use alooma_core::metrics::incoming_events_count;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"INCOMING_EVENTS","datapoints":[[3,1],[null,2],[7.5,3]]}]"#).unwrap();
/// assert_eq!(incoming_events_count(&s), 10.5);
/// ```
pub fn incoming_events_count(series: &[MetricSeries]) -> f64 {
    all_values(series).sum()
}

/// `get_average_event_size`: the mean of the non-null values of the
/// `EVENT_SIZE_AVG` series, 0 when there is none.
///
/// ```
/// use alooma_core::metrics::average_event_size;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"EVENT_SIZE_AVG","datapoints":[[100,1],[null,2],[300,3]]}]"#).unwrap();
/// assert_eq!(average_event_size(&s), 200.0);
/// ```
pub fn average_event_size(series: &[MetricSeries]) -> f64 {
    let (sum, n) = all_values(series).fold((0.0, 0u64), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

/// `get_max_latency`: the largest non-null value of the `LATENCY_MAX`
/// series (milliseconds) in seconds, 0 when there is none.
///
/// ```
/// use alooma_core::metrics::max_latency;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"LATENCY_MAX","datapoints":[[309576,1],[null,2],[1000,3]]}]"#).unwrap();
/// assert_eq!(max_latency(&s), 309.576);
/// ```
pub fn max_latency(series: &[MetricSeries]) -> f64 {
    all_values(series)
        .reduce(f64::max)
        .map_or(0.0, |ms| ms / 1000.0)
}

/// `get_restream_queue_metrics`: the first non-null value of the
/// `EVENTS_IN_TRANSIT` series; `None` when the series has no value at all
/// (the reference client fails there: defect 8).
///
/// ```
/// use alooma_core::metrics::restream_queue_metrics;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[[null,1],[42,2],[7,3]]}]"#).unwrap();
/// assert_eq!(restream_queue_metrics(&s), Some(42.0));
/// let empty: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[{"target":"EVENTS_IN_TRANSIT","datapoints":[]}]"#).unwrap();
/// assert_eq!(restream_queue_metrics(&empty), None);
/// ```
pub fn restream_queue_metrics(series: &[MetricSeries]) -> Option<f64> {
    all_values(series).next()
}

/// The metrics `get_outputs_metrics` asks for, in the reference's order.
pub const OUTPUTS_METRICS: [MetricName; 4] = [
    MetricName::UnmappedEvents,
    MetricName::IgnoredEvents,
    MetricName::ErrorEvents,
    MetricName::LoadedEventsRate,
];

/// What `get_outputs_metrics` computes: one sum per returned series, in the
/// server's order, each named by its target.
///
/// The reference client returns a bare tuple in the server's order and
/// documents it as (erred, unmapped, discarded, loaded); [`as_tuple`]
/// gives that documented order by looking the series up by name.
///
/// [`as_tuple`]: Self::as_tuple
///
/// ```
/// use alooma_core::metrics::outputs_metrics;
/// use alooma_types::MetricName;
/// let s: Vec<alooma_types::MetricSeries> = serde_json::from_str(r#"[
///   {"target":"UNMAPPED_EVENTS","datapoints":[[20656,1]]},
///   {"target":"IGNORED_EVENTS","datapoints":[[10,1],[5,2]]},
///   {"target":"ERROR_EVENTS","datapoints":[[null,1]]},
///   {"target":"LOADED_EVENTS_RATE","datapoints":[[518333,1]]}]"#).unwrap();
/// let m = outputs_metrics(&s);
/// assert_eq!(m.as_tuple(), (0.0, 20656.0, 15.0, 518333.0));
/// assert_eq!(m.get(&MetricName::IgnoredEvents), Some(15.0));
/// assert_eq!(m.sums[0].0, MetricName::UnmappedEvents);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct OutputsMetrics {
    /// `(target, sum of its non-null values)` per series, in the server's order.
    pub sums: Vec<(MetricName, f64)>,
}

impl OutputsMetrics {
    /// The sum of the series named `target` (`None` if the server sent none).
    pub fn get(&self, target: &MetricName) -> Option<f64> {
        self.sums.iter().find(|(t, _)| t == target).map(|(_, v)| *v)
    }

    /// Events that erred (`ERROR_EVENTS`), 0 when absent.
    pub fn erred(&self) -> f64 {
        self.get(&MetricName::ErrorEvents).unwrap_or(0.0)
    }

    /// Events with unmapped fields (`UNMAPPED_EVENTS`), 0 when absent.
    pub fn unmapped(&self) -> f64 {
        self.get(&MetricName::UnmappedEvents).unwrap_or(0.0)
    }

    /// Events discarded (`IGNORED_EVENTS`), 0 when absent.
    pub fn discarded(&self) -> f64 {
        self.get(&MetricName::IgnoredEvents).unwrap_or(0.0)
    }

    /// Events loaded (`LOADED_EVENTS_RATE`), 0 when absent.
    pub fn loaded(&self) -> f64 {
        self.get(&MetricName::LoadedEventsRate).unwrap_or(0.0)
    }

    /// `(erred, unmapped, discarded, loaded)`, the documented order,
    /// matched by target name.
    pub fn as_tuple(&self) -> (f64, f64, f64, f64) {
        (
            self.erred(),
            self.unmapped(),
            self.discarded(),
            self.loaded(),
        )
    }
}

/// `get_outputs_metrics`: the sum of the non-null values of each series.
pub fn outputs_metrics(series: &[MetricSeries]) -> OutputsMetrics {
    OutputsMetrics {
        sums: series
            .iter()
            .map(|s| (s.target.clone(), s.values().sum()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Operation};
    use alooma_types::Datapoint;

    fn series(target: MetricName, values: &[Option<f64>]) -> MetricSeries {
        MetricSeries::new(
            target,
            values
                .iter()
                .enumerate()
                .map(|(i, v)| Datapoint::new(*v, i as i64))
                .collect(),
        )
    }

    #[test]
    fn empty_and_all_null_series_give_zero_never_a_failure() {
        for s in [
            vec![],
            vec![series(MetricName::LatencyMax, &[])],
            vec![series(MetricName::LatencyMax, &[None, None])],
        ] {
            assert_eq!(incoming_queue(&s), 0.0);
            assert_eq!(incoming_events_count(&s), 0.0);
            assert_eq!(average_event_size(&s), 0.0);
            assert_eq!(max_latency(&s), 0.0);
            // Defect 8: the reference indexes [0] of an empty list here.
            assert_eq!(restream_queue_metrics(&s), None);
        }
    }

    #[test]
    fn zeros_are_values_not_gaps() {
        let s = vec![series(
            MetricName::EventsInTransit,
            &[None, Some(0.0), Some(5.0)],
        )];
        assert_eq!(restream_queue_metrics(&s), Some(0.0));
        assert_eq!(average_event_size(&s), 2.5);
    }

    #[test]
    fn max_handles_negative_values() {
        let s = vec![series(MetricName::LatencyMax, &[Some(-5.0), Some(-2000.0)])];
        assert_eq!(max_latency(&s), -0.005);
    }

    #[test]
    fn outputs_tuple_follows_names_not_positions() {
        let s = vec![
            series(MetricName::LoadedEventsRate, &[Some(4.0)]),
            series(MetricName::ErrorEvents, &[Some(1.0)]),
        ];
        let m = outputs_metrics(&s);
        assert_eq!(m.sums.len(), 2);
        assert_eq!(m.sums[0], (MetricName::LoadedEventsRate, 4.0));
        assert_eq!(m.as_tuple(), (1.0, 0.0, 0.0, 4.0));
    }

    #[test]
    fn validation() {
        let empty: [MetricName; 0] = [];
        for op in [
            GetMetricsByNames::new(empty, 10),
            GetMetricsByNames::new([MetricName::LatencyMax], 0),
            GetMetricsByNames::new([MetricName::LatencyMax], 10).resolution(0),
            GetMetricsByNames::new([MetricName::LatencyMax, MetricName::from("X")], 10),
        ] {
            assert!(matches!(op.build(), Err(Error::Build { .. })), "{op:?}");
        }
    }
}
