//! Fetch a mapping, edit it offline, review the difference and send it
//! back: `get_mapping` → `map_field` / `discard_field` → `diff` →
//! `set_mapping`.
//!
//! ```sh
//! ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=… \
//!   cargo run -p alooma --example mapping_round_trip -- orders customer.phone
//! ```
//!
//! The first argument is the event type, the second a field path to
//! discard; add `--apply` to send the edited mapping (without it the example
//! only prints the review).
#![allow(clippy::print_stdout)] // An example's job is to print.

use alooma::types::ColumnType;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let event_type = args.first().map_or("orders", String::as_str);
    let discard = args.get(1).map_or("customer.phone", String::as_str);
    let apply = args.iter().any(|a| a == "--apply");

    let client = alooma::Client::from_env()?;

    // The mapping without `stats`, ready to send back.
    let before = client.get_mapping(event_type).await?;
    let mut after = before.clone();

    // Edits happen in place, offline; nested paths are created as needed.
    client.discard_field(&mut after, discard)?;
    client.map_field(
        &mut after,
        "meta.received_at",
        "received_at",
        ColumnType::new("TIMESTAMP").with_non_null(true),
    )?;

    println!("{}", alooma::mapping::diff(&before, &after));

    if apply {
        client.set_mapping(&after, event_type).await?;
        println!("mapping of {event_type} updated");
    } else {
        println!("(dry run: pass --apply to send it)");
    }
    Ok(())
}
