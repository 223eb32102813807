//! `cargo xtask prometheus-e2e`: a real Prometheus scrapes the exporter.
//!
//! Debian's `prometheus` package (installed with apt-get when missing and
//! possible; skipped with a message otherwise) scrapes `alooma metrics
//! serve`, which reads `alooma emulator serve` running under a test clock
//! with a draining restream queue and failing query runs. The task moves
//! the emulator's clock, then asks Prometheus's HTTP API for the series and
//! checks them against the emulator's state; `promtool check metrics`
//! validates the exposition. Not in CI's required path (it needs the
//! package).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Prometheus and promtool, installed when missing and possible.
fn ensure_prometheus() -> Result<bool> {
    if have("prometheus") && have("promtool") {
        return Ok(true);
    }
    eprintln!("==> installing Debian's prometheus package");
    let ok = Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-q",
            "--no-install-recommends",
            "prometheus",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .is_ok_and(|s| s.success());
    Ok(ok && have("prometheus") && have("promtool"))
}

/// A free loopback port (bound, then released).
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A request over a plain socket; the status and the body.
fn http(method: &str, url: &str, key: Option<&str>, body: &str) -> Result<(u16, String)> {
    let rest = url.strip_prefix("http://").context("an http:// URL")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = std::net::TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let auth = key
        .map(|k| format!("Authorization: API {k}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .context("no status line")?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Starts the alooma binary; its first line of output.
fn start_alooma(args: &[&str], env: &[(&str, &str)]) -> Result<(Running, String)> {
    let bin = crate::root().join("target/debug/alooma");
    let mut cmd = Command::new(&bin);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("could not start {}", bin.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    Ok((Running(child), line.trim().to_owned()))
}

/// The value of an instant query (the sum over its series), if any.
fn query(prometheus: &str, q: &str) -> Result<Option<f64>> {
    let encoded: String = q
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    let (status, body) = http(
        "GET",
        &format!("{prometheus}/api/v1/query?query={encoded}"),
        None,
        "",
    )?;
    if status != 200 {
        bail!("Prometheus answered {status} to {q}: {body}");
    }
    let v: Value = serde_json::from_str(&body)?;
    let results = v["data"]["result"].as_array().cloned().unwrap_or_default();
    if results.is_empty() {
        return Ok(None);
    }
    let sum = results
        .iter()
        .filter_map(|r| r["value"][1].as_str()?.parse::<f64>().ok())
        .sum();
    Ok(Some(sum))
}

/// Waits until `q` has the value `want` in Prometheus.
fn wait_for(prometheus: &str, q: &str, want: f64) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = None;
    while Instant::now() < deadline {
        // Prometheus may still be starting: a refused connection is a wait.
        last = query(prometheus, q).unwrap_or(None);
        if last.is_some_and(|v| (v - want).abs() < 1e-9) {
            eprintln!("    {q} = {want}");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    bail!("Prometheus never showed {q} = {want} (last: {last:?})")
}

/// `cargo xtask prometheus-e2e`.
pub fn prometheus_e2e() -> Result<()> {
    if !ensure_prometheus()? {
        eprintln!("==> prometheus-e2e: skipped: no prometheus/promtool and they could not be installed (apt-get install prometheus)");
        return Ok(());
    }
    let mut build = crate::cargo();
    build.args(["build", "-q", "-p", "alooma-cli"]);
    crate::run("cargo build -p alooma-cli", build)?;

    let key = "prom-e2e-key";
    let (_emulator, emu_url) = start_alooma(
        &[
            "emulator",
            "serve",
            "--port",
            "0",
            "--key",
            key,
            "--test-clock",
            "--restream-drain-per-sec",
            "10",
            "--query-fail-every",
            "1",
        ],
        &[],
    )?;
    let env = [
        ("ALOOMA_BASE_URL", emu_url.as_str()),
        ("ALOOMA_ACCOUNT", "acme"),
        ("ALOOMA_API_KEY", key),
    ];
    let started = Command::new(crate::root().join("target/debug/alooma"))
        .args(["restream", "start"])
        .envs(env)
        .output()?;
    if !started.status.success() {
        bail!(
            "start_restream failed: {}",
            String::from_utf8_lossy(&started.stderr)
        );
    }
    let (_exporter, metrics_url) = start_alooma(
        &[
            "metrics",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--refresh",
            "1",
        ],
        &env,
    )?;
    eprintln!("==> emulator {emu_url}, exporter {metrics_url}");

    // promtool on the exposition.
    let (status, exposition) = http("GET", &metrics_url, None, "")?;
    if status != 200 {
        bail!("the exporter answered {status}");
    }
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    promtool
        .stdin
        .take()
        .context("promtool stdin")?
        .write_all(exposition.as_bytes())?;
    let checked = promtool.wait_with_output()?;
    let complaints = String::from_utf8_lossy(&checked.stdout).to_string()
        + &String::from_utf8_lossy(&checked.stderr);
    if !checked.status.success() || !complaints.trim().is_empty() {
        bail!("promtool check metrics: {complaints}");
    }
    eprintln!(
        "==> promtool check metrics: no problem ({} lines)",
        exposition.lines().count()
    );

    // Prometheus scraping the exporter every second.
    let dir = std::env::temp_dir().join(format!("alooma-prom-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let target = metrics_url
        .strip_prefix("http://")
        .and_then(|r| r.strip_suffix("/metrics"))
        .context("the exporter's URL")?;
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: alooma\n    static_configs:\n      - targets: ['{target}']\n"
        ),
    )?;
    let port = free_port()?;
    let prometheus = format!("http://127.0.0.1:{port}");
    let _prom = Running(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start prometheus")?,
    );
    let result = (|| -> Result<()> {
        eprintln!("==> Prometheus at {prometheus} scraping {target}");
        wait_for(&prometheus, "up{job=\"alooma\"}", 1.0)?;
        wait_for(&prometheus, "sum(alooma_inputs)", 3.0)?;
        wait_for(&prometheus, "alooma_restream_queue_events", 1250.0)?;
        wait_for(&prometheus, "alooma_scheduled_queries_in_error", 1.0)?;
        wait_for(&prometheus, "alooma_exporter_stale", 0.0)?;
        // Time moves on the emulator: 60 s of draining at 10 events/s, and
        // past the 8-hour run of the orders query, which fails.
        let (status, _) = http(
            "POST",
            &format!("{emu_url}/__emulator/clock"),
            Some(key),
            r#"{"advance_secs": 60}"#,
        )?;
        if status != 200 {
            bail!("moving the emulator's clock answered {status}");
        }
        wait_for(&prometheus, "alooma_restream_queue_events", 650.0)?;
        let (status, _) = http(
            "POST",
            &format!("{emu_url}/__emulator/clock"),
            Some(key),
            r#"{"advance_secs": 32400}"#,
        )?;
        if status != 200 {
            bail!("moving the emulator's clock answered {status}");
        }
        wait_for(&prometheus, "alooma_restream_queue_events", 0.0)?;
        wait_for(&prometheus, "alooma_scheduled_queries_in_error", 2.0)?;
        let latency =
            query(&prometheus, "alooma_latency_max_seconds")?.context("no latency series")?;
        eprintln!("    alooma_latency_max_seconds = {latency}");
        if !(latency > 0.0 && latency < 60.0) {
            bail!("alooma_latency_max_seconds = {latency}: not a number of seconds");
        }
        Ok(())
    })();
    drop(_prom);
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    eprintln!("==> prometheus-e2e: Prometheus scraped the exporter and every series matched the emulator's state");
    Ok(())
}
