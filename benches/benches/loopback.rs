//! Benchmarks 1 and 2: `get_event_types` through `alooma::Client` (default
//! transport, API key, plain HTTP to 127.0.0.1) against a static keep-alive
//! hyper server, and the floor: a bare hyper-util client decoding the same
//! body into the same `Vec<EventType>` with serde, in the same run.
//!
//! Three answer sizes: 5 event types (2 KB, the size of most answers: one
//! input, a mapping mode, a metrics series), 200 (79 KB) and 5,000 (2 MB);
//! each sequentially and with 1, 8 and 64 calls in flight.
//!
//! Criterion reports each variant; the summary printed at the end gives the
//! SDK / floor ratios: the median of the ratios of alternating rounds, with
//! their spread and the machine's load.
//!
//! `LOOPBACK_SIZES=2KB` (names separated by commas) runs only those sizes.
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use alooma::types::EventType;
use alooma_benches::floor::Floor;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::timing::{alternate, load, verdict};
use alooma_benches::{client_runtime, payload, sdk_client};
use criterion::{criterion_group, Criterion, SamplingMode, Throughput};
use futures::StreamExt;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// An answer size: event types in the list, its name, calls per timed
/// batch (so that a batch takes tens of milliseconds at every size), and
/// the target ratios: one call at a time (sequential and 1 in flight),
/// and 8 or 64 in flight.
struct Size {
    event_types: usize,
    name: &'static str,
    batch: usize,
    target: f64,
    target_concurrent: f64,
}

impl Size {
    /// The target ratio with `in_flight` calls in flight (0: sequential).
    fn target(&self, in_flight: usize) -> f64 {
        if in_flight <= 1 {
            self.target
        } else {
            self.target_concurrent
        }
    }

    /// Whether `LOOPBACK_SIZES` (names separated by commas, `2KB,79KB`)
    /// leaves this size in; unset, every size runs.
    fn chosen(&self) -> bool {
        std::env::var("LOOPBACK_SIZES").map_or(true, |names| {
            names.split(',').any(|n| n.trim() == self.name)
        })
    }
}

const SIZES: [Size; 3] = [
    Size {
        event_types: 5,
        name: "2KB",
        batch: 4096,
        target: 1.05,
        target_concurrent: 1.10,
    },
    Size {
        event_types: 200,
        name: "79KB",
        batch: 512,
        target: 1.05,
        target_concurrent: 1.05,
    },
    Size {
        event_types: 5_000,
        name: "2MB",
        batch: 64,
        target: 1.05,
        target_concurrent: 1.05,
    },
];

/// Calls in flight.
const LEVELS: [usize; 3] = [1, 8, 64];
/// Alternating rounds per summary figure.
const ROUNDS: usize = 11;

struct Setup {
    _server: StaticServer,
    rt: Runtime,
    sdk: alooma::Client,
    floor: Floor,
    body_len: usize,
    count: usize,
}

fn setup(count: usize) -> Setup {
    let body = payload::event_types(count);
    let body_len = body.len();
    let server = StaticServer::start(Routes::new().with("event-types", body)).expect("server");
    let rt = client_runtime().expect("runtime");
    let sdk = sdk_client(&server.base_url()).expect("client");
    let floor = Floor::new(&server.url("event-types")).expect("floor");
    // Both sides decode the same, full list.
    rt.block_on(async {
        let a = sdk.get_event_types().await.expect("sdk call");
        let b: Vec<EventType> = floor.get().await.expect("floor call");
        assert_eq!(a.len(), count);
        assert_eq!(a, b);
    });
    Setup {
        _server: server,
        rt,
        sdk,
        floor,
        body_len,
        count,
    }
}

impl Setup {
    async fn sdk_batch(&self, in_flight: usize, calls: usize) {
        futures::stream::iter(0..calls)
            .map(|_| self.sdk.get_event_types())
            .buffer_unordered(in_flight)
            .for_each(|r| {
                assert_eq!(r.expect("sdk call").len(), self.count);
                async {}
            })
            .await;
    }

    async fn floor_batch(&self, in_flight: usize, calls: usize) {
        futures::stream::iter(0..calls)
            .map(|_| self.floor.get::<Vec<EventType>>())
            .buffer_unordered(in_flight)
            .for_each(|r| {
                assert_eq!(r.expect("floor call").len(), self.count);
                async {}
            })
            .await;
    }

    async fn sdk_sequential(&self, calls: usize) {
        for _ in 0..calls {
            self.sdk.get_event_types().await.expect("sdk call");
        }
    }

    async fn floor_sequential(&self, calls: usize) {
        for _ in 0..calls {
            self.floor
                .get::<Vec<EventType>>()
                .await
                .expect("floor call");
        }
    }

    fn timed(&self, f: impl std::future::Future<Output = ()>) -> Duration {
        self.rt.block_on(async {
            let start = Instant::now();
            f.await;
            start.elapsed()
        })
    }
}

fn benches(c: &mut Criterion) {
    for size in SIZES.iter().filter(|s| s.chosen()) {
        let s = setup(size.event_types);
        let mut seq = c.benchmark_group(format!("get_event_types_{}_sequential", size.name));
        seq.sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .throughput(Throughput::Bytes(s.body_len as u64));
        seq.bench_function("sdk", |b| {
            b.to_async(&s.rt)
                .iter(|| async { s.sdk.get_event_types().await.expect("sdk call") })
        });
        seq.bench_function("floor", |b| {
            b.to_async(&s.rt)
                .iter(|| async { s.floor.get::<Vec<EventType>>().await.expect("floor call") })
        });
        seq.finish();

        let mut conc = c.benchmark_group(format!("get_event_types_{}_in_flight", size.name));
        conc.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1))
            .throughput(Throughput::Elements(size.batch as u64));
        for k in LEVELS {
            conc.bench_function(format!("sdk/{k}"), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| s.timed(s.sdk_batch(k, size.batch)))
                        .sum()
                })
            });
            conc.bench_function(format!("floor/{k}"), |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| s.timed(s.floor_batch(k, size.batch)))
                        .sum()
                })
            });
        }
        conc.finish();
    }
}

fn summary() {
    println!("\n== loopback summary ({}) ==", alooma_benches::machine());
    println!(
        "get_event_types, SDK / floor time: median of the ratios of {ROUNDS} alternating rounds (range); load is the 1-minute load average before and after"
    );
    for size in SIZES.iter().filter(|s| s.chosen()) {
        let s = setup(size.event_types);
        let seq_calls = size.batch;
        let report = |what: &str,
                      in_flight: usize,
                      calls: usize,
                      r: alooma_benches::timing::Rounds,
                      before: Option<f64>| {
            let (lo, hi) = r.spread();
            let ratio = r.ratio();
            println!(
                "RESULT {} {what}: sdk {:.0} calls/s, floor {:.0} calls/s, sdk/floor = {ratio:.3} (rounds {lo:.3}..{hi:.3}; load {} -> {}; {} event types, {} bytes; target <= {}: {})",
                size.name,
                calls as f64 / r.a.as_secs_f64(),
                calls as f64 / r.b.as_secs_f64(),
                before.map_or("?".into(), |l| format!("{l:.2}")),
                load().map_or("?".into(), |l| format!("{l:.2}")),
                size.event_types,
                s.body_len,
                size.target(in_flight),
                verdict(ratio <= size.target(in_flight))
            );
        };
        // Warm both sides' pools and allocators.
        s.timed(s.sdk_batch(8, seq_calls));
        s.timed(s.floor_batch(8, seq_calls));
        let before = load();
        let r = alternate(
            ROUNDS,
            || s.timed(s.sdk_sequential(seq_calls)),
            || s.timed(s.floor_sequential(seq_calls)),
        );
        report("sequential", 0, seq_calls, r, before);
        for k in LEVELS {
            let before = load();
            let r = alternate(
                ROUNDS,
                || s.timed(s.sdk_batch(k, size.batch)),
                || s.timed(s.floor_batch(k, size.batch)),
            );
            report(&format!("in flight {k:>2}"), k, size.batch, r, before);
        }
    }
}

criterion_group! {
    name = group;
    config = Criterion::default().without_plots().nresamples(10_000);
    targets = benches
}

fn main() {
    // `--summary-only`: skip criterion's runs, print the summary.
    if !std::env::args().any(|a| a == "--summary-only") {
        group();
        Criterion::default().configure_from_args().final_summary();
    }
    summary();
}
