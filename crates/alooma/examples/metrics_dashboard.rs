//! A terminal dashboard: refreshes a few pipeline metrics every few
//! seconds, for a bounded number of rounds.
//!
//! ```sh
//! ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=… cargo run -p alooma --example metrics_dashboard -- 10
//! ```
//!
//! The argument is the number of refreshes (default 5). The calls of one
//! refresh run concurrently over the client's shared connection pool.
#![allow(clippy::print_stdout)] // An example's job is to print.

use std::time::Duration;

/// The metrics' window, in minutes.
const MINUTES: u32 = 10;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let client = alooma::Client::from_env()?;

    for round in 1..=rounds {
        let (incoming, queue, latency, size, restream) = tokio::try_join!(
            client.get_incoming_events_count(MINUTES),
            client.get_incoming_queue_metric(MINUTES),
            client.get_max_latency(MINUTES),
            client.get_average_event_size(MINUTES),
            client.get_restream_queue_size(),
        )?;
        // Clear the screen and go home, then draw.
        print!("\x1b[2J\x1b[H");
        println!("Alooma pipeline, last {MINUTES} minutes (refresh {round}/{rounds})");
        println!("  incoming events     {incoming:>12}");
        println!("  events in pipeline  {queue:>12}");
        println!("  max latency (s)     {latency:>12.3}");
        println!("  average event size  {size:>12.1}");
        println!("  restream queue      {restream:>12}");
        if round < rounds {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }
    Ok(())
}
