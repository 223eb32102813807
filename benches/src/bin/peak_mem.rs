//! Peak memory of decoding a large structure response, measured in a fresh
//! process with `/proc/self/status` (`VmHWM`, the resident high-water mark).
//!
//! `peak_mem <mode> [megabytes]` (default 80 MB), one mode per process,
//! since the high-water mark only grows:
//!
//! - `client`: the whole call, `client.send(GetStructure)` through
//!   `alooma::Client` and the default transport, against the in-process
//!   static server (which holds the body before the baseline is read). The
//!   growth over the baseline is the collected body, the decoded
//!   `Structure` and every transient buffer.
//! - `decode`: `GetStructure.decode` of a body already in memory; the
//!   body counts, as it would once collected.
//! - `value`: the reference point, `serde_json::from_slice` of the same
//!   body into a `serde_json::Value`, counted the same way as `decode`.
//!
//! Prints one `RESULT` line: peak growth / body size (target ≤ 2).
#![forbid(unsafe_code)]
#![allow(clippy::print_stdout)]

use alooma_benches::server::{Routes, StaticServer};
use alooma_benches::{client_runtime, payload, proc_status_bytes, sdk_client};
use alooma_core::structure::GetStructure;
use alooma_core::Operation;
use bytes::Bytes;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn rss() -> Result<u64, BoxError> {
    proc_status_bytes("VmRSS").ok_or_else(|| "no /proc/self/status VmRSS".into())
}

fn hwm() -> Result<u64, BoxError> {
    proc_status_bytes("VmHWM").ok_or_else(|| "no /proc/self/status VmHWM".into())
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("client");
    let megabytes: usize = args.get(1).map(|m| m.parse()).transpose()?.unwrap_or(80);
    let target = megabytes * 1_000_000;

    let start = rss()?;
    // (body size, nodes, baseline, peak, resident after the body is gone)
    let (body_len, nodes, baseline, peak, retained) = match mode {
        "client" => {
            let body = payload::structure(target);
            let body_len = body.len();
            let server = StaticServer::start(Routes::new().with("plumbing/", Bytes::from(body)))?;
            let rt = client_runtime()?;
            let client = sdk_client(&server.base_url())?.with_options(
                alooma::CallOptions::timeout(std::time::Duration::from_secs(120)),
            );
            let baseline = rss()?;
            let structure = rt.block_on(client.send(GetStructure))?;
            let peak = hwm()?;
            // The server still holds its copy of the body, as in the baseline.
            let retained = rss()?;
            drop(server);
            (body_len, structure.nodes().len(), baseline, peak, retained)
        }
        "decode" => {
            let body = Bytes::from(payload::structure(target));
            let body_len = body.len();
            let structure = GetStructure.decode(http::Response::new(body))?;
            let peak = hwm()?;
            (body_len, structure.nodes().len(), start, peak, rss()?)
        }
        "value" => {
            let body = Bytes::from(payload::structure(target));
            let body_len = body.len();
            let value: serde_json::Value = serde_json::from_slice(&body)?;
            let peak = hwm()?;
            drop(body);
            let nodes = value["nodes"].as_array().map_or(0, Vec::len);
            (body_len, nodes, start, peak, rss()?)
        }
        other => return Err(format!("unknown mode {other:?} (client, decode, value)").into()),
    };
    let growth = peak.saturating_sub(baseline);
    let ratio = growth as f64 / body_len as f64;
    let target_note = if mode == "value" {
        "reference point".to_owned()
    } else {
        format!(
            "target <= 2: {}",
            alooma_benches::timing::verdict(ratio <= 2.0)
        )
    };
    println!(
        "RESULT peak memory [{mode}]: body {:.1} MB ({nodes} nodes), peak growth {:.1} MB (VmHWM {:.1} MB over {:.1} MB baseline) = {ratio:.2} x body ({target_note}); held by the result after the call (with the body its configurations share) {:.2} x body",
        body_len as f64 / 1e6,
        growth as f64 / 1e6,
        peak as f64 / 1e6,
        baseline as f64 / 1e6,
        retained.saturating_sub(baseline) as f64 / body_len as f64,
    );
    Ok(())
}
