//! The real binary against an emulator: output formats, exit codes,
//! confirmation of destructive commands, and a few workflows.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{json, stderr, stdout, Emu, KEY};
use std::net::TcpListener;

#[test]
fn json_output_parses() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["-o", "json", "event-types", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<String> = json(&out)
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["name"].as_str().expect("a name").to_owned())
        .collect();
    assert!(names.contains(&"orders".to_owned()), "{names:?}");
    assert_eq!(names.len(), emu.event_type_count());
}

#[test]
fn piped_output_defaults_to_json() {
    let emu = Emu::start();
    let out = emu.cmd().args(["structure"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let nodes = json(&out);
    assert!(nodes
        .as_array()
        .is_some_and(|n| n.iter().any(|n| n["type"] == "TRANSFORMER")));
}

#[test]
fn table_output_has_headers_and_rows() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["--output", "table", "inputs", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let header = text.lines().nth(1).expect("a header line");
    for column in ["id", "name", "type", "category"] {
        assert!(header.contains(column), "{column} not in header: {header}");
    }
    assert!(text.contains("web_events"), "{text}");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());

    let out = emu
        .cmd()
        .args(["-o", "table", "mapping", "get", "orders"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|h| h.contains("path") && h.contains("column")),
        "{text}"
    );
    assert!(text.contains("VARCHAR(32)"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    let emu = Emu::start();
    emu.cmd().args(["inputs", "frobnicate"]).assert().code(2);
    emu.cmd()
        .args(["--output", "xml", "users"])
        .assert()
        .code(2);
    // No credentials at all.
    Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "users",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ALOOMA_API_KEY"));
    // A bad --map spec.
    emu.cmd()
        .args(["mapping", "edit", "x.json", "--map", "a.b"])
        .assert()
        .code(2);
    emu.cmd()
        .args(["mapping", "mode", "SOMETIMES"])
        .assert()
        .code(2);
}

#[test]
fn wrong_api_key_exits_3() {
    let emu = Emu::start();
    let out = Emu::bare()
        .args(["--base-url", emu.emu.base_url(), "--account", "acme"])
        .env("ALOOMA_API_KEY", "wrong-key")
        .args(["event-types", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint:"), "{}", stderr(&out));
    // A wrong account is an auth error too.
    Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "other",
            "users",
        ])
        .env("ALOOMA_API_KEY", KEY)
        .assert()
        .code(3);
}

#[test]
fn api_errors_exit_4() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["event-types", "get", "no_such_type"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
    emu.cmd()
        .args(["code-engine", "get", "no_such_module"])
        .assert()
        .code(4);
    emu.cmd()
        .args(["inputs", "get", "--name", "no_such_input"])
        .assert()
        .code(4);
}

#[test]
fn connection_refused_exits_5() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = Emu::bare()
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--account",
            "acme",
        ])
        .env("ALOOMA_API_KEY", KEY)
        .args(["--timeout", "5", "event-types", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
}

/// A server that answers every request with `200` and `body`, on a thread.
fn answer_always(body: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn an_answer_missing_a_required_key_says_so_and_where() {
    // The second event type has no name; the first holds string
    // consolidation keys, which are kept and are no error.
    let port =
        answer_always(r#"[{"name":"a","consolidation":{"consolidationKeys":"ID"}},{"fields":[]}]"#);
    let out = Emu::bare()
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--account",
            "acme",
        ])
        .env("ALOOMA_API_KEY", KEY)
        .args(["--timeout", "5", "event-types", "list"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("[1]"), "{err}");
    assert!(err.contains("could not be read"), "{err}");
    assert!(err.contains("report"), "{err}");
    assert!(!err.contains("check the names and ids"), "{err}");
}

#[test]
fn destructive_commands_refuse_without_yes_and_tty() {
    let emu = Emu::start();
    let event_types = emu.event_type_count();
    let inputs = emu.input_count();
    let tables = emu.emu.with_state(|s| s.tables.len());
    let modules = emu.emu.with_state(|s| s.modules.clone());
    assert!(event_types > 0 && inputs > 0 && tables > 0);
    for args in [
        vec!["event-types", "delete-all"],
        vec!["inputs", "remove-all"],
        vec!["system", "clean"],
        vec!["tables", "drop", "public", "orders"],
        vec!["restream", "purge"],
        // Single deletes and removes are irreversible too.
        vec!["inputs", "remove", "7f0e2a10-3c55-4b8d-a2f4-0000000000a3"],
        vec!["event-types", "delete", "orders"],
        vec!["event-types", "discard", "orders"],
        vec!["event-types", "clear-stats", "orders"],
        vec!["code-engine", "delete", "utils"],
        vec!["code-engine", "reset"],
        vec!["queries", "remove", "1"],
        vec!["secrets", "delete", "db_password"],
        vec!["settings", "delete-s3-retention"],
    ] {
        let out = emu.cmd().args(&args).write_stdin("yes\n").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--yes"), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(emu.event_type_count(), event_types);
    assert_eq!(emu.input_count(), inputs);
    assert_eq!(emu.emu.with_state(|s| s.tables.len()), tables);
    assert_eq!(emu.emu.with_state(|s| s.modules.clone()), modules);
    assert!(!emu.emu.requests().iter().any(|r| r.method != "GET"));

    // With --yes they run.
    let out = emu
        .cmd()
        .args(["--yes", "event-types", "delete-all"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json(&out)["succeeded"].as_array().map(Vec::len),
        Some(event_types)
    );
    assert_eq!(emu.event_type_count(), 0);
    emu.cmd()
        .args([
            "tables",
            "drop",
            "public",
            "orders_daily",
            "--cascade",
            "-y",
        ])
        .assert()
        .success();
    assert!(emu
        .emu
        .with_state(|s| s.tables.iter().all(|t| t.table_name != "orders_daily")));
    assert!(emu.emu.with_state(|s| s.tables.len()) < tables);
}

#[test]
fn system_clean_reports_every_step() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["system", "clean", "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let steps = json(&out);
    let names: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6);
    assert_eq!(names[0], "set_transform_to_default");
    assert!(steps.as_array().unwrap().iter().all(|s| s["ok"] == true));
    assert_eq!(emu.input_count(), 0);
    assert_eq!(emu.event_type_count(), 0);
}

#[test]
fn inputs_create_from_a_spec_waits_for_the_node() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.json");
    std::fs::write(
        &spec,
        r#"{"name": "cli_rest", "type": "RESTAPI", "configuration": {}}"#,
    )
    .unwrap();
    let before = emu.input_count();
    let out = emu
        .cmd()
        .args(["inputs", "create"])
        .arg(&spec)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id = json(&out)["id"].as_str().unwrap().to_owned();
    assert_eq!(emu.input_count(), before + 1);
    let out = emu
        .cmd()
        .args(["inputs", "list", "--id", &id])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0]["name"], "cli_rest");
    emu.cmd().args(["inputs", "pause", &id]).assert().success();
    assert!(emu.emu.with_state(|s| s.input_meta[&id].paused));
    emu.cmd()
        .args(["inputs", "sleep-time", &id, "42"])
        .assert()
        .success();
    let out = emu
        .cmd()
        .args(["inputs", "sleep-time", &id])
        .output()
        .unwrap();
    assert_eq!(json(&out)["inputSleepTime"], 42.0);
    emu.cmd()
        .args(["--yes", "inputs", "remove", &id])
        .assert()
        .success();
    assert_eq!(emu.input_count(), before);
}

#[test]
fn mapping_round_trips_through_files() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("orders.json");
    let out = emu
        .cmd()
        .args(["mapping", "get", "orders"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&file, &out.stdout).unwrap();
    emu.cmd()
        .args(["mapping", "edit", "--in-place", "--discard", "status"])
        .arg(&file)
        .assert()
        .success();
    emu.cmd()
        .args(["mapping", "set", "orders"])
        .arg(&file)
        .assert()
        .success();
    let out = emu
        .cmd()
        .args(["mapping", "get", "orders"])
        .output()
        .unwrap();
    let status = json(&out)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fieldName"] == "status")
        .cloned()
        .unwrap();
    assert_eq!(status["mapping"]["isDiscarded"], true);
    emu.cmd()
        .args(["mapping", "mode", "strict"])
        .assert()
        .success();
    assert_eq!(
        emu.emu
            .with_state(|s| serde_json::to_value(s.mapping_mode).unwrap()),
        "STRICT"
    );
}

#[test]
fn code_engine_and_queries_commands_change_state() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("helpers.py");
    std::fs::write(&code, "def helper(x):\n\treturn x\n").unwrap();
    emu.cmd()
        .args(["code-engine", "set", "helpers"])
        .arg(&code)
        .assert()
        .success();
    let out = emu
        .cmd()
        .args(["-o", "table", "code-engine", "get", "helpers"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "def helper(x):\n\treturn x\n");
    let sample = dir.path().join("sample.json");
    std::fs::write(
        &sample,
        r#"{"id": 7, "_metadata": {"event_type": "orders"}}"#,
    )
    .unwrap();
    let out = emu
        .cmd()
        .args(["code-engine", "test"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(json(&out)["result"]["id"], 7, "{}", stderr(&out));

    let out = emu
        .cmd()
        .args(["queries", "schedule", "orders", "SELECT 1", "--every", "6"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let id = json(&out)["id"].to_string();
    emu.cmd().args(["queries", "run", &id]).assert().success();
    emu.cmd()
        .args(["--yes", "queries", "remove", &id])
        .assert()
        .success();
    emu.cmd().args(["queries", "run", &id]).assert().code(4);
}

#[test]
fn completions_generate() {
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef alooma"),
        ("fish", "complete -c alooma"),
    ] {
        let out = Emu::bare().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = stdout(&out);
        assert!(
            text.contains(marker),
            "{shell}: {}",
            &text[..text.len().min(200)]
        );
        assert!(text.contains("event-types"), "{shell}");
    }
    Emu::bare().args(["completions", "tcsh"]).assert().code(2);
}
