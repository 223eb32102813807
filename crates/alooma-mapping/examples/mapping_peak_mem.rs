//! Peak memory of the benchmark's mapping job, read from `/proc/self/status`
//! (VmHWM, Linux only). Run: `cargo run --release -p alooma-mapping
//! --example mapping_peak_mem [fused|streaming|serde|floor]` (default
//! `fused`: `decode::from_str_without_stats`; `floor` measures a plain
//! `serde_json::Value` parse + serialize). One mode per process, since the
//! high-water mark never goes down. The document itself is counted: it is generated straight into
//! a string before the job runs.
#![allow(clippy::print_stdout)]

#[path = "../benches/support/mod.rs"]
mod support;

fn vm_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "fused".into());
    let base = vm_kib("VmHWM:").unwrap_or(0);
    let doc = support::document();
    let batch = support::batch();
    let out_len = match mode.as_str() {
        "floor" => support::floor(&doc)?.len(),
        "fused" => support::job(&doc, &batch, support::Decoder::StreamingWithoutStats)?.len(),
        "streaming" => support::job(&doc, &batch, support::Decoder::Streaming)?.len(),
        "serde" => support::job(&doc, &batch, support::Decoder::Serde)?.len(),
        other => return Err(format!("unknown mode {other:?}").into()),
    };
    let peak = vm_kib("VmHWM:").ok_or("no VmHWM in /proc/self/status (not Linux?)")?;
    let doc_mb = doc.len() as f64 / 1e6;
    let peak_mb = peak as f64 * 1024.0 / 1e6;
    let base_mb = base as f64 * 1024.0 / 1e6;
    println!(
        "{}: document {doc_mb:.1} MB, output {:.1} MB",
        mode,
        out_len as f64 / 1e6
    );
    println!(
        "peak RSS (VmHWM) {peak_mb:.1} MB (process baseline {base_mb:.1} MB) = {:.2}x the document",
        peak_mb / doc_mb
    );
    Ok(())
}
