//! `alooma call` reaches every operation of the registry, and
//! `alooma operations` lists them all (the real binary).

use crate::common::*;

/// Every registry entry has a command: `alooma call` builds each example
/// from its arguments into exactly the request the library builds.
#[test]
fn every_operation_of_the_registry_has_a_command() {
    let mut checked = 0;
    for op in alooma::core::operations() {
        for example in op.examples() {
            let name = example.snapshot_name();
            let arguments = example.operation.arguments().to_string();
            let out = Emu::bare()
                .args(["--show-secrets", "call", op.meta().name, "--dry-run"])
                .args(["--arguments-json", &arguments])
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            let expected = alooma::core::render(&example.operation.build().unwrap());
            let shown = stdout(&out);
            let shown = shown
                .trim_end()
                .strip_suffix("dry run: this request was not sent")
                .unwrap_or_else(|| panic!("{name}: no dry-run line in {shown}"));
            assert_eq!(shown.trim_end(), expected.trim_end(), "{name}");
            checked += 1;
        }
    }
    assert!(checked > 70, "{checked}");
}

#[test]
fn operations_lists_the_registry() {
    let out = Emu::bare()
        .args(["-o", "json", "operations"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = json(&out);
    let listed: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = alooma::core::operations()
        .map(|op| op.meta().name)
        .collect();
    assert_eq!(listed, registry);
    let set_mapping = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "set_mapping")
        .unwrap();
    assert_eq!(set_mapping["request"], "POST event-types/{name}/mapping");
    assert_eq!(
        set_mapping["command"],
        "alooma call set_mapping mapping=… name=…"
    );
}

#[test]
fn call_sends_and_prints_the_answer() {
    let emu = Emu::start();
    let out = emu
        .cmd()
        .args(["-o", "json", "call", "get_event_types"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let types = json(&out);
    let first = types[0]["name"].as_str().unwrap().to_owned();
    // A write, with a JSON argument, then the read that sees it.
    let out = emu
        .cmd()
        .args(["call", "set_mapping_mode", "mode=STRICT"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = emu
        .cmd()
        .args(["-o", "json", "call", "get_mapping_mode"])
        .output()
        .unwrap();
    assert_eq!(json(&out), "STRICT");
    let out = emu
        .cmd()
        .args(["-o", "json", "call", "get_event_type"])
        .arg(format!("name={first}"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["name"], first.as_str());
    // A missing one is the API's not-found, with its exit code.
    let out = emu
        .cmd()
        .args(["call", "get_event_type", "name=no such type"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn bad_calls_are_usage_errors_that_send_nothing() {
    let emu = Emu::start();
    let before = emu.emu.requests().len();
    for (args, message) in [
        (
            &["call", "get_evnt_type"][..],
            "did you mean get_event_type",
        ),
        (
            &["call", "get_event_type", "nmae=x"][..],
            "unknown argument `nmae`",
        ),
        (&["call", "get_event_type"][..], "missing field `name`"),
        (
            &["call", "set_input_sleep_time", "id=x", "sleep_time=soon"][..],
            "`sleep_time`",
        ),
        (
            &["call", "get_event_type", "name"][..],
            "is not `name=text`",
        ),
        (
            &["call", "set_mapping_mode", "mode:={oops"][..],
            "is not JSON",
        ),
    ] {
        let out = emu.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(emu.emu.requests().len(), before, "nothing was sent");
}

#[test]
fn a_dry_run_hides_credentials_unless_asked() {
    let out = Emu::bare()
        .args([
            "call",
            "set_secrets",
            "secrets:={\"db\": \"hunter2\"}",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).contains("hunter2"), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("PUT /secrets"), "{}", stdout(&out));
}
