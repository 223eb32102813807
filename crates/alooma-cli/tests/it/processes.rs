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

/// A running `alooma emulator serve` with these extra arguments.
struct Served {
    child: std::process::Child,
    url: String,
}

impl Served {
    fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("alooma"))
            .args(["emulator", "serve", "--port", "0", "--key", "serve-key"])
            .args(extra)
            .env_remove("ALOOMA_ACCOUNT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        Served { child, url }
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        Emu::bare()
            .args(["--base-url", &self.url, "--account", "acme"])
            .args(args)
            .env("ALOOMA_API_KEY", "serve-key")
            .output()
            .unwrap()
    }

    /// SIGTERM, then waits for a clean exit.
    fn stop(mut self) {
        stop(&mut self.child, "-TERM");
    }
}

/// A test that fails half-way leaves no emulator running.
impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn emulator_state_survives_a_real_process_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let first = Served::start(&["--state", state_arg]);
    for args in [
        &["call", "set_mapping_mode", "mode=STRICT"][..],
        &["call", "delete_event_type", "name=checkout"][..],
        &[
            "-o",
            "json",
            "call",
            "publish_notification",
            r#"notification:={"level":"info","description":"before the restart","data":null}"#,
        ][..],
    ] {
        let out = first.cli(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    first.stop();
    let saved = std::fs::read(&state).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&saved).unwrap();
    assert_eq!(doc["format"], "alooma-emulator-state");

    // A new process starts from the file: the changes are there.
    let second = Served::start(&["--state", state_arg]);
    let mode = second.cli(&["-o", "json", "call", "get_mapping_mode"]);
    assert!(
        stdout(&mode).contains("STRICT"),
        "{} {}",
        stdout(&mode),
        stderr(&mode)
    );
    let types = stdout(&second.cli(&["-o", "json", "event-types", "list"]));
    assert!(!types.contains("\"checkout\""), "{types}");
    assert!(types.contains("\"orders\""), "{types}");
    let notes = stdout(&second.cli(&[
        "-o",
        "json",
        "call",
        "get_notifications",
        "from_epoch_seconds:=0",
    ]));
    assert!(notes.contains("before the restart"), "{notes}");
    second.stop();
    // Saved again unchanged: the file is stable.
    assert_eq!(std::fs::read(&state).unwrap(), saved);
}

#[test]
fn emulator_journal_prints_what_was_asked_and_faults_come_from_the_command_line() {
    let served = Served::start(&[
        "--fault",
        "status:status=400,operation=get_users,times=forever",
    ]);
    let users = served.cli(&["users"]);
    assert!(!users.status.success());
    assert!(
        stderr(&users).contains("injected fault on get_users"),
        "{}",
        stderr(&users)
    );
    assert!(served.cli(&["event-types", "list"]).status.success());
    let journal = served.cli(&[
        "-o",
        "json",
        "emulator",
        "journal",
        "--operation",
        "get_users",
    ]);
    assert!(journal.status.success(), "{}", stderr(&journal));
    let records: serde_json::Value = serde_json::from_slice(&journal.stdout).unwrap();
    let records = records.as_array().unwrap();
    assert!(!records.is_empty());
    assert!(records
        .iter()
        .all(|r| r["operation"] == "get_users" && r["status"] == 400 && r["fault"] == "status"));
    let table = stdout(&served.cli(&["-o", "table", "emulator", "journal", "--limit", "1"]));
    assert!(table.contains("get_event_types"), "{table}");
    assert!(served
        .cli(&["emulator", "journal", "--clear"])
        .status
        .success());
    let empty = served.cli(&["-o", "json", "emulator", "journal"]);
    assert_eq!(stdout(&empty).trim(), "[]");
    served.stop();
}

/// A child process killed when the test ends, passed or failed.
struct Guard(std::process::Child);

impl Guard {
    /// The binary pointed at `emu` with `args`, its standard output piped.
    fn spawn(emu: &Emu, args: &[&str]) -> Self {
        Guard(
            emu.cmd_std()
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads one line of a child's standard output.
fn first_line(child: &mut std::process::Child) -> (String, BufReader<std::process::ChildStdout>) {
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    (line.trim().to_owned(), reader)
}

fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

fn stop(child: &mut std::process::Child, signal: &str) {
    assert!(Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            return;
        }
        assert!(Instant::now() < deadline, "no clean stop on {signal}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn metrics_serve_exposes_openmetrics_and_stops_on_sigterm() {
    let emu = Emu::start();
    let mut child = Guard::spawn(
        &emu,
        &[
            "metrics",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--refresh",
            "60",
        ],
    );
    let (url, _reader) = first_line(&mut child.0);
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/metrics"),
        "{url}"
    );
    let answer = http_get(&url);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("application/openmetrics-text"));
    assert!(answer.contains("# TYPE alooma_restream_queue_events gauge"));
    assert!(answer.contains("alooma_restream_queue_events 1250"));
    assert!(answer.trim_end().ends_with("# EOF"));
    assert!(http_get(&url.replace("/metrics", "/nope")).starts_with("HTTP/1.1 404"));
    stop(&mut child.0, "-TERM");
}

#[test]
fn metrics_show_and_watch_give_json_when_piped() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args([
            "metrics",
            "show",
            "LATENCY_MAX",
            "incoming_events",
            "--minutes",
            "60",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["target"], "LATENCY_MAX");
    assert_eq!(v[0]["datapoints"].as_array().unwrap().len(), 13);
    assert!(v[1]["last"].is_number());
    emu.cmd()
        .args(["metrics", "show", "NOT_A_METRIC"])
        .assert()
        .code(2);
    // watch: one JSON document per redraw, until Ctrl-C (SIGINT).
    let mut child = Guard::spawn(
        &emu,
        &["metrics", "watch", "EVENTS_IN_PIPELINE", "--interval", "1"],
    );
    let (first, mut reader) = first_line(&mut child.0);
    let mut second = String::new();
    reader.read_line(&mut second).unwrap();
    for line in [&first, &second] {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v[0]["target"], "EVENTS_IN_PIPELINE");
    }
    stop(&mut child.0, "-INT");
}
