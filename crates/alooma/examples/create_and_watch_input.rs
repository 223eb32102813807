//! Create an input, then watch it for a while: its tasks and the
//! throughput the pipeline reports for it.
//!
//! ```sh
//! ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=… \
//!   cargo run -p alooma --example create_and_watch_input -- my-endpoint 6
//! ```
//!
//! The arguments are the new input's name (default `sdk-example`) and how
//! many times to look at it, 10 s apart (default 6). The input is a REST
//! endpoint with one-click mapping; delete it afterwards with
//! `remove_input` (the example prints its id).
#![allow(clippy::print_stdout)] // An example's job is to print.

use alooma::types::InputSpec;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("sdk-example", String::as_str);
    let rounds: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(6);

    // How long create_input waits for the new node to appear is a client
    // setting (the reference gives up after about 10 s).
    let client = alooma::ClientBuilder::from_env()?
        .create_input_deadline(Duration::from_secs(120))
        .build()?;

    // One-click mapping (`auto_map`) is on by default, as in the reference.
    let spec = InputSpec::new(name, "REST_ENDPOINT");
    let id = client.create_input(&spec).await?;
    println!("created input {name} with id {id}");

    for round in 1..=rounds {
        let details = client.get_input_by_id(&id).await?;
        let throughput = client.get_throughput_by_name(name).await?;
        println!(
            "[{round}/{rounds}] {} task(s), throughput {throughput:?}",
            details.tasks().len()
        );
        if round < rounds {
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
    }
    println!("done; remove it with client.remove_input({id:?})");
    Ok(())
}
