//! Workspace-level integration tests: every facade operation against the
//! emulator over real loopback HTTP.
//!
//! This library holds the helpers the test files share: start an emulator,
//! build a real [`alooma::Client`] (default `alooma-http` transport) pointed
//! at it, and count the requests the emulator saw.

// Test support: a failed set-up is a test failure, so these helpers panic.
#![allow(clippy::panic)]

use alooma::{Client, ClientBuilder, RetryPolicy};
use alooma_emulator::{Emulator, EmulatorBuilder, RequestRecord, Seed};
use std::time::Duration;

/// Starts an emulator with the demo seed and the default account, key and
/// login.
///
/// # Panics
///
/// When the emulator cannot bind a loopback port (a test set-up failure).
pub async fn start() -> Emulator {
    start_with(Emulator::builder()).await
}

/// Starts an emulator with an empty seed (system nodes only).
///
/// # Panics
///
/// When the emulator cannot start.
pub async fn start_empty() -> Emulator {
    start_with(Emulator::builder().seed(Seed::empty())).await
}

/// Starts an emulator from a configured builder.
///
/// # Panics
///
/// When the emulator cannot start.
pub async fn start_with(builder: EmulatorBuilder) -> Emulator {
    match builder.start().await {
        Ok(emu) => emu,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

/// A fast retry policy for tests: 3 attempts, millisecond backoff.
pub fn fast_retries() -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    policy.max_attempts = 3;
    policy.base_delay = Duration::from_millis(5);
    policy.max_delay = Duration::from_millis(20);
    policy.retry_after_cap = Duration::from_millis(50);
    policy
}

/// A client builder pointed at `emu` (base URL and account) with fast
/// retries and fast `create_input` polling, but no credentials yet.
pub fn builder(emu: &Emulator) -> ClientBuilder {
    Client::builder()
        .base_url(emu.base_url())
        .account(emu.account())
        .retry_policy(fast_retries())
        .attempt_timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_secs(30))
        .create_input_poll(Duration::from_millis(5), Duration::from_millis(50))
        .create_input_deadline(Duration::from_secs(5))
}

/// A client with the emulator's API key.
///
/// # Panics
///
/// When the emulator has no API key or the client cannot be built.
pub fn client(emu: &Emulator) -> Client {
    let key = match emu.api_key() {
        Some(k) => k.to_owned(),
        None => panic!("this emulator accepts no API key"),
    };
    build(builder(emu).api_key(key))
}

/// A client logging in with the emulator's username and password.
///
/// # Panics
///
/// When the emulator has no login or the client cannot be built.
pub fn login_client(emu: &Emulator) -> Client {
    let (user, password) = match emu.credentials() {
        Some((u, p)) => (u.to_owned(), p.to_owned()),
        None => panic!("this emulator accepts no login"),
    };
    build(builder(emu).login(user, password))
}

/// Builds a client from a builder.
///
/// # Panics
///
/// When the builder's configuration is invalid.
pub fn build(builder: ClientBuilder) -> Client {
    match builder.build() {
        Ok(c) => c,
        Err(e) => panic!("the client did not build: {e}"),
    }
}

/// The requests the emulator saw with this method whose path (after the
/// REST root) is exactly `rest_path` (raw, percent-encoded).
pub fn requests_to(emu: &Emulator, method: &str, rest_path: &str) -> Vec<RequestRecord> {
    let full = format!("/{}/rest/{rest_path}", emu.account());
    emu.requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == full)
        .collect()
}

/// How many requests the emulator saw with this method and REST path.
pub fn count(emu: &Emulator, method: &str, rest_path: &str) -> usize {
    requests_to(emu, method, rest_path).len()
}

/// Starts an emulator whose only output node is of `output_type`
/// (`SNOWFLAKE`, `BIGQUERY`, `REDSHIFT` …), with no other content.
///
/// # Panics
///
/// When the seed is invalid or the emulator cannot start.
pub async fn start_with_output(output_type: &str) -> Emulator {
    let seed = serde_json::json!({
        "nodes": [{
            "id": "out-1",
            "name": "Output",
            "type": output_type,
            "category": "OUTPUT",
            "configuration": {"sinkType": output_type},
        }]
    });
    match Seed::from_json(&seed.to_string()) {
        Ok(seed) => start_with(Emulator::builder().seed(seed)).await,
        Err(e) => panic!("invalid seed: {e}"),
    }
}
