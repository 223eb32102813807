//! Benchmark 5a: building each operation's request in `alooma_core` (no
//! I/O), against the floor: a bare `http::Request::get("/event-types")`
//! with an empty body, measured in the same run. Target: a few
//! microseconds at most per request.
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use alooma_benches::ops::operations;
use alooma_benches::timing::{median, time, verdict};
use bytes::Bytes;
use criterion::{criterion_group, Criterion};
use std::hint::black_box;
use std::time::Duration;

/// The target: at most this long per request.
const TARGET: Duration = Duration::from_micros(3);

fn floor() -> http::Request<Bytes> {
    http::Request::get("/event-types")
        .body(Bytes::new())
        .expect("floor request")
}

fn benches(c: &mut Criterion) {
    let ops = operations().expect("operations");
    let mut g = c.benchmark_group("request_build");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500));
    g.bench_function("floor_bare_http_request", |b| b.iter(floor));
    for (name, build) in ops.iter().filter(|(n, _)| {
        matches!(
            *n,
            "get_event_types" | "get_event_type" | "get_samples" | "set_mapping" | "login"
        )
    }) {
        g.bench_function(*name, |b| b.iter(|| build().expect("build")));
    }
    g.finish();
}

fn per_request(f: &dyn Fn() -> usize) -> Duration {
    const N: u32 = 5_000;
    let samples: Vec<Duration> = (0..7)
        .map(|_| {
            time(|| {
                for _ in 0..N {
                    black_box(f());
                }
            }) / N
        })
        .collect();
    median(&samples)
}

fn summary() {
    let ops = operations().expect("operations");
    println!(
        "\n== request building summary ({}) ==",
        alooma_benches::machine()
    );
    let floor_t = per_request(&|| floor().uri().path().len());
    let mut worst = ("", Duration::ZERO);
    let mut set_mapping = (Duration::ZERO, 0);
    let mut lines = Vec::new();
    for (name, build) in &ops {
        let t = per_request(&|| build().expect("build").body().len());
        // set_mapping serializes a whole mapping: judged by its body size.
        if *name == "set_mapping" {
            set_mapping = (t, build().expect("build").body().len());
        } else if t > worst.1 {
            worst = (name, t);
        }
        lines.push(format!("{name} {:.0} ns", t.as_secs_f64() * 1e9));
    }
    let get_event_types = per_request(&|| ops[0].1().expect("build").body().len());
    println!("per request (median of 7 x 5000): {}", lines.join(", "));
    println!(
        "RESULT request build: {} operations, slowest {} {:.2} us (target <= {:?}: {}); get_event_types {:.0} ns vs floor (bare http::Request) {:.0} ns = {:.2} x; set_mapping with a {} B body {:.2} us ({:.0} MB/s)",
        ops.len(),
        worst.0,
        worst.1.as_secs_f64() * 1e6,
        TARGET,
        verdict(worst.1 <= TARGET),
        get_event_types.as_secs_f64() * 1e9,
        floor_t.as_secs_f64() * 1e9,
        get_event_types.as_secs_f64() / floor_t.as_secs_f64(),
        set_mapping.1,
        set_mapping.0.as_secs_f64() * 1e6,
        set_mapping.1 as f64 / 1e6 / set_mapping.0.as_secs_f64(),
    );
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
