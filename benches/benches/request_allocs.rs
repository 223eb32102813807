//! Benchmark 5b: heap allocations per built request, counted by the
//! `stats_alloc` global allocator wrapper (this binary only), against the
//! floor: a bare `http::Request::get("/event-types")` with an empty body.
//!
//! Then the same count for a whole call over loopback: `get_event_types`
//! (5 event types, 2 KB) through `alooma::Client` against the bare floor
//! client, one call at a time, against the in-process static server. The
//! server's allocations are counted on both sides alike, so the difference
//! is the SDK's.
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use alooma_benches::floor::Floor;
use alooma_benches::ops::operations;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, sdk_client};
use alooma_types::EventType;
use bytes::Bytes;
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::hint::black_box;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1_000;

/// Allocations and bytes allocated per call of `f`.
fn count(f: &dyn Fn() -> usize) -> (f64, f64) {
    black_box(f()); // warm any lazy state
    let region = Region::new(GLOBAL);
    for _ in 0..N {
        black_box(f());
    }
    let stats = region.change();
    (
        stats.allocations as f64 / N as f64,
        stats.bytes_allocated as f64 / N as f64,
    )
}

fn main() {
    let ops = operations().expect("operations");
    println!(
        "\n== allocations per request ({}) ==",
        alooma_benches::machine()
    );
    let (floor_allocs, floor_bytes) = count(&|| {
        http::Request::get("/event-types")
            .body(Bytes::new())
            .expect("floor request")
            .uri()
            .path()
            .len()
    });
    let mut rows = Vec::new();
    let mut total = 0.0;
    let mut most = ("", 0.0);
    for (name, build) in &ops {
        let (allocs, bytes) = count(&|| build().expect("build").body().len());
        total += allocs;
        if allocs > most.1 {
            most = (name, allocs);
        }
        rows.push(format!("{name} {allocs:.0} ({bytes:.0} B)"));
    }
    println!("allocations per request (bytes): {}", rows.join(", "));
    let get_event_types = count(&|| ops[0].1().expect("build").body().len());
    println!(
        "RESULT request allocations: mean {:.1} per request over {} operations, most {} {:.0}; get_event_types {:.0} ({:.0} B) vs floor (bare http::Request) {:.0} ({:.0} B)",
        total / ops.len() as f64,
        ops.len(),
        most.0,
        most.1,
        get_event_types.0,
        get_event_types.1,
        floor_allocs,
        floor_bytes,
    );
    calls();
}

/// Allocations and bytes per whole `get_event_types` call, SDK and floor.
fn calls() {
    let server = StaticServer::start(Routes::new().with("event-types", payload::event_types(5)))
        .expect("server");
    let rt = client_runtime().expect("runtime");
    let sdk = sdk_client(&server.base_url()).expect("client");
    let floor = Floor::new(&server.url("event-types")).expect("floor");
    let sdk_call = || rt.block_on(sdk.get_event_types()).expect("sdk call").len();
    let floor_call = || {
        rt.block_on(floor.get::<Vec<EventType>>())
            .expect("floor call")
            .len()
    };
    // Warm the pools (each side's connection) before counting.
    for _ in 0..100 {
        sdk_call();
        floor_call();
    }
    let (sdk_allocs, sdk_bytes) = count(&sdk_call);
    let (floor_allocs, floor_bytes) = count(&floor_call);
    println!(
        "RESULT call allocations: get_event_types (2 KB) over loopback, SDK {sdk_allocs:.1} ({sdk_bytes:.0} B) vs floor (bare hyper-util client) {floor_allocs:.1} ({floor_bytes:.0} B) per call, the in-process server's included on both sides: the SDK's own {:.1}",
        sdk_allocs - floor_allocs
    );
}
