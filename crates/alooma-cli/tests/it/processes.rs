//! Long-running commands: `alooma demo` and `alooma emulator serve`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{stderr, stdout, Emu};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn demo_runs_and_exits_0() {
    let out = Emu::bare().arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    for step in [
        "get_structure",
        "create_s3_input",
        "set_mapping",
        "test_code_engine_code",
        "metrics",
        "run_query",
        "clean_system",
        "every step succeeded",
    ] {
        assert!(text.contains(step), "{step} missing from:\n{text}");
    }
    assert!(text.contains("x status"), "the diff is shown:\n{text}");
    assert!(!text.contains(alooma_emulator::DEFAULT_API_KEY));
}

#[test]
fn emulator_serve_prints_its_url_and_stops_on_sigterm() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("alooma"))
        .args([
            "emulator",
            "serve",
            "--port",
            "0",
            "--account",
            "acme",
            "--key",
            "serve-key",
        ])
        // A real key in the environment is not the emulator's.
        .env("ALOOMA_API_KEY", "users-real-key")
        .env_remove("ALOOMA_ACCOUNT")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut line).unwrap();
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let mut export = String::new();
    reader.read_line(&mut export).unwrap();
    assert_eq!(
        export.trim(),
        format!("export ALOOMA_BASE_URL={url} ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=serve-key")
    );

    let out = Emu::bare()
        .args([
            "--base-url",
            &url,
            "--account",
            "acme",
            "event-types",
            "list",
        ])
        .env("ALOOMA_API_KEY", "serve-key")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    Emu::bare()
        .args(["--base-url", &url, "--account", "acme", "users"])
        .env("ALOOMA_API_KEY", "users-real-key")
        .assert()
        .code(3);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the emulator did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn emulator_serve_refuses_a_bad_seed() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"{"secretz": {}}"#).unwrap();
    Emu::bare()
        .args(["emulator", "serve", "--port", "0", "--seed"])
        .arg(&seed)
        .assert()
        .code(2);
}
