//! A fixed workload for profilers (`valgrind --tool=callgrind`):
//! `profile_calls <sdk|floor> [calls] [event types]` makes `calls`
//! sequential `get_event_types` calls (200 event types, about 80 KB, unless
//! told; 5 make a 2 KB answer) against the in-process static server,
//! through `alooma::Client` or through the bare floor client.
//!
//! Instruction counts are independent of machine load, so comparing the
//! two runs' totals (and the SDK run's inclusive costs per function) shows
//! where the SDK's time over the floor goes.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]

use alooma_benches::floor::Floor;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, sdk_client};
use alooma_types::EventType;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("sdk");
    let calls: usize = args.get(1).map(|c| c.parse()).transpose()?.unwrap_or(100);
    let count: usize = args.get(2).map(|c| c.parse()).transpose()?.unwrap_or(200);
    let server =
        StaticServer::start(Routes::new().with("event-types", payload::event_types(count)))?;
    let rt = client_runtime()?;
    let mut total = 0;
    match which {
        "sdk" => {
            let client = sdk_client(&server.base_url())?;
            rt.block_on(async {
                for _ in 0..calls {
                    total += client.get_event_types().await?.len();
                }
                Ok::<_, BoxError>(())
            })?;
        }
        "floor" => {
            let floor = Floor::new(&server.url("event-types"))?;
            rt.block_on(async {
                for _ in 0..calls {
                    total += floor.get::<Vec<EventType>>().await?.len();
                }
                Ok::<_, BoxError>(())
            })?;
        }
        other => return Err(format!("unknown client {other:?} (sdk, floor)").into()),
    }
    println!("{which}: {calls} calls, {total} event types decoded");
    Ok(())
}
