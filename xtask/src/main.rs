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
    let mut b = cargo();
    b.args(["bench", "--workspace"]);
    if rest.iter().any(|a| a == "--reference") {
        b.env("ALOOMA_BENCH_REFERENCE", "1");
    }
    run("cargo bench", b)
}
