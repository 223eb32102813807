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

/// One HTTP request on a fresh connection: the status, or `None` when the
/// connection failed or broke before an answer.
fn http_send(base: &str, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let host = base.strip_prefix("http://")?;
    let mut s = std::net::TcpStream::connect(host).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: API serve-key\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// The rows of `public.<table>` in an SQLite warehouse, by `id`: how many
/// times each loaded.
fn loaded_ids(warehouse: &std::path::Path, table: &str) -> std::collections::BTreeMap<String, i64> {
    let public = format!("{}.public", warehouse.display());
    let conn = rusqlite::Connection::open(public).unwrap();
    let mut stmt = conn
        .prepare(&format!("SELECT id, count(*) FROM \"{table}\" GROUP BY id"))
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn an_emulator_killed_mid_load_loses_nothing_it_accepted_and_loads_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let warehouse = dir.path().join("dwh.sqlite");
    let wh_arg = format!("sqlite:{}", warehouse.display());
    let args = [
        "--state",
        state.to_str().unwrap(),
        "--warehouse",
        wh_arg.as_str(),
    ];
    let first = Served::start(&args);
    let spec = dir.path().join("spec.json");
    std::fs::write(&spec, r#"{"name": "crash", "type": "REST_ENDPOINT"}"#).unwrap();
    for cli in [
        &["call", "set_mapping_mode", "mode=AUTO_MAP"][..],
        &["inputs", "create", spec.to_str().unwrap()][..],
    ] {
        let out = first.cli(cli);
        assert!(out.status.success(), "{cli:?}: {}", stderr(&out));
    }
    // Every fifth event fails in the Code Engine and waits in the queue.
    let code = dir.path().join("main.py");
    std::fs::write(
        &code,
        "def transform(event):\n    if event['n'] % 5 == 0:\n        raise ValueError('five')\n    return event\n",
    )
    .unwrap();
    let out = first.cli(&["code-engine", "set", "main", code.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, doc) = http_send(&first.url, "GET", "/__emulator/state", "").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let token = doc["input_meta"]
        .as_object()
        .unwrap()
        .values()
        .find_map(|m| m["token"].as_str())
        .unwrap()
        .to_owned();

    // A sender posts one event at a time, each with its own @uuid, and
    // notes which were answered 200; the emulator is killed under it.
    let event = |n: u32| {
        format!(
            r#"{{"id": "e{n}", "n": {n}, "_metadata": {{"@uuid": "00000000-0000-4000-8000-{n:012}"}}}}"#
        )
    };
    let sender = {
        let url = first.url.clone();
        let token = token.clone();
        std::thread::spawn(move || {
            let mut acked = Vec::new();
            let mut unacked = Vec::new();
            for n in 1..=2_000u32 {
                match http_send(&url, "POST", &format!("/rest/{token}"), &event(n)) {
                    Some((200, _)) => acked.push(n),
                    Some((status, body)) => panic!("event {n}: {status} {body}"),
                    None => {
                        unacked.push(n);
                        break;
                    }
                }
            }
            (acked, unacked)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while loaded_ids_or_empty(&warehouse, "crash").len() < 40 {
        assert!(Instant::now() < deadline, "nothing loaded");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let (acked, unacked) = sender.join().unwrap();
    assert!(acked.len() >= 40, "{} acked", acked.len());

    // Started again from its state file: what was answered 200 is loaded
    // or waits; the sender sends again what got no answer.
    let second = Served::start(&args);
    for n in &unacked {
        let (status, body) =
            http_send(&second.url, "POST", &format!("/rest/{token}"), &event(*n)).unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let loaded = loaded_ids(&warehouse, "crash");
    assert!(loaded.values().all(|&c| c == 1), "loaded twice: {loaded:?}");
    let size = |s: &Served| -> u64 {
        let out = s.cli(&["-o", "json", "restream", "size"]);
        let doc: serde_json::Value = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&out), stderr(&out)));
        doc["restreamQueueSize"].as_u64().unwrap()
    };
    let waiting = size(&second);
    let sent: Vec<u32> = acked.iter().chain(&unacked).copied().collect();
    let fives = sent.iter().filter(|n| *n % 5 == 0).count() as u64;
    assert!(
        waiting >= fives,
        "{waiting} wait, {fives} failed in the Code Engine"
    );
    for n in &acked {
        let id = format!("e{n}");
        assert_eq!(
            loaded.contains_key(&id),
            n % 5 != 0,
            "{id}: accepted, and neither loaded nor waiting"
        );
    }

    // The transform fixed and the queue restreamed: every event sent is
    // loaded, once.
    std::fs::write(&code, "def transform(event):\n    return event\n").unwrap();
    let out = second.cli(&["code-engine", "set", "main", code.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = second.cli(&["restream", "start"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(size(&second), 0);
    let loaded = loaded_ids(&warehouse, "crash");
    for n in &sent {
        assert_eq!(loaded.get(&format!("e{n}")), Some(&1), "e{n}: {loaded:?}");
    }
    assert_eq!(loaded.len(), sent.len());
    second.stop();
}

/// [`loaded_ids`], or nothing while the table does not exist yet.
fn loaded_ids_or_empty(
    warehouse: &std::path::Path,
    table: &str,
) -> std::collections::BTreeMap<String, i64> {
    let public = format!("{}.public", warehouse.display());
    let Ok(conn) = rusqlite::Connection::open(public) else {
        return Default::default();
    };
    let Ok(mut stmt) = conn.prepare(&format!("SELECT id, count(*) FROM \"{table}\" GROUP BY id"))
    else {
        return Default::default();
    };
    let Ok(rows) = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))) else {
        return Default::default();
    };
    rows.filter_map(Result::ok).collect()
}
