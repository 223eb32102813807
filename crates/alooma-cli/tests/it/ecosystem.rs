//! The CLI in its ecosystem, with the real binary: profiles and the
//! credentials file, no API key on the command line, the environment help,
//! output formats and --query, --dry-run, client-side refusals.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{json, stderr, stdout, Emu, KEY};

fn writes(emu: &Emu) -> usize {
    emu.emu
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

/// The binary with a config directory of its own and no key in the environment.
fn with_config(dir: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = Emu::bare();
    cmd.env("ALOOMA_CONFIG_DIR", dir);
    cmd
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn profiles_and_the_credentials_file() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    // configure writes the profile, and the key (read from stdin) with mode 0600.
    let out = with_config(dir.path())
        .args([
            "--profile",
            "dev",
            "configure",
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "-o",
            "json",
            "--api-key-stdin",
        ])
        .write_stdin(format!("{KEY}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(
        config.contains("[profiles.dev]") && config.contains("account = \"acme\""),
        "{config}"
    );
    assert!(!config.contains(KEY));
    let creds = dir.path().join("credentials.toml");
    assert!(std::fs::read_to_string(&creds).unwrap().contains(KEY));
    #[cfg(unix)]
    assert_eq!(mode(&creds), 0o600);
    assert!(!format!("{}{}", stdout(&out), stderr(&out)).contains(KEY));

    // The profile by flag and by ALOOMA_PROFILE.
    let out = with_config(dir.path())
        .args(["--profile", "dev", "event-types", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json(&out).as_array().is_some_and(|a| !a.is_empty()));
    let out = with_config(dir.path())
        .env("ALOOMA_PROFILE", "dev")
        .args(["users"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // An unknown profile names the ones there are.
    let out = with_config(dir.path())
        .args(["--profile", "prod", "users"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no profile \"prod\"") && stderr(&out).contains("dev"),
        "{}",
        stderr(&out)
    );
    // A credentials file others can read is refused.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = with_config(dir.path())
            .args(["--profile", "dev", "users"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    }
    // The flag and the environment win over the profile.
    let before = emu.emu.requests().len();
    let out = with_config(dir.path())
        .env("ALOOMA_API_KEY", KEY)
        .args([
            "--profile",
            "dev",
            "--base-url",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
            "users",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert_eq!(emu.emu.requests().len(), before);
    // A default profile is used without --profile.
    let out = with_config(dir.path())
        .args([
            "configure",
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = with_config(dir.path())
        .env("ALOOMA_API_KEY", KEY)
        .args(["users"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Nothing to configure without a terminal.
    let out = with_config(dir.path())
        .args(["configure"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_api_key_on_the_command_line_is_refused_and_stdin_works() {
    let emu = Emu::start();
    let out = Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "--api-key",
            KEY,
            "users",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("--api-key is not accepted") && err.contains("no request was sent"),
        "{err}"
    );
    assert!(!err.contains(KEY));
    assert!(emu.emu.requests().is_empty());
    let out = Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "--api-key-stdin",
            "users",
        ])
        .write_stdin(format!("{KEY}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // `--help` does not offer --api-key.
    let help = stdout(&Emu::bare().args(["--help"]).output().unwrap());
    assert!(
        !help.contains("--api-key <") && help.contains("--api-key-stdin"),
        "{help}"
    );
    assert!(help.contains("Global options"), "{help}");
}

#[test]
fn help_environment_lists_every_variable() {
    for args in [vec!["help", "environment"], vec!["environment"]] {
        let out = Emu::bare().args(&args).output().unwrap();
        assert!(out.status.success());
        let text = stdout(&out);
        for var in [
            "ALOOMA_BASE_URL",
            "ALOOMA_ACCOUNT",
            "ALOOMA_API_KEY",
            "ALOOMA_USERNAME",
            "ALOOMA_PASSWORD",
            "ALOOMA_PROFILE",
            "ALOOMA_CONFIG_DIR",
            "ALOOMA_CA_BUNDLE",
            "ALOOMA_SECRET_",
            "HTTPS_PROXY",
            "NO_PROXY",
        ] {
            assert!(text.contains(var), "{var} missing from {args:?}:\n{text}");
        }
    }
}

#[test]
fn yaml_tsv_and_queries() {
    let emu = Emu::start();
    let out = emu.cmd().args(["-o", "yaml", "users"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("- email: "), "{}", stdout(&out));
    let out = emu.cmd().args(["-o", "tsv", "users"]).output().unwrap();
    let text = stdout(&out);
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("email\t"), "{text}");
    assert_eq!(
        text.lines().nth(1).unwrap().split('\t').count(),
        header.split('\t').count()
    );
    let out = emu
        .cmd()
        .args(["-o", "json", "--query", "[].email", "users"])
        .output()
        .unwrap();
    assert_eq!(json(&out)[0], "demo@example.com");
    let out = emu
        .cmd()
        .args([
            "-o",
            "tsv",
            "--query",
            "[?name=='orders'].{name: name, mode: mappingMode}",
            "event-types",
            "list",
        ])
        .output()
        .unwrap();
    // (JMESPath's multiselect objects have sorted keys)
    assert_eq!(
        stdout(&out).trim(),
        "mode\tname\nFLEXIBLE\torders",
        "{}",
        stderr(&out)
    );
    // A query that does not parse: refused before anything is sent.
    let before = emu.emu.requests().len();
    let out = emu.cmd().args(["--query", "[?", "users"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("JMESPath") && stderr(&out).contains("no request was sent"),
        "{}",
        stderr(&out)
    );
    assert_eq!(emu.emu.requests().len(), before);
}

#[test]
fn tables_never_wrap_and_cut_only_without_wide() {
    let emu = Emu::start();
    let long = "x".repeat(150);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        file.path(),
        format!("def transform(event):\n    return event  # {long}\n"),
    )
    .unwrap();
    assert!(emu
        .cmd()
        .args(["code-engine", "set", "long", file.path().to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .success());
    let out = emu
        .cmd()
        .args(["-o", "table", "code-engine", "list"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains('…') && !text.contains(&long), "{text}");
    let out = emu
        .cmd()
        .args(["-o", "table", "--wide", "code-engine", "list"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains(&long), "{}", stdout(&out));
    // Every row is one line: an id is never broken.
    let out = emu
        .cmd()
        .args(["-o", "table", "inputs", "list"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.contains("7f0e2a10-3c55-4b8d-a2f4-0000000000a3")),
        "{text}"
    );
}

#[test]
fn dry_run_sends_no_write_on_any_command() {
    let emu = Emu::start();
    let cases: Vec<Vec<&str>> = vec![
        vec!["event-types", "delete", "orders"],
        vec!["inputs", "remove", "7f0e2a10-3c55-4b8d-a2f4-0000000000a3"],
        vec!["mapping", "mode", "STRICT"],
        vec!["queries", "schedule", "orders", "SELECT 1", "--every", "6"],
        vec!["system", "clean"],
        vec![
            "call",
            "set_secrets",
            "secrets:={\"ci_token\": \"s3cr3t-value\"}",
        ],
    ];
    for args in cases {
        let out = emu.cmd().arg("--dry-run").args(&args).output().unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.success(), "{args:?}: {text}");
        assert!(text.contains("not sent"), "{args:?}: {text}");
        assert!(!text.contains("s3cr3t-value"), "{args:?}: {text}");
        assert_eq!(writes(&emu), 0, "{args:?} sent a write");
    }
    let out = emu
        .cmd()
        .args(["--dry-run", "event-types", "delete", "orders"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with("DELETE /event-types/orders\n"),
        "{}",
        stdout(&out)
    );
    let out = emu
        .cmd()
        .args([
            "--dry-run",
            "call",
            "set_secrets",
            "secrets:={\"ci_token\": \"s3cr3t-value\"}",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("\"ci_token\": \"<redacted>\""),
        "{}",
        stdout(&out)
    );
    assert!(emu.emu.with_state(|s| s.event_types.contains_key("orders")));
}

#[test]
fn client_side_refusals_exit_2_and_say_nothing_was_sent() {
    let emu = Emu::start();
    for args in [
        vec!["credits", "used", "--from", "2024-02-31"],
        vec!["credits", "loaded-events", "--from", "2024-02-30T00:00:00"],
        vec!["queries", "schedule", "orders", " ", "--every", "6"],
    ] {
        let out = emu.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no request was sent"),
            "{args:?}: {}",
            stderr(&out)
        );
        // One error, printed once.
        assert_eq!(
            stderr(&out).matches("error").count() + stderr(&out).matches("alooma:").count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(emu.emu.requests().is_empty());
    let out = emu
        .cmd()
        .args(["credits", "used", "--from", "2024-02-29"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A one-shot proxy on loopback: records the first request head, answers 502.
fn recording_proxy() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (port, rx)
}

#[test]
fn https_proxy_and_no_proxy_from_the_environment() {
    let (port, heads) = recording_proxy();
    let out = Emu::bare()
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .env("ALOOMA_API_KEY", "proxy-env-key")
        .args([
            "--base-url",
            "https://alooma.invalid",
            "--account",
            "acme",
            "--timeout",
            "5",
            "users",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let head = heads
        .recv_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    assert!(
        head.starts_with("CONNECT alooma.invalid:443 HTTP/1.1"),
        "{head}"
    );
    assert!(!head.contains("proxy-env-key"), "{head}");
    // (a refused tunnel is a connect failure, retried: drain the retries)
    while heads.try_recv().is_ok() {}
    // NO_PROXY: straight to the (unresolvable) host, the proxy sees nothing.
    let out = Emu::bare()
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))
        .env("NO_PROXY", "alooma.invalid")
        .env("ALOOMA_API_KEY", "proxy-env-key")
        .args([
            "--base-url",
            "https://alooma.invalid",
            "--account",
            "acme",
            "--timeout",
            "5",
            "users",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(heads
        .recv_timeout(std::time::Duration::from_millis(300))
        .is_err());
    // A CA bundle that does not exist is refused before anything is sent.
    let out = Emu::bare()
        .env("ALOOMA_CA_BUNDLE", "/no/such/bundle.pem")
        .env("ALOOMA_API_KEY", "k")
        .args([
            "--base-url",
            "https://alooma.invalid",
            "--account",
            "acme",
            "users",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/no/such/bundle.pem"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_has_examples_global_options_apart_and_man_pages() {
    let help = |args: &[&str]| stdout(&Emu::bare().args(args).output().unwrap());
    for args in [
        &["--help"][..],
        &["pipeline", "--help"],
        &["mapping", "--help"],
        &["inputs", "--help"],
    ] {
        assert!(help(args).contains("Examples:"), "{args:?}");
    }
    // Offline commands do not list the connection options.
    for args in [
        &["mapping", "edit", "--help"][..],
        &["mapping", "diff", "--help"],
        &["help", "mapping", "edit"],
    ] {
        let text = help(args);
        assert!(
            !text.contains("--base-url") && !text.contains("--account"),
            "{args:?}:\n{text}"
        );
        assert!(
            text.contains("Global options") && text.contains("--output"),
            "{args:?}:\n{text}"
        );
    }
    assert!(help(&["mapping", "get", "--help"]).contains("--base-url"));
    let dir = tempfile::tempdir().unwrap();
    let out = Emu::bare()
        .args(["man", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.path().join("alooma-pipeline-plan.1")).unwrap();
    assert!(page.contains(".TH") && page.contains("detailed"), "{page}");
    assert!(
        dir.path().join("alooma.1").is_file() && dir.path().join("alooma-mapping-edit.1").is_file()
    );
}

#[test]
fn mapping_diff_json_is_structured() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(&old, r#"{"name": "e", "fields": [{"fieldName": "a", "fields": [], "mapping": {"columnName": "a", "columnType": {"type": "INT", "nonNull": false}, "isDiscarded": false}}]}"#).unwrap();
    std::fs::copy(&old, &new).unwrap();
    let out = Emu::bare()
        .args([
            "mapping",
            "edit",
            new.to_str().unwrap(),
            "--map",
            "b.c:bc:VARCHAR(64)",
            "--discard",
            "a",
            "--in-place",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = Emu::bare()
        .args([
            "-o",
            "json",
            "mapping",
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let v = json(&out);
    // Every field of an added subtree is listed (b, then b.c).
    assert_eq!(v["count"], 3, "{v}");
    let kinds: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["discarded", "added", "added"], "{v}");
    assert_eq!(v["changes"][0]["path"], "a");
    assert_eq!(v["changes"][0]["before"]["columnName"], "a");
    assert_eq!(v["changes"][2]["path"], "b.c");
    assert_eq!(v["changes"][2]["after"]["columnType"]["length"], 64);
    assert_eq!(v["changes"][2]["text"], "+ b.c -> bc VARCHAR(64)");
}

#[test]
fn a_retry_shows_a_status_line_and_a_failure_prints_once() {
    let emu = Emu::start();
    emu.emu.inject(
        alooma_emulator::Fault::status(503)
            .path("event-types")
            .times(1),
    );
    let out = emu
        .cmd()
        .env("ALOOMA_PROGRESS", "always")
        .args(["event-types", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("retrying in") && err.contains("(attempt 2 of 3)"),
        "{err}"
    );
    // Not on a pipe unless asked.
    emu.emu.inject(
        alooma_emulator::Fault::status(503)
            .path("event-types")
            .times(1),
    );
    let out = emu.cmd().args(["event-types", "list"]).output().unwrap();
    assert!(
        out.status.success() && stderr(&out).is_empty(),
        "{}",
        stderr(&out)
    );
    // A failure is printed once: the message with its cause, and the hint.
    let out = Emu::bare()
        .env("ALOOMA_API_KEY", KEY)
        .args([
            "--base-url",
            "http://127.0.0.1:9",
            "--account",
            "acme",
            "--timeout",
            "3",
            "event-types",
            "get",
            "x",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(err.matches("connection refused").count(), 1, "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
}

#[test]
fn json_output_keeps_the_servers_key_order() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["-o", "json", "inputs", "list"])
        .output()
        .unwrap();
    let text = stdout(&out);
    // The demo seed's order for orders_db's configuration, not sorted.
    let at = |k: &str| {
        text.find(&format!("\"{k}\""))
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert!(
        at("auto_map") < at("hostname")
            && at("hostname") < at("port")
            && at("port") < at("database"),
        "{text}"
    );
}

#[test]
fn record_a_session_then_seed_an_emulator_from_it() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let cassette = dir.path().join("session.jsonl");
    for args in [
        &["event-types", "list"][..],
        &["secrets", "list"][..],
        &["inputs", "list"][..],
        &["structure"][..],
    ] {
        let out = emu
            .cmd()
            .arg("--record")
            .arg(&cassette)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let text = std::fs::read_to_string(&cassette).unwrap();
    assert!(text.lines().count() >= 4, "{text}");
    assert!(text.contains(r#""operation":"get_event_types""#));
    assert!(!text.contains(KEY), "the API key is not recorded");
    assert!(!text.contains("s3cr3t"), "no secret value is recorded");
    // A seed from the cassette, served.
    let seed = dir.path().join("seed.json");
    let out = Emu::bare()
        .args(["emulator", "seed-from"])
        .arg(&cassette)
        .arg("-O")
        .arg(&seed)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seed).unwrap()).unwrap();
    assert!(doc["event_types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "orders"));
    assert!(doc["nodes"].as_array().unwrap().len() >= 5);
    let printed = Emu::bare()
        .args(["emulator", "seed-from"])
        .arg(&cassette)
        .output()
        .unwrap();
    assert_eq!(stdout(&printed), std::fs::read_to_string(&seed).unwrap());
    let broken = dir.path().join("broken.jsonl");
    std::fs::write(&broken, "{not json\n").unwrap();
    let out = Emu::bare()
        .args(["emulator", "seed-from"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
}
