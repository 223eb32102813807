//! Shared benchmark support: a fast static loopback HTTP server, the bare
//! hyper + serde "floor" client, realistic payloads, and timing helpers.
//!
//! Everything the benchmarks in `benches/benches/` compare is measured in the
//! same process and the same run, so every figure is a ratio to its floor.
#![forbid(unsafe_code)]

pub mod floor;
pub mod ops;
pub mod payload;
pub mod server;
pub mod timing;

/// The API key the benchmarks send (the static server does not check it).
pub const API_KEY: &str = "bench-api-key";

/// The account the benchmarks use (`/{account}/rest/…`).
pub const ACCOUNT: &str = "bench";

/// Reads a field (`VmHWM`, `VmRSS` …) of `/proc/self/status`, in bytes.
/// `None` where `/proc` is not available.
pub fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb * 1024)
    })
}

/// The machine the numbers come from: `nproc` and the CPU model of
/// `/proc/cpuinfo`.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs, {model}")
}

/// A `current_thread` Tokio runtime with I/O and timers, the runtime the
/// client side of every loopback benchmark runs on (the SDK and the floor
/// alike).
pub fn client_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// An [`alooma::Client`] over the default transport, with an API key and
/// plain HTTP to the static server at `base_url`.
pub fn sdk_client(base_url: &str) -> Result<alooma::Client, alooma::Error> {
    alooma::Client::builder()
        .base_url(base_url)
        .account(ACCOUNT)
        .api_key(API_KEY)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_status() {
        // RSS first: other test threads may allocate between the reads, and
        // the high-water mark read later is at least any earlier RSS.
        let rss = proc_status_bytes("VmRSS").unwrap();
        let hwm = proc_status_bytes("VmHWM").unwrap();
        assert!(hwm >= rss && rss > 0);
        assert!(proc_status_bytes("NoSuchField").is_none());
        assert!(machine().contains("CPUs"));
    }
}
