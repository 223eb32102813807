//! What the crates compile: the SDK no server, the CLI no HTTP/2 (nothing
//! here speaks it), as `cargo tree` shows them.

use std::process::Command;

/// `cargo tree -p PACKAGE -e normal,features`, one entry a line.
fn tree(package: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            package,
            "-e",
            "normal,features",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_sdk_compiles_no_server_and_the_cli_no_http2() {
    let sdk = tree("alooma");
    for server in [
        "hyper feature \"server\"",
        "hyper-util feature \"server\"",
        "hyper feature \"http2\"",
        "h2 v",
        "alooma-emulator v",
    ] {
        assert!(
            !sdk.lines().any(|l| l.starts_with(server)),
            "the SDK compiles {server}:\n{sdk}"
        );
    }
    let cli = tree("alooma-cli");
    for unused in [
        "h2 v",
        "hyper feature \"http2\"",
        "tower feature \"limit\"",
        "tower feature \"timeout\"",
    ] {
        assert!(
            !cli.lines().any(|l| l.starts_with(unused)),
            "the CLI compiles {unused}"
        );
    }
    // `rand` only for the PostgreSQL client's SCRAM nonce: nothing of ours
    // uses it (fastrand makes our random values).
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            "alooma-cli",
            "-e",
            "normal",
            "-i",
            "rand",
            "--prefix",
            "depth",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let users = String::from_utf8_lossy(&out.stdout);
    for line in users.lines().filter(|l| l.starts_with('1')) {
        assert!(
            line.starts_with("1postgres-") || line.starts_with("1tokio-postgres "),
            "rand is compiled for {line}:\n{users}"
        );
    }
}
