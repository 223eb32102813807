//! `cargo xtask <task>`: the project's automation.
//!
//! - `test`: exactly what CI runs (fmt check, clippy with `-D warnings`, the
//!   whole test suite with snapshots locked, docs with `-D warnings`, the demo).
//! - `snapshots`: runs the insta tests and opens `cargo insta review`.
//! - `fuzz [target] [seconds]`: runs a cargo-fuzz target (never in CI).
//! - `bench [--reference]`: runs the benchmarks (never in CI).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = args.get(1..).unwrap_or_default();
    match task {
        "test" => test(),
        "snapshots" => snapshots(),
        "fuzz" => fuzz(rest),
        "bench" => bench(rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 test                 what CI runs: fmt, clippy -D warnings, tests (snapshots locked), docs, demo\n  \
                 snapshots            run the snapshot tests and review changed snapshots\n  \
                 fuzz [target] [secs] run a fuzz target (needs nightly + cargo-fuzz; not in CI)\n  \
                 bench [--reference]  run the benchmarks and print ratios to their floors"
            );
            if task == "help" || task == "--help" {
                Ok(())
            } else {
                bail!("unknown task {task:?}")
            }
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(what: &str, mut cmd: Command) -> Result<()> {
    eprintln!("\n==> {what}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start: {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn test() -> Result<()> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run("cargo fmt --check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy -D warnings", clippy)?;

    let mut tests = cargo();
    tests
        .args(["test", "--workspace", "--all-features", "--locked"])
        .env("INSTA_UPDATE", "no")
        .env("CI", "true");
    run("cargo test (snapshots locked)", tests)?;

    let mut doc = cargo();
    doc.args([
        "doc",
        "--workspace",
        "--no-deps",
        "--all-features",
        "--locked",
    ])
    .env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc -D warnings", doc)?;

    if root().join("crates/alooma-cli/src/demo.rs").exists() {
        let mut demo = cargo();
        demo.args(["run", "--locked", "-p", "alooma-cli", "--", "demo"]);
        run("the demo (cargo run -p alooma-cli -- demo)", demo)?;
    }
    eprintln!("\nall checks passed");
    Ok(())
}

fn ensure_installed(bin: &str, krate: &str) -> Result<()> {
    let found = Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
        || Command::new("cargo")
            .args([bin.trim_start_matches("cargo-"), "--version"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if !found {
        let mut install = cargo();
        install.args(["install", "--locked", krate]);
        run(&format!("cargo install {krate}"), install)?;
    }
    Ok(())
}

fn snapshots() -> Result<()> {
    ensure_installed("cargo-insta", "cargo-insta")?;
    let mut t = cargo();
    t.args(["insta", "test", "--workspace", "--all-features", "--review"]);
    run("cargo insta test --review", t)
}

fn fuzz(rest: &[String]) -> Result<()> {
    // cargo-fuzz needs a nightly toolchain; where either is missing (or
    // cannot be installed), the stable replay harness runs the same targets.
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let libfuzzer = nightly && ensure_installed("cargo-fuzz", "cargo-fuzz").is_ok();
    let targets: Vec<String> = match rest.first() {
        Some(t) => vec![t.clone()],
        None => vec!["field_path".into(), "mapping_edit".into()],
    };
    let secs = rest.get(1).cloned().unwrap_or_else(|| "60".into());
    for t in targets {
        let mut f = cargo();
        f.current_dir(root().join("crates/alooma-mapping")).args([
            "+nightly",
            "fuzz",
            "run",
            &t,
            "--",
            &format!("-max_total_time={secs}"),
        ]);
        if !libfuzzer || run(&format!("cargo fuzz run {t}"), f).is_err() {
            // No nightly toolchain or no cargo-fuzz: the stable-built replay harness.
            let mut replay = cargo();
            replay
                .args([
                    "test",
                    "-p",
                    "alooma-mapping",
                    "--release",
                    "--test",
                    "fuzz_replay",
                    "--",
                    "--nocapture",
                ])
                .env("FUZZ_SECONDS", &secs)
                .env("FUZZ_TARGET", &t);
            run(&format!("fuzz replay of {t} on stable"), replay)?;
        }
    }
    Ok(())
}

fn bench(rest: &[String]) -> Result<()> {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    /// Runs `cmd`, echoing its output, and returns the summary lines
    /// (`RESULT …`, and the mapping benchmark's `… / floor = …`).
    fn run_collect(what: &str, mut cmd: Command) -> Result<Vec<String>> {
        eprintln!("\n==> {what}");
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start: {what}"))?;
        let mut found = Vec::new();
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line?;
                eprintln!("{line}");
                if line.starts_with("RESULT") || line.starts_with("mapping job / floor") {
                    found.push(line);
                }
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("{what} failed ({status})");
        }
        Ok(found)
    }

    /// `nproc` and the CPU model of `/proc/cpuinfo`.
    fn machine() -> String {
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
        format!("nproc {cpus}, {model}")
    }

    /// The reference Python client (alooma==0.4.16 from PyPI, in a
    /// temporary virtualenv) against the same static server as the SDK:
    /// sequential `get_event_types` for a few seconds each.
    fn reference() -> Result<String> {
        const SECONDS: &str = "5";
        let python = ["python3", "python"]
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-m", "pip", "--version"])
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false)
            })
            .context("--reference needs python3 with pip")?;
        // `cargo bench -p alooma-benches` (run just before) built it.
        let server_bin = root().join("target/release/reference_server");
        if !server_bin.exists() {
            bail!(
                "{} is missing: run `cargo bench -p alooma-benches --no-run`",
                server_bin.display()
            );
        }
        let dir = std::env::temp_dir().join(format!("alooma-bench-ref-{}", std::process::id()));
        let result = (|| -> Result<String> {
            let mut venv = Command::new(python);
            venv.args(["-m", "venv"]).arg(&dir);
            run("python3 -m venv", venv)?;
            let bin = dir.join("bin");
            let mut pip = Command::new(bin.join("pip"));
            pip.args(["install", "--quiet", "alooma==0.4.16"]);
            run("pip install alooma==0.4.16", pip)?;
            let script = dir.join("reference_loop.py");
            std::fs::write(
                &script,
                "import sys, time\nimport alooma\n\
                 url, secs = sys.argv[1], float(sys.argv[2])\n\
                 c = alooma.Client(api_key='bench-api-key', account_name='bench', base_url=url)\n\
                 assert len(c.get_event_types()) == 200\n\
                 n, start = 0, time.perf_counter()\n\
                 while time.perf_counter() - start < secs:\n    c.get_event_types()\n    n += 1\n\
                 print('%.1f %d' % (n / (time.perf_counter() - start), n))\n",
            )?;
            let mut server = Command::new(&server_bin)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .with_context(|| format!("could not start {}", server_bin.display()))?;
            let outcome = (|| -> Result<String> {
                let mut lines =
                    BufReader::new(server.stdout.take().context("server stdout")?).lines();
                let first = lines.next().context("the server printed nothing")??;
                let url = first
                    .strip_prefix("URL ")
                    .context("no URL line")?
                    .to_owned();
                eprintln!("\n==> reference client: {SECONDS} s of sequential get_event_types against {url}");
                let py = Command::new(bin.join("python"))
                    .arg(&script)
                    .args([&url, SECONDS])
                    .output()?;
                if !py.status.success() {
                    bail!(
                        "the reference loop failed: {}",
                        String::from_utf8_lossy(&py.stderr)
                    );
                }
                let py_out = String::from_utf8_lossy(&py.stdout).trim().to_owned();
                let reference: f64 = py_out
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.parse().ok())
                    .context("no calls/s from the reference loop")?;
                eprintln!(
                    "==> SDK: {SECONDS} s of sequential get_event_types against the same server"
                );
                let mut stdin = server.stdin.take().context("server stdin")?;
                writeln!(stdin, "sdk {SECONDS}")?;
                stdin.flush()?;
                let answer = lines.next().context("no SDK answer")??;
                drop(stdin);
                let sdk: f64 = answer
                    .strip_prefix("SDK ")
                    .and_then(|a| a.split_whitespace().next())
                    .and_then(|v| v.parse().ok())
                    .with_context(|| format!("unexpected answer {answer:?}"))?;
                let ratio = sdk / reference;
                Ok(format!(
                    "RESULT reference: SDK {sdk:.0} calls/s, alooma==0.4.16 (Python {}) {reference:.0} calls/s, SDK/reference = {ratio:.1} x (target >= 5: {})",
                    Command::new(bin.join("python"))
                        .arg("--version")
                        .output()
                        .map(|o| String::from_utf8_lossy(&o.stdout).trim().trim_start_matches("Python ").to_owned())
                        .unwrap_or_default(),
                    if ratio >= 5.0 { "ok" } else { "MISSED" }
                ))
            })();
            let _ = server.kill();
            let _ = server.wait();
            outcome
        })();
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    /// `cargo` without the variables `cargo run` set for xtask itself
    /// (`CARGO_PKG_NAME` …): build scripts that watch them (ring's) would
    /// otherwise rebuild on every switch between `cargo bench` and
    /// `cargo xtask bench`.
    fn clean_cargo() -> Command {
        let mut c = cargo();
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_",
            ]
            .iter()
            .any(|p| k.starts_with(p))
            {
                c.env_remove(&key);
            }
        }
        c
    }

    let mut results = Vec::new();
    let mut sdk = clean_cargo();
    sdk.args(["bench", "-p", "alooma-benches"]);
    results.extend(run_collect("cargo bench -p alooma-benches", sdk)?);
    let mut mapping = clean_cargo();
    mapping.args(["bench", "-p", "alooma-mapping", "--bench", "mapping"]);
    results.extend(run_collect("cargo bench -p alooma-mapping", mapping)?);
    if rest.iter().any(|a| a == "--reference") {
        results.push(reference()?);
    }
    eprintln!("\n==> summary ({})", machine());
    for line in &results {
        eprintln!("{line}");
    }
    Ok(())
}
