//! A fixed workload for profilers (`valgrind --tool=callgrind`, `perf
//! stat`): `profile_calls <sdk|floor> [calls] [event types] [in flight]`
//! makes `calls` `get_event_types` calls (200 event types, about 80 KB,
//! unless told; 5 make a 2 KB answer, 5,000 a 2 MB one), one at a time
//! unless told, against the in-process static server, through
//! `alooma::Client` or through the bare floor client.
//!
//! Instruction counts are independent of machine load, so comparing the
//! two runs' totals (and the SDK run's inclusive costs per function) shows
//! where the SDK's time over the floor goes; `cargo xtask profile` runs it
//! under callgrind and reports the difference per call.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]

use alooma_benches::floor::Floor;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, sdk_client};
use alooma_types::EventType;
use futures::StreamExt;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("sdk");
    let number = |i: usize, default: usize| -> Result<usize, BoxError> {
        Ok(args
            .get(i)
            .map(|c| c.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let calls = number(1, 100)?;
    let count = number(2, 200)?;
    let in_flight = number(3, 1)?.max(1);
    let server =
        StaticServer::start(Routes::new().with("event-types", payload::event_types(count)))?;
    let rt = client_runtime()?;
    let total = match which {
        "sdk" => {
            let client = sdk_client(&server.base_url())?;
            rt.block_on(run(calls, in_flight, || client.get_event_types()))?
        }
        "floor" => {
            let floor = Floor::new(&server.url("event-types"))?;
            rt.block_on(run(calls, in_flight, || floor.get::<Vec<EventType>>()))?
        }
        other => return Err(format!("unknown client {other:?} (sdk, floor)").into()),
    };
    println!("{which}: {calls} calls, {in_flight} in flight, {total} event types decoded");
    Ok(())
}

/// `calls` calls of `call`, `in_flight` at a time; the event types decoded.
async fn run<F, Fut, E>(calls: usize, in_flight: usize, call: F) -> Result<usize, BoxError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<EventType>, E>>,
    E: Into<BoxError>,
{
    let mut total = 0;
    let mut results = futures::stream::iter(0..calls)
        .map(|_| call())
        .buffer_unordered(in_flight);
    while let Some(r) = results.next().await {
        total += r.map_err(Into::into)?.len();
    }
    Ok(total)
}
