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
//! `SDK {calls per second} {calls}`; end of input stops the server.
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]

use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, sdk_client};
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
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let Some(secs) = line.strip_prefix("sdk ") else {
            writeln!(out, "ERROR unknown command {line:?}")?;
            continue;
        };
        let secs: f64 = secs.trim().parse()?;
        let (calls, elapsed) = rt.block_on(async {
            client.get_event_types().await?; // connect outside the timing
            let start = Instant::now();
            let mut calls = 0u64;
            while start.elapsed() < Duration::from_secs_f64(secs) {
                client.get_event_types().await?;
                calls += 1;
            }
            Ok::<_, alooma::Error>((calls, start.elapsed()))
        })?;
        writeln!(
            out,
            "SDK {:.1} {calls}",
            calls as f64 / elapsed.as_secs_f64()
        )?;
        out.flush()?;
    }
    drop(server);
    Ok(())
}
