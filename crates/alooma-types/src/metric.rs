//! System metrics: [`MetricName`], [`MetricSeries`] and [`Datapoint`].
//!
//! `GET metrics?metrics=A,B&from=-10min&resolution=10min` answers a
//! graphite-like list of series:
//! `[{"target": "EVENT_SIZE_AVG", "datapoints": [[22984.97, 1529073369], [null, 1529073429]]}]`.
//! A datapoint's value is `null` when the metric had no sample in that slot.

use crate::{Extra, Maybe};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Number;

crate::string_enum! {
    /// The metrics the service computes (`METRICS_LIST` of the reference
    /// client, in its order).
    pub enum MetricName {
        /// Average event size, in bytes.
        EventSizeAvg => "EVENT_SIZE_AVG",
        /// Total size of the events, in bytes.
        EventSizeTotal => "EVENT_SIZE_TOTAL",
        /// Events processed per time slot.
        EventProcessingRate => "EVENT_PROCESSING_RATE",
        /// Incoming events.
        IncomingEvents => "INCOMING_EVENTS",
        /// Events restreamed.
        RestreamedEvents => "RESTREAMED_EVENTS",
        /// Events with unmapped fields.
        UnmappedEvents => "UNMAPPED_EVENTS",
        /// Events discarded.
        IgnoredEvents => "IGNORED_EVENTS",
        /// Events that erred.
        ErrorEvents => "ERROR_EVENTS",
        /// Events loaded into the output.
        LoadedEventsRate => "LOADED_EVENTS_RATE",
        /// Average latency, in milliseconds.
        LatencyAvg => "LATENCY_AVG",
        /// Median latency, in milliseconds.
        LatencyPercentile50 => "LATENCY_PERCENTILE_50",
        /// 95th percentile latency, in milliseconds.
        LatencyPercentile95 => "LATENCY_PERCENTILE_95",
        /// Maximum latency, in milliseconds.
        LatencyMax => "LATENCY_MAX",
        /// Events waiting in the incoming queue.
        EventsInPipeline => "EVENTS_IN_PIPELINE",
        /// Events sent to the Restream Queue.
        EventsInTransit => "EVENTS_IN_TRANSIT",
    }
}

/// One point of a series: `[value or null, epoch seconds]`.
///
/// Both numbers are kept as [`serde_json::Number`], so an integer stays an
/// integer and a float a float when the point is encoded again.
///
/// ```
/// use alooma_types::Datapoint;
/// let p: Datapoint = serde_json::from_str("[22984.97, 1529073369]").unwrap();
/// assert_eq!(p.value(), Some(22984.97));
/// assert_eq!(p.epoch(), Some(1529073369));
/// let empty: Datapoint = serde_json::from_str("[null, 1529073429]").unwrap();
/// assert_eq!(empty.value(), None);
/// assert_eq!(serde_json::to_string(&empty).unwrap(), "[null,1529073429]");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Datapoint {
    /// The value, `None` when the slot had no sample (JSON `null`).
    pub value: Option<Number>,
    /// The slot's time, in seconds since the epoch.
    pub timestamp: Number,
}

impl Datapoint {
    /// A point with a value at `epoch` seconds.
    pub fn new(value: Option<f64>, epoch: i64) -> Self {
        Datapoint {
            value: value.and_then(Number::from_f64),
            timestamp: Number::from(epoch),
        }
    }

    /// The value as a float, `None` when the slot had no sample.
    pub fn value(&self) -> Option<f64> {
        self.value.as_ref().and_then(Number::as_f64)
    }

    /// The time in whole seconds since the epoch (`None` if it does not fit
    /// an `i64`).
    pub fn epoch(&self) -> Option<i64> {
        self.timestamp
            .as_i64()
            .or_else(|| self.timestamp.as_f64().map(|f| f as i64))
    }
}

impl Serialize for Datapoint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (&self.value, &self.timestamp).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Datapoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (value, timestamp) = <(Option<Number>, Number)>::deserialize(d)?;
        Ok(Datapoint { value, timestamp })
    }
}

/// One metric's series: `{"target": name, "datapoints": [[value, epoch], …]}`.
///
/// ```
/// use alooma_types::{MetricName, MetricSeries};
/// let s: MetricSeries = serde_json::from_str(
///     r#"{"target":"LATENCY_MAX","datapoints":[[null,1],[3000,2],[1500.5,3]]}"#).unwrap();
/// assert_eq!(s.target, MetricName::LatencyMax);
/// assert_eq!(s.values().collect::<Vec<_>>(), [3000.0, 1500.5]);
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MetricSeries {
    /// The metric's name.
    pub target: MetricName,
    /// The points, oldest first.
    pub datapoints: Maybe<Vec<Datapoint>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl MetricSeries {
    /// A series of `target` with the given points.
    pub fn new(target: MetricName, datapoints: Vec<Datapoint>) -> Self {
        MetricSeries {
            target,
            datapoints: Maybe::Value(datapoints),
            extra: Extra::new(),
        }
    }

    /// The points (none when the series had no `datapoints`).
    pub fn points(&self) -> &[Datapoint] {
        self.datapoints.get().map_or(&[], Vec::as_slice)
    }

    /// The non-null values, in order.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.points().iter().filter_map(Datapoint::value)
    }
}

crate::wire_buffered!(Datapoint);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_floats_keep_their_kind() {
        let text = r#"[[0,1529073369],[20656,1529073429],[22984.973548689137,1529073489],[null,1529073549],[1.0,1]]"#;
        let points: Vec<Datapoint> = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&points).unwrap(), text);
        assert_eq!(points[1].value(), Some(20656.0));
        assert_eq!(points[3].value(), None);
    }

    #[test]
    fn a_point_must_be_a_pair() {
        assert!(serde_json::from_str::<Datapoint>("[1]").is_err());
        assert!(serde_json::from_str::<Datapoint>("[1, 2, 3]").is_err());
        assert!(serde_json::from_str::<Datapoint>(r#"["x", 2]"#).is_err());
    }

    #[test]
    fn all_fifteen_metrics_in_order() {
        let names: Vec<&str> = MetricName::KNOWN.iter().map(MetricName::as_str).collect();
        assert_eq!(names.len(), 15);
        assert_eq!(names[0], "EVENT_SIZE_AVG");
        assert_eq!(names[14], "EVENTS_IN_TRANSIT");
        assert!(!MetricName::from("NOPE").is_known());
    }
}
