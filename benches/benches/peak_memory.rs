//! Benchmark 4: peak memory of an 80 MB structure response, each mode in a
//! fresh process (`src/bin/peak_mem.rs`, read from `/proc/self/status`).
//! `PEAK_MEM_MB` changes the size.
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use std::process::Command;

fn main() {
    let mb = std::env::var("PEAK_MEM_MB").unwrap_or_else(|_| "80".into());
    println!("\n== peak memory ({}) ==", alooma_benches::machine());
    for mode in ["client", "decode", "value"] {
        let out = Command::new(env!("CARGO_BIN_EXE_peak_mem"))
            .args([mode, &mb])
            .output()
            .expect("run peak_mem");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            println!(
                "peak_mem {mode} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
