//! Benchmarks 1 and 2: `get_event_types` (200 event types, ~80 KB of JSON)
//! through `alooma::Client` (default transport, API key, plain HTTP to
//! 127.0.0.1) against a static keep-alive hyper server, and the floor: a
//! bare hyper-util client decoding the same body into the same
//! `Vec<EventType>` with serde, in the same run.
//!
//! Criterion reports each variant; the summary printed at the end gives the
//! SDK / floor ratios (medians of interleaved rounds).
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use alooma::types::EventType;
use alooma_benches::floor::Floor;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::timing::{interleaved, ratio, verdict};
use alooma_benches::{client_runtime, payload, sdk_client};
use criterion::{criterion_group, Criterion, SamplingMode, Throughput};
use futures::StreamExt;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

/// Event types in the list.
const EVENT_TYPES: usize = 200;
/// Calls per timed batch of the concurrency benchmark.
const BATCH: usize = 128;
/// Calls in flight.
const LEVELS: [usize; 3] = [1, 8, 64];
/// The target ratio SDK / floor.
const TARGET: f64 = 1.15;

struct Setup {
    _server: StaticServer,
    rt: Runtime,
    sdk: alooma::Client,
    floor: Floor,
    body_len: usize,
}

fn setup() -> Setup {
    let body = payload::event_types(EVENT_TYPES);
    let body_len = body.len();
    let server = StaticServer::start(Routes::new().with("event-types", body)).expect("server");
    let rt = client_runtime().expect("runtime");
    let sdk = sdk_client(&server.base_url()).expect("client");
    let floor = Floor::new(&server.url("event-types")).expect("floor");
    // Both sides decode the same, full list.
    rt.block_on(async {
        let a = sdk.get_event_types().await.expect("sdk call");
        let b: Vec<EventType> = floor.get().await.expect("floor call");
        assert_eq!(a.len(), EVENT_TYPES);
        assert_eq!(a, b);
    });
    Setup {
        _server: server,
        rt,
        sdk,
        floor,
        body_len,
    }
}

async fn sdk_batch(sdk: &alooma::Client, in_flight: usize, calls: usize) {
    futures::stream::iter(0..calls)
        .map(|_| sdk.get_event_types())
        .buffer_unordered(in_flight)
        .for_each(|r| {
            assert_eq!(r.expect("sdk call").len(), EVENT_TYPES);
            async {}
        })
        .await;
}

async fn floor_batch(floor: &Floor, in_flight: usize, calls: usize) {
    futures::stream::iter(0..calls)
        .map(|_| floor.get::<Vec<EventType>>())
        .buffer_unordered(in_flight)
        .for_each(|r| {
            assert_eq!(r.expect("floor call").len(), EVENT_TYPES);
            async {}
        })
        .await;
}

fn benches(c: &mut Criterion) {
    let s = setup();
    let mut seq = c.benchmark_group("get_event_types_sequential");
    seq.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
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

    let mut conc = c.benchmark_group("get_event_types_in_flight");
    conc.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(BATCH as u64));
    for k in LEVELS {
        conc.bench_function(format!("sdk/{k}"), |b| {
            b.iter_custom(|iters| {
                s.rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        sdk_batch(&s.sdk, k, BATCH).await;
                    }
                    start.elapsed()
                })
            })
        });
        conc.bench_function(format!("floor/{k}"), |b| {
            b.iter_custom(|iters| {
                s.rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        floor_batch(&s.floor, k, BATCH).await;
                    }
                    start.elapsed()
                })
            })
        });
    }
    conc.finish();
}

fn summary() {
    let s = setup();
    const ROUNDS: usize = 7;
    const SEQ_CALLS: usize = 100;
    println!("\n== loopback summary ({}) ==", alooma_benches::machine());
    println!(
        "get_event_types: {EVENT_TYPES} event types, {} bytes of JSON; median of {ROUNDS} interleaved rounds",
        s.body_len
    );
    let (sdk, floor) = interleaved(
        ROUNDS,
        || {
            s.rt.block_on(async {
                let start = Instant::now();
                for _ in 0..SEQ_CALLS {
                    s.sdk.get_event_types().await.expect("sdk call");
                }
                start.elapsed()
            })
        },
        || {
            s.rt.block_on(async {
                let start = Instant::now();
                for _ in 0..SEQ_CALLS {
                    s.floor.get::<Vec<EventType>>().await.expect("floor call");
                }
                start.elapsed()
            })
        },
    );
    let r = ratio(sdk, floor);
    println!(
        "RESULT sequential: sdk {:.1} us/call, floor {:.1} us/call, sdk/floor = {r:.3} (target <= {TARGET}: {})",
        sdk.as_secs_f64() * 1e6 / SEQ_CALLS as f64,
        floor.as_secs_f64() * 1e6 / SEQ_CALLS as f64,
        verdict(r <= TARGET)
    );
    for k in LEVELS {
        let (sdk, floor) = interleaved(
            ROUNDS,
            || {
                s.rt.block_on(async {
                    let start = Instant::now();
                    sdk_batch(&s.sdk, k, BATCH).await;
                    start.elapsed()
                })
            },
            || {
                s.rt.block_on(async {
                    let start = Instant::now();
                    floor_batch(&s.floor, k, BATCH).await;
                    start.elapsed()
                })
            },
        );
        let r = ratio(sdk, floor);
        println!(
            "RESULT in flight {k:>2}: sdk {:.0} calls/s, floor {:.0} calls/s, sdk/floor (time) = {r:.3} (target <= {TARGET}: {})",
            BATCH as f64 / sdk.as_secs_f64(),
            BATCH as f64 / floor.as_secs_f64(),
            verdict(r <= TARGET)
        );
    }
}

criterion_group! {
    name = group;
    config = Criterion::default().without_plots().nresamples(10_000);
    targets = benches
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
