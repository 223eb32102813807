//! The first steps: build a client from the environment and look around.
//!
//! ```sh
//! ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=… cargo run -p alooma --example quick_start
//! # or ALOOMA_USERNAME + ALOOMA_PASSWORD instead of ALOOMA_API_KEY,
//! # and ALOOMA_BASE_URL=http://127.0.0.1:8080 for a local emulator.
//! ```
#![allow(clippy::print_stdout)] // An example's job is to print.

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Building does no network I/O; the first call connects (and logs in).
    let client = alooma::Client::from_env()?;
    println!("account: {}", client.get_account_name().await?);

    let inputs = client.get_inputs().await?;
    println!("{} inputs", inputs.len());
    for input in &inputs {
        println!("  {} ({}, id {})", input.name, input.node_type, input.id);
    }

    for et in client.get_event_types().await? {
        println!("event type {}", et.name);
    }

    println!("mapping mode: {:?}", client.get_mapping_mode().await?);
    println!(
        "incoming events, last 60 minutes: {}",
        client.get_incoming_events_count(60).await?
    );
    Ok(())
}
