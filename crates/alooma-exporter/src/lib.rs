//! `alooma-exporter`: an Alooma pipeline's numbers in the OpenMetrics /
//! Prometheus text format, the form today's monitoring stacks read.
//!
//! The monitors Alooma users wrote each polled the metrics calls, reversed
//! the datapoints, dropped the nulls, turned the metric names into gauges
//! and counted the inputs and the restream queue by hand. [`Exporter`]
//! does that once:
//!
//! - every metric of the metric list, its latest non-null datapoint, as a
//!   gauge with its unit in its name (see [`names`]);
//! - `alooma_inputs{type,state}`: inputs by type and state;
//! - `alooma_restream_queue_events`: the restream queue;
//! - `alooma_node_throughput_events_per_second{node,type}` and
//!   `alooma_node_latency_seconds{node,type}` from the structure;
//! - `alooma_scheduled_queries` and `alooma_scheduled_queries_in_error`;
//! - its own health: `alooma_exporter_last_refresh_timestamp_seconds`,
//!   `alooma_exporter_stale` (1 while the last refresh failed in part),
//!   `alooma_exporter_refresh_errors_total{kind}` (by error phase) and
//!   `alooma_exporter_api_call_duration_seconds{operation}`.
//!
//! Values come from a cache refreshed at most every
//! [`ExporterConfig::refresh`] (a scrape storm never becomes an API
//! storm); a failing call marks the data stale, keeps the last good
//! values, and never ends the exporter. [`serve`] answers
//! `GET /metrics` over HTTP until its shutdown future completes.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let emu = alooma_emulator::Emulator::start().await.unwrap();
//! let client = alooma::Client::builder()
//!     .base_url(emu.base_url()).account(emu.account()).api_key(emu.key()).build().unwrap();
//! let exporter = alooma_exporter::Exporter::new(client, alooma_exporter::ExporterConfig::default());
//! let text = exporter.scrape().await;
//! assert!(text.contains("# TYPE alooma_restream_queue_events gauge"));
//! assert!(text.contains("alooma_inputs{type=\"POSTGRESQL\",state=\"active\"} 1"));
//! assert!(text.ends_with("# EOF\n"));
//! # });
//! ```
#![forbid(unsafe_code)]

pub mod names;
mod serve;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alooma::types::{MetricName, MetricSeries, Node};
use alooma::{Client, Error};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

pub use serve::{serve, CONTENT_TYPE};

/// A gauge of `f64` values.
type FloatGauge = Gauge<f64, AtomicU64>;

/// How the exporter reads the API.
///
/// ```
/// let mut config = alooma_exporter::ExporterConfig::default();
/// config.refresh = std::time::Duration::from_secs(30);
/// assert_eq!(config.metrics_window_minutes, 60);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExporterConfig {
    /// The least time between two refreshes from the API; scrapes in
    /// between get the cached values. Default 15 s.
    pub refresh: Duration,
    /// How far back the metrics calls look for a non-null point. Default 60.
    pub metrics_window_minutes: u32,
    /// The metrics calls' resolution, in minutes. Default 5.
    pub metrics_resolution_minutes: u32,
}

impl Default for ExporterConfig {
    fn default() -> Self {
        Self {
            refresh: Duration::from_secs(15),
            metrics_window_minutes: 60,
            metrics_resolution_minutes: 5,
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InputLabels {
    r#type: String,
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NodeLabels {
    node: String,
    r#type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
}

/// Every metric the exporter exposes, registered once.
struct Metrics {
    registry: Registry,
    series: Vec<(MetricName, f64, FloatGauge)>,
    inputs: Family<InputLabels, Gauge>,
    restream_queue: Gauge,
    node_throughput: Family<NodeLabels, FloatGauge>,
    node_latency: Family<NodeLabels, FloatGauge>,
    queries: Gauge,
    queries_in_error: Gauge,
    last_refresh: FloatGauge,
    stale: Gauge,
    refresh_errors: Family<KindLabels, Counter>,
    api_calls: Family<OperationLabels, Histogram, fn() -> Histogram>,
}

fn call_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("alooma");
        let mut series = Vec::new();
        for m in names::METRICS {
            let gauge = FloatGauge::default();
            match m.unit {
                Some(unit) => registry.register_with_unit(m.name, m.help, unit, gauge.clone()),
                None => registry.register(m.name, m.help, gauge.clone()),
            }
            series.push((m.metric.clone(), m.scale, gauge));
        }
        let inputs = Family::<InputLabels, Gauge>::default();
        registry.register("inputs", "Inputs, by type and state", inputs.clone());
        let restream_queue = Gauge::default();
        registry.register(
            "restream_queue_events",
            "Events in the restream queue",
            restream_queue.clone(),
        );
        let node_throughput = Family::<NodeLabels, FloatGauge>::default();
        registry.register(
            "node_throughput_events_per_second",
            "Throughput of each node of the structure",
            node_throughput.clone(),
        );
        let node_latency = Family::<NodeLabels, FloatGauge>::default();
        registry.register_with_unit(
            "node_latency",
            "Latency of each node of the structure",
            Unit::Seconds,
            node_latency.clone(),
        );
        let queries = Gauge::default();
        registry.register("scheduled_queries", "Scheduled queries", queries.clone());
        let queries_in_error = Gauge::default();
        registry.register(
            "scheduled_queries_in_error",
            "Scheduled queries whose last run failed (status neither active nor done)",
            queries_in_error.clone(),
        );
        let last_refresh = FloatGauge::default();
        registry.register_with_unit(
            "exporter_last_refresh_timestamp",
            "When the exporter last read the API completely (Unix time)",
            Unit::Seconds,
            last_refresh.clone(),
        );
        let stale = Gauge::default();
        registry.register(
            "exporter_stale",
            "1 while the last refresh failed in part: values are the last good ones",
            stale.clone(),
        );
        let refresh_errors = Family::<KindLabels, Counter>::default();
        registry.register(
            "exporter_refresh_errors",
            "Failed API calls during refreshes, by kind (the error's phase)",
            refresh_errors.clone(),
        );
        let api_calls: Family<OperationLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(call_histogram);
        registry.register_with_unit(
            "exporter_api_call_duration",
            "Duration of the exporter's API calls, by operation",
            Unit::Seconds,
            api_calls.clone(),
        );
        Metrics {
            registry,
            series,
            inputs,
            restream_queue,
            node_throughput,
            node_latency,
            queries,
            queries_in_error,
            last_refresh,
            stale,
            refresh_errors,
            api_calls,
        }
    }
}

/// Reads the API into Prometheus metrics (see the [crate docs](crate)).
/// Clones share the cache.
#[derive(Clone)]
pub struct Exporter {
    client: Client,
    config: ExporterConfig,
    metrics: Arc<Metrics>,
    last: Arc<tokio::sync::Mutex<Option<Instant>>>,
    refreshes: Arc<Mutex<u64>>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// An exporter reading the API through `client`.
    pub fn new(client: Client, config: ExporterConfig) -> Self {
        Exporter {
            client,
            config,
            metrics: Arc::new(Metrics::new()),
            last: Arc::new(tokio::sync::Mutex::new(None)),
            refreshes: Arc::new(Mutex::new(0)),
        }
    }

    /// How many times the exporter has read the API.
    pub fn refreshes(&self) -> u64 {
        *self.refreshes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The exposition, refreshed first when the cache is older than
    /// [`ExporterConfig::refresh`] (one refresh at a time: concurrent
    /// scrapes wait for it and share it).
    pub async fn scrape(&self) -> String {
        {
            let mut last = self.last.lock().await;
            let due = last.is_none_or(|t| t.elapsed() >= self.config.refresh);
            if due {
                self.refresh().await;
                *last = Some(Instant::now());
            }
        }
        self.render()
    }

    /// The exposition from the values as they are (OpenMetrics text,
    /// ending with `# EOF`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.metrics.registry).is_err() {
            tracing::debug!("the exposition could not be encoded");
        }
        out
    }

    /// Times one API call and counts its failure.
    async fn timed<T>(
        &self,
        operation: &str,
        call: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Option<T> {
        let start = Instant::now();
        let result = call.await;
        self.metrics
            .api_calls
            .get_or_create(&OperationLabels {
                operation: operation.to_owned(),
            })
            .observe(start.elapsed().as_secs_f64());
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::debug!(operation, "exporter refresh: {e}");
                let kind = format!("{:?}", e.phase()).to_ascii_lowercase();
                self.metrics
                    .refresh_errors
                    .get_or_create(&KindLabels { kind })
                    .inc();
                None
            }
        }
    }

    /// Reads everything from the API. What fails keeps its last values and
    /// marks the data stale; what succeeds is updated.
    pub async fn refresh(&self) {
        *self.refreshes.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        let m = &self.metrics;
        let mut complete = true;

        let names: Vec<MetricName> = names::METRICS.iter().map(|d| d.metric.clone()).collect();
        match self
            .timed(
                "get_metrics_by_names",
                self.client.get_metrics_by_names_with(
                    names,
                    self.config.metrics_window_minutes,
                    Some(self.config.metrics_resolution_minutes),
                ),
            )
            .await
        {
            Some(series) => {
                for (metric, scale, gauge) in &m.series {
                    if let Some(v) = series.iter().find(|s| &s.target == metric).and_then(latest) {
                        gauge.set(v * scale);
                    }
                }
            }
            None => complete = false,
        }

        match self
            .timed("get_structure", self.client.get_structure())
            .await
        {
            Some(structure) => {
                let nodes = structure.nodes.into_option().unwrap_or_default();
                self.nodes(&nodes, &mut complete).await;
            }
            None => complete = false,
        }

        match self.timed("get_queries", self.client.get_queries()).await {
            Some(queries) => {
                let all = queries.clone().into_vec();
                let in_error = alooma::core::queries::queries_in_error_state(queries).into_vec();
                m.queries.set(count(all.len()));
                m.queries_in_error.set(count(in_error.len()));
            }
            None => complete = false,
        }

        m.stale.set(i64::from(!complete));
        if complete {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            m.last_refresh.set(now);
        }
    }

    async fn nodes(&self, nodes: &[Node], complete: &mut bool) {
        let m = &self.metrics;
        m.node_throughput.clear();
        m.node_latency.clear();
        let mut inputs: Vec<(InputLabels, i64)> = Vec::new();
        for node in nodes {
            let name = node.name().unwrap_or(&node.id).to_owned();
            let kind = node.node_type().unwrap_or_default().to_owned();
            let labels = NodeLabels {
                node: name,
                r#type: kind.clone(),
            };
            if let Some(stats) = node.stats.get() {
                if let Some(t) = stats.throughput.get() {
                    m.node_throughput.get_or_create(&labels).set(*t.get());
                }
                if let Some(l) = stats.latency.get() {
                    m.node_latency.get_or_create(&labels).set(*l.get() / 1000.0);
                }
                if kind == "RESTREAM" {
                    if let Some(q) = stats.availble_for_restream.get() {
                        m.restream_queue.set(*q.get() as i64);
                    }
                }
            }
            if node.is_input() && kind != "RESTREAM" && kind != "AGENT" && !node.is_deleted() {
                let state = match self
                    .timed("get_input_by_id", self.client.get_input_by_id(&node.id))
                    .await
                {
                    Some(details) => input_state(&details),
                    None => {
                        *complete = false;
                        "unknown".to_owned()
                    }
                };
                let labels = InputLabels {
                    r#type: kind,
                    state,
                };
                match inputs.iter_mut().find(|(l, _)| *l == labels) {
                    Some((_, n)) => *n += 1,
                    None => inputs.push((labels, 1)),
                }
            }
        }
        m.inputs.clear();
        for (labels, n) in inputs {
            m.inputs.get_or_create(&labels).set(n);
        }
    }
}

/// An input's state: `paused`, the job's `state` when the service reports
/// one (`starting`, `running`), else `active`.
fn input_state(details: &alooma::types::InputDetails) -> String {
    let Some(job) = details.job.get() else {
        return "unknown".into();
    };
    if job.paused.get().is_some_and(|p| *p.get()) {
        return "paused".into();
    }
    match job.extra.get("state").and_then(|s| s.as_str()) {
        Some("running") | None => "active".into(),
        Some(other) => other.to_owned(),
    }
}

/// The latest non-null datapoint of a series.
pub fn latest(series: &MetricSeries) -> Option<f64> {
    series
        .points()
        .iter()
        .filter_map(|d| d.value.as_ref().and_then(|n| n.as_f64()))
        .next_back()
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
