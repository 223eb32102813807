//! Shared set-up: an emulator, a client for it, a temporary directory.

use alooma::Client;
use alooma_emulator::{Emulator, Seed};
use alooma_pipeline::{ApplyOptions, ApplyReport, Pipeline, Plan, PlanOptions};
use std::path::Path;
use std::time::Duration;

pub async fn emulator(seed: Seed) -> Emulator {
    match Emulator::builder().seed(seed).start().await {
        Ok(e) => e,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

pub fn client(emu: &Emulator) -> Client {
    let mut retry = alooma::RetryPolicy::default();
    retry.max_attempts = 1;
    Client::builder()
        .base_url(emu.base_url())
        .account(emu.account())
        .api_key(emu.api_key().unwrap())
        .retry_policy(retry)
        .attempt_timeout(Duration::from_secs(10))
        .create_input_poll(Duration::from_millis(5), Duration::from_millis(50))
        .build()
        .unwrap()
}

pub async fn fetch(client: &Client) -> Pipeline {
    Pipeline::fetch(client).await.unwrap()
}

pub async fn plan(desired: &Pipeline, client: &Client, options: &PlanOptions) -> Plan {
    Plan::new(desired, &fetch(client).await, options).unwrap()
}

pub async fn apply(desired: &Pipeline, client: &Client, options: &PlanOptions) -> ApplyReport {
    let plan = plan(desired, client, options).await;
    let report = plan.apply(client, &ApplyOptions::default()).await;
    assert!(report.is_success(), "{plan}\n{report}");
    report
}

/// Every file under `dir`, relative, with its bytes, sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The number of write requests (anything but GET) the emulator saw.
pub fn writes(emu: &Emulator) -> usize {
    emu.requests().iter().filter(|r| r.method != "GET").count()
}
