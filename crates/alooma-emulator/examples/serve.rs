//! Runs an emulator with the demo seed until the process is stopped.
//!
//! `cargo run -p alooma-emulator --example serve -- [PORT] [ACCOUNT] [API_KEY]`
//! (defaults: 8089, acme, emulator-api-key). Prints `listening on <base URL>`
//! when ready. The `alooma emulator serve` command is the full-featured
//! way; this example exists for `scripts/reference_smoke.py`.

use alooma_emulator::{serve, EmulatorConfig, EmulatorError};

#[tokio::main]
async fn main() -> Result<(), EmulatorError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = EmulatorConfig::default();
    if let Some(port) = args.first() {
        config.port = port
            .parse()
            .map_err(|_| EmulatorError::Config(format!("not a port: {port}")))?;
    } else {
        config.port = 8089;
    }
    if let Some(account) = args.get(1) {
        config.account = account.clone();
    }
    if let Some(key) = args.get(2) {
        config.api_key = Some(key.clone());
    }
    serve(config, std::future::pending()).await
}
