//! `alooma metrics …`: pipeline metrics.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::types::MetricName;
use clap::{Args, Subcommand};
use serde_json::{json, Value};

/// Metric commands. MINUTES is how far back to look.
#[derive(Debug, Subcommand)]
pub enum MetricsCmd {
    /// Raw series of named metrics (EVENTS_IN_PIPELINE, LATENCY_MAX …).
    Get {
        /// Metric names (see `alooma metrics names`).
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
        #[command(flatten)]
        window: Window,
        /// Minutes per point (default: MINUTES, one point).
        #[arg(long)]
        resolution: Option<u32>,
    },
    /// Every known metric name.
    Names,
    /// The most events waiting in the pipeline.
    IncomingQueue(Window),
    /// How many events came in.
    IncomingEvents(Window),
    /// The average event size.
    AverageEventSize(Window),
    /// The longest latency, in seconds.
    MaxLatency(Window),
    /// Erred, unmapped, discarded and loaded events.
    Outputs(Window),
    /// Events in transit to the Restream Queue.
    RestreamQueue(Window),
}

/// A time window.
#[derive(Debug, Args)]
pub struct Window {
    /// Minutes back from now.
    #[arg(long, default_value_t = 60)]
    pub minutes: u32,
}

/// Runs a metrics command.
pub async fn run(cmd: MetricsCmd, ctx: &Ctx) -> Result<(), CliError> {
    let value = |name: &str, minutes: u32, v: f64| json!({ "metric": name, "minutes": minutes, "value": v });
    match cmd {
        MetricsCmd::Names => {
            let names: Vec<&str> = MetricName::KNOWN.iter().map(MetricName::as_str).collect();
            ctx.out.value(&names)
        }
        MetricsCmd::Get {
            names,
            window,
            resolution,
        } => {
            let mut parsed = Vec::new();
            for n in &names {
                let m = MetricName::from(n.to_ascii_uppercase().as_str());
                if !m.is_known() {
                    return Err(CliError::usage(format!(
                        "unknown metric {n:?}; run `alooma metrics names` for the list"
                    )));
                }
                parsed.push(m);
            }
            let series = ctx
                .client()?
                .get_metrics_by_names_with(parsed, window.minutes, resolution)
                .await?;
            match ctx.out.format() {
                crate::output::Format::Json | crate::output::Format::Yaml => ctx.out.value(&series),
                crate::output::Format::Table | crate::output::Format::Tsv => {
                    let rows: Vec<Value> = series
                        .iter()
                        .flat_map(|s| {
                            s.points().iter().map(move |d| {
                                json!({"target": s.target, "epoch": d.epoch(), "value": d.value()})
                            })
                        })
                        .collect();
                    ctx.out.columns(&rows, &["target", "epoch", "value"])
                }
            }
        }
        MetricsCmd::IncomingQueue(w) => {
            let v = ctx.client()?.get_incoming_queue_metric(w.minutes).await?;
            ctx.out.value(&value("incoming_queue", w.minutes, v))
        }
        MetricsCmd::IncomingEvents(w) => {
            let v = ctx.client()?.get_incoming_events_count(w.minutes).await?;
            ctx.out.value(&value("incoming_events", w.minutes, v))
        }
        MetricsCmd::AverageEventSize(w) => {
            let v = ctx.client()?.get_average_event_size(w.minutes).await?;
            ctx.out.value(&value("average_event_size", w.minutes, v))
        }
        MetricsCmd::MaxLatency(w) => {
            let v = ctx.client()?.get_max_latency(w.minutes).await?;
            ctx.out.value(&value("max_latency_seconds", w.minutes, v))
        }
        MetricsCmd::Outputs(w) => {
            let m = ctx.client()?.get_outputs_metrics(w.minutes).await?;
            let rows: Vec<Value> = m
                .sums
                .iter()
                .map(|(target, sum)| json!({"target": target, "sum": sum}))
                .collect();
            ctx.out.columns(&rows, &["target", "sum"])
        }
        MetricsCmd::RestreamQueue(w) => {
            let v = ctx.client()?.get_restream_queue_metrics(w.minutes).await?;
            ctx.out
                .value(&json!({ "metric": "restream_queue", "minutes": w.minutes, "value": v }))
        }
    }
}
