//! The static server for the comparison with the reference Python client
//! (`cargo xtask bench --reference`).
//!
//! Its argument is the number of event types the list holds (default 200:
//! about 79 KB; 5 is about 2 KB, 5000 about 2 MB).
//!
//! Prints `URL http://127.0.0.1:{port}` (the base URL; the event-type list
//! is at `{URL}/bench/rest/event-types`), then reads commands from stdin:
//! `sdk {seconds}` runs sequential `get_event_types` calls through
//! `alooma::Client` against the same server for that long and prints
//! `SDK {calls per second} {calls}`; `floor {seconds}` does the same with
//! the bare hyper-util + serde floor client and prints `FLOOR …` (the
//! fastest any Rust client could go against this server: the ceiling of
//! the SDK/reference ratio); end of input stops the server.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]

use alooma_benches::floor::Floor;
use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, sdk_client};
use alooma_types::EventType;
use std::io::{BufRead, Write};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), BoxError> {
    let count: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 200,
    };
    let server =
        StaticServer::start(Routes::new().with("event-types", payload::event_types(count)))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL {}", server.base_url())?;
    out.flush()?;
    let rt = client_runtime()?;
    let client = sdk_client(&server.base_url())?;
    let floor = Floor::new(&server.url("event-types"))?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let (who, secs) = match line.split_once(' ') {
            Some(("sdk", secs)) => ("SDK", secs),
            Some(("floor", secs)) => ("FLOOR", secs),
            _ => {
                writeln!(out, "ERROR unknown command {line:?}")?;
                continue;
            }
        };
        let secs = Duration::from_secs_f64(secs.trim().parse()?);
        let (calls, elapsed) = rt.block_on(async {
            // The first call connects, outside the timing.
            let call = || async {
                if who == "SDK" {
                    client.get_event_types().await.map(|l| l.len())?;
                } else {
                    floor.get::<Vec<EventType>>().await?;
                }
                Ok::<_, BoxError>(())
            };
            call().await?;
            let start = Instant::now();
            let mut calls = 0u64;
            while start.elapsed() < secs {
                call().await?;
                calls += 1;
            }
            Ok::<_, BoxError>((calls, start.elapsed()))
        })?;
        writeln!(
            out,
            "{who} {:.1} {calls}",
            calls as f64 / elapsed.as_secs_f64()
        )?;
        out.flush()?;
    }
    drop(server);
    Ok(())
}
