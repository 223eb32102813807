//! Secrets never reach the output: API keys, passwords and secret values
//! are absent from standard output and standard error, even with -vv.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, stdout, Emu, KEY, PASSWORD, USER};

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
        .args([
            "--base-url",
            emu.emu.base_url(),
            "--account",
            "acme",
            "--api-key",
            "wrong-key-0d9f3",
        ])
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
    let id = common::json(&out)["id"].as_str().unwrap().to_owned();
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
