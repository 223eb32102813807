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
    /// Serve an OpenMetrics / Prometheus exporter of the pipeline's
    /// metrics, inputs, restream queue, nodes and scheduled queries, until
    /// Ctrl-C or SIGTERM. Scrapes within --refresh seconds share one read
    /// of the API.
    Serve(ServeArgs),
    /// Draw series as line charts in the terminal (min, max, last, gaps
    /// where datapoints are null); JSON when piped or with -o json.
    Show(Chart),
    /// Redraw the charts every --interval seconds until Ctrl-C (JSON
    /// lines when piped or with -o json).
    Watch {
        #[command(flatten)]
        chart: Chart,
        /// Seconds between redraws.
        #[arg(long, default_value_t = 10, value_name = "SECS")]
        interval: u64,
    },
}

/// Arguments of `alooma metrics serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9464", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The least seconds between two reads of the API.
    #[arg(long, default_value_t = 15, value_name = "SECS")]
    pub refresh: u64,
    /// Minutes the metrics calls look back for a non-null point.
    #[arg(long, default_value_t = 60)]
    pub window: u32,
    /// Minutes per point of the metrics calls.
    #[arg(long, default_value_t = 5)]
    pub resolution: u32,
}

/// What to chart.
#[derive(Debug, Args)]
pub struct Chart {
    /// Metric names (see `alooma metrics names`); default LATENCY_MAX,
    /// INCOMING_EVENTS, EVENTS_IN_PIPELINE.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Minutes back from now.
    #[arg(long, default_value_t = 60)]
    pub minutes: u32,
    /// Minutes per point (default: 5).
    #[arg(long, default_value_t = 5)]
    pub resolution: u32,
}

/// The metric names given, checked; the default trio when none.
fn metric_names(names: &[String]) -> Result<Vec<MetricName>, CliError> {
    if names.is_empty() {
        return Ok(vec![
            MetricName::LatencyMax,
            MetricName::IncomingEvents,
            MetricName::EventsInPipeline,
        ]);
    }
    names
        .iter()
        .map(|n| {
            let m = MetricName::from(n.to_ascii_uppercase().as_str());
            if m.is_known() {
                Ok(m)
            } else {
                Err(CliError::usage(format!(
                    "unknown metric {n:?}; run `alooma metrics names` for the list"
                )))
            }
        })
        .collect()
}

/// Whether results go out as charts (a table format on a terminal).
fn charts(ctx: &Ctx) -> bool {
    use std::io::IsTerminal;
    matches!(ctx.out.format(), crate::output::Format::Table) && std::io::stdout().is_terminal()
}

fn chart_size() -> crate::chart::Size {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    crate::chart::Size::for_columns(columns)
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
        MetricsCmd::Serve(args) => serve(args, ctx).await,
        MetricsCmd::Show(chart) => {
            let names = metric_names(&chart.names)?;
            let series = ctx
                .client()?
                .get_metrics_by_names_with(names, chart.minutes, Some(chart.resolution.max(1)))
                .await?;
            if charts(ctx) {
                let size = chart_size();
                let text: Vec<String> = series
                    .iter()
                    .map(|s| crate::chart::render(s, size))
                    .collect();
                crate::output::write_line(text.join("\n").trim_end())
            } else {
                ctx.out.value(&crate::chart::as_json(&series))
            }
        }
        MetricsCmd::Watch { chart, interval } => {
            let names = metric_names(&chart.names)?;
            let client = ctx.client()?;
            let mut every = tokio::time::interval(std::time::Duration::from_secs(interval.max(1)));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let ticker = crate::chart::Interval::new(every);
            let fetch = || {
                client.get_metrics_by_names_with(
                    names.clone(),
                    chart.minutes,
                    Some(chart.resolution.max(1)),
                )
            };
            let stdout = std::io::stdout();
            let screen = if charts(ctx) {
                crate::chart::Screen::Terminal(stdout.lock())
            } else {
                crate::chart::Screen::Lines(stdout.lock())
            };
            crate::chart::watch(screen, ticker, fetch, chart_size()).await;
            Ok(())
        }
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

async fn serve(args: ServeArgs, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    let mut config = alooma_exporter::ExporterConfig::default();
    config.refresh = std::time::Duration::from_secs(args.refresh);
    config.metrics_window_minutes = args.window.max(1);
    config.metrics_resolution_minutes = args.resolution.max(1);
    let exporter = alooma_exporter::Exporter::new(client, config);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::failed(format!("cannot listen on {}: {e}", args.listen)))?;
    // Armed before the ready line, so a signal right after it is not lost.
    let shutdown = crate::emulator_cmd::shutdown_signal();
    crate::output::write_line(&format!("http://{addr}/metrics"))?;
    eprintln!("alooma metrics serve: scrape http://{addr}/metrics; Ctrl-C or SIGTERM to stop");
    alooma_exporter::serve(exporter, listener, shutdown)
        .await
        .map_err(|e| CliError::failed(format!("the exporter failed: {e}")))?;
    eprintln!("alooma metrics serve: stopped");
    Ok(())
}
