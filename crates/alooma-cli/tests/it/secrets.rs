//! Secrets never reach the output: API keys, passwords and secret values
//! are absent from standard output and standard error, even with -vv.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{stderr, stdout, Emu, KEY, PASSWORD, USER};

fn assert_clean(out: &std::process::Output, secrets: &[&str]) {
    let text = format!("{}{}", stdout(out), stderr(out));
    for secret in secrets {
        assert!(!text.contains(secret), "{secret:?} printed in:\n{text}");
    }
}

#[test]
fn api_key_is_never_printed_even_verbose() {
    let emu = Emu::start();
    for args in [
        vec!["-vv", "event-types", "list"],
        vec!["-vvv", "-o", "table", "structure"],
        vec!["-vv", "event-types", "get", "missing"],
    ] {
        let out = emu.cmd().args(&args).output().unwrap();
        assert_clean(&out, &[KEY]);
    }
    // The verbose run does log (so the check above means something).
    let out = emu.cmd().args(["-vv", "users"]).output().unwrap();
    assert!(!stderr(&out).is_empty());
    // A wrong key is not echoed back either.
    let out = Emu::bare()
        .args(["--base-url", emu.emu.base_url(), "--account", "acme"])
        .env("ALOOMA_API_KEY", "wrong-key-0d9f3")
        .args(["-vv", "users"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_clean(&out, &["wrong-key-0d9f3"]);
}

#[test]
fn login_password_comes_from_the_environment_and_is_never_printed() {
    let emu = Emu::start();
    let out = Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "--username",
            USER,
        ])
        .args(["-vv", "secrets", "list"])
        .env("ALOOMA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean(&out, &[PASSWORD]);
    // There is no --password flag for the client.
    Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--username",
            USER,
            "--password",
            PASSWORD,
            "users",
        ])
        .assert()
        .code(2);
    // Without a password and without a terminal: a usage error, no prompt.
    Emu::bare()
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "--username",
            USER,
            "users",
        ])
        .assert()
        .code(2);
}

#[test]
fn secret_values_are_read_from_stdin_and_never_printed() {
    let emu = Emu::start();
    let value = "s3cr3t-value-7a6b5c";
    let out = emu
        .cmd()
        .args(["-vv", "secrets", "set", "warehouse_token"])
        .write_stdin(format!("{value}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean(&out, &[value, KEY]);
    assert_eq!(
        emu.emu
            .with_state(|s| s.secrets.get("warehouse_token").cloned()),
        Some(value.to_owned())
    );
    let out = emu.cmd().args(["-vv", "secrets", "list"]).output().unwrap();
    assert!(stdout(&out).contains("warehouse_token"));
    assert_clean(&out, &[value]);
}

#[test]
fn input_secrets_are_redacted_in_output() {
    let emu = Emu::start();
    let secret = "aws-secret-3e4f5a6b";
    let out = emu
        .cmd()
        .args([
            "-vv",
            "inputs",
            "create",
            "s3",
            "cli_logs",
            "--bucket",
            "b",
            "--access-key-id",
            "AKIACLITEST",
        ])
        .write_stdin(format!("{secret}\n"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean(&out, &[secret, KEY]);
    let id = crate::common::json(&out)["id"].as_str().unwrap().to_owned();
    for args in [
        vec!["-vv", "inputs", "get", id.as_str()],
        vec!["-vv", "inputs", "list"],
        vec!["-vv", "structure"],
    ] {
        let out = emu.cmd().args(&args).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_clean(&out, &[secret, KEY]);
    }
}

const ORDERS_DB: &str = "7f0e2a10-3c55-4b8d-a2f4-0000000000a3";

/// Stores real secrets in the emulator's state: the orders_db input's
/// password and the output's password.
fn with_real_secrets(emu: &Emu) {
    emu.emu.with_state_mut(|s| {
        let input = s.node_mut(ORDERS_DB).unwrap();
        input
            .configuration
            .insert("password".into(), "pg-real-secret-41".into());
        let output = s.nodes.iter_mut().find(|n| n.is_output()).unwrap();
        output
            .configuration
            .insert("password".into(), "rs-real-secret-77".into());
    });
}

fn stored(emu: &Emu, id: Option<&str>) -> serde_json::Value {
    emu.emu.with_state(|s| match id {
        Some(id) => serde_json::Value::Object(s.node(id).unwrap().configuration.clone()),
        None => serde_json::Value::Object(
            s.nodes
                .iter()
                .find(|n| n.is_output())
                .unwrap()
                .configuration
                .clone(),
        ),
    })
}

#[test]
fn input_get_edit_round_trip_keeps_the_stored_password() {
    let emu = Emu::start();
    with_real_secrets(&emu);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.json");
    // `inputs get ID -o json > spec.json`: the password is redacted.
    let out = emu
        .cmd()
        .args(["-o", "json", "inputs", "get", ORDERS_DB])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["job"]["configuration"]["password"], "<redacted>");
    assert_clean(&out, &["pg-real-secret-41"]);
    // Change the port, then `inputs edit spec.json`.
    doc["job"]["configuration"]["port"] = 6543.into();
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = emu
        .cmd()
        .args(["inputs", "edit"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let config = stored(&emu, Some(ORDERS_DB));
    assert_eq!(config["port"], 6543);
    assert_eq!(config["password"], "pg-real-secret-41");

    // The spec form ({"id", "name", "type", "configuration"}) works the same.
    let spec = serde_json::json!({"id": ORDERS_DB, "name": "orders_db", "type": "POSTGRESQL",
        "configuration": {"hostname": "h2", "password": "<redacted>"}});
    std::fs::write(&file, spec.to_string()).unwrap();
    emu.cmd()
        .args(["inputs", "edit"])
        .arg(&file)
        .assert()
        .success();
    let config = stored(&emu, Some(ORDERS_DB));
    assert_eq!(
        (config["hostname"].as_str(), config["password"].as_str()),
        (Some("h2"), Some("pg-real-secret-41"))
    );
}

#[test]
fn a_placeholder_without_a_current_value_is_refused_and_nothing_is_sent() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.json");
    let spec = serde_json::json!({"id": ORDERS_DB, "name": "orders_db", "type": "POSTGRESQL",
        "configuration": {"apiToken": "<redacted>"}});
    std::fs::write(&file, spec.to_string()).unwrap();
    let out = emu
        .cmd()
        .args(["inputs", "edit"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("configuration.apiToken"),
        "{}",
        stderr(&out)
    );
    assert!(emu.emu.requests().iter().all(|r| r.method != "PUT"));
    // Creating from a redacted spec has no current value at all.
    let create = serde_json::json!({"name": "new_db", "type": "POSTGRESQL",
        "configuration": {"password": "<redacted>"}});
    std::fs::write(&file, create.to_string()).unwrap();
    let out = emu
        .cmd()
        .args(["inputs", "create"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("configuration.password"),
        "{}",
        stderr(&out)
    );
    assert!(emu.emu.requests().iter().all(|r| r.method != "POST"));
}

#[test]
fn output_get_set_round_trip_keeps_the_stored_password() {
    let emu = Emu::start();
    with_real_secrets(&emu);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("output.json");
    let out = emu
        .cmd()
        .args(["-o", "json", "outputs", "get"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_clean(&out, &["rs-real-secret-77"]);
    let mut config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(config["password"], "<redacted>");
    config["port"] = "5440".into();
    std::fs::write(&file, config.to_string()).unwrap();
    let out = emu
        .cmd()
        .args(["outputs", "set"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = stored(&emu, None);
    assert_eq!(stored["port"], "5440");
    assert_eq!(stored["password"], "rs-real-secret-77");
}

#[test]
fn show_secrets_prints_real_values() {
    let emu = Emu::start();
    with_real_secrets(&emu);
    let out = emu
        .cmd()
        .args(["-o", "json", "--show-secrets", "inputs", "get", ORDERS_DB])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["job"]["configuration"]["password"],
        "pg-real-secret-41"
    );
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}
