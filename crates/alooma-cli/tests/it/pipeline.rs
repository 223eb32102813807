//! `alooma pipeline export | plan | apply` with the real binary against the
//! emulator: the git workflow, exit codes, confirmation, dry runs, secrets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{json, stderr, stdout, Emu, KEY};
use serde_json::Value;
use std::path::Path;

fn edit_json(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// `alooma pipeline export DIR`, which must succeed.
fn export(emu: &Emu, dir: &str) {
    let out = emu
        .cmd()
        .args(["pipeline", "export", dir])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

fn writes(emu: &Emu) -> usize {
    emu.emu
        .requests()
        .iter()
        .filter(|r| r.method != "GET")
        .count()
}

#[test]
fn export_edit_plan_apply_plan_again() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();

    let out = emu
        .cmd()
        .args(["-o", "table", "pipeline", "export", d])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("exported"), "{}", stdout(&out));
    assert!(dir.path().join("inputs/orders_db.json").is_file());

    // Nothing to do right after the export.
    let out = emu
        .cmd()
        .args(["-o", "table", "pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));

    edit_json(&dir.path().join("event-types/orders.json"), |v| {
        v["mapping"]["tableName"] = "orders_v2".into()
    });
    let out = emu
        .cmd()
        .args(["-o", "table", "pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains(
            "~ update event-type \"orders\"\n    ~ mapping.tableName: \"orders\" -> \"orders_v2\""
        ),
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    // The JSON plan, with its format version.
    let out = emu
        .cmd()
        .args(["-o", "json", "pipeline", "plan", d])
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan = json(&out);
    assert_eq!(plan["format_version"], 1);
    assert_eq!(plan["summary"]["update"], 1);
    assert_eq!(plan["changes"][0]["kind"], "event-type");

    // No terminal and no --yes: refused, nothing written.
    let before = writes(&emu);
    let out = emu.cmd().args(["pipeline", "apply", d]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert_eq!(writes(&emu), before);

    // A dry run prints the request and sends no write (apply's flag or the global one).
    for flags in [
        ["pipeline", "apply", d, "--dry-run"],
        ["--dry-run", "pipeline", "apply", d],
    ] {
        let out = emu
            .cmd()
            .args(["-o", "table"])
            .args(flags)
            .output()
            .unwrap();
        assert!(out.status.success(), "{flags:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("POST /event-types/orders/mapping"),
            "{}",
            stdout(&out)
        );
        assert_eq!(writes(&emu), before);
    }

    let out = emu
        .cmd()
        .args(["-o", "table", "--yes", "pipeline", "apply", d])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("done           update event-type \"orders\""),
        "{}",
        stdout(&out)
    );
    assert_eq!(writes(&emu), before + 1);

    let out = emu
        .cmd()
        .args(["pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // And apply again sends nothing.
    let out = emu
        .cmd()
        .args(["--yes", "pipeline", "apply", d])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(writes(&emu), before + 1);
}

#[test]
fn detailed_exitcode_is_1_on_any_error() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // Not a pipeline directory.
    let out = emu
        .cmd()
        .args(["pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a pipeline directory"),
        "{}",
        stderr(&out)
    );
    // A broken file names itself.
    export(&emu, d);
    std::fs::write(dir.path().join("output.json"), "{oops").unwrap();
    let out = emu
        .cmd()
        .args(["pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("output.json"), "{}", stderr(&out));
    // The service unreachable.
    std::fs::write(dir.path().join("output.json"), "{}").unwrap();
    let out = Emu::bare()
        .args(["--base-url", "http://127.0.0.1:9", "--account", "acme"])
        .env("ALOOMA_API_KEY", KEY)
        .args(["pipeline", "plan", d, "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn secrets_come_from_the_environment_or_a_file_outside_the_directory_and_never_print() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    export(&emu, d);
    edit_json(&dir.path().join("inputs/orders_db.json"), |v| {
        v["configuration"]["port"] = 6543.into()
    });
    edit_json(&dir.path().join("secrets.json"), |v| {
        v.as_array_mut().unwrap().push("ci_token".into())
    });

    // A secrets file inside the directory is refused.
    let inside = dir.path().join("secrets.env");
    std::fs::write(&inside, "CI_TOKEN=x\n").unwrap();
    let out = emu
        .cmd()
        .args([
            "--yes",
            "pipeline",
            "apply",
            d,
            "--secrets",
            inside.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("inside the pipeline directory"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&inside).unwrap();

    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("secrets.env");
    std::fs::write(&file, "CI_TOKEN=ci-t0ken-f1le\n").unwrap();
    let out = emu
        .cmd()
        .env("ALOOMA_SECRET_INPUT_ORDERS_DB_PASSWORD", "env-pa55-w0rd")
        .args([
            "-vv",
            "-o",
            "table",
            "--yes",
            "pipeline",
            "apply",
            d,
            "--secrets",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    for secret in ["ci-t0ken-f1le", "env-pa55-w0rd", KEY] {
        assert!(!text.contains(secret), "{secret} printed:\n{text}");
    }
    // The seed's password reads back as the service's mask, so it cannot
    // be compared: it is not shown as a change, and is sent with the port.
    assert!(
        text.contains("~ configuration.port: 5432 -> 6543"),
        "{text}"
    );
    assert_eq!(
        emu.emu
            .with_state(|s| s.secrets.get("ci_token").cloned())
            .as_deref(),
        Some("ci-t0ken-f1le")
    );
    let state = emu.emu.state_json().to_string();
    assert!(state.contains("env-pa55-w0rd"));
    for (_, entry) in walk(dir.path()) {
        assert!(!entry.contains("ci-t0ken-f1le") && !entry.contains("env-pa55-w0rd"));
    }
}

fn walk(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push((
                p.display().to_string(),
                String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned(),
            ));
        }
    }
    out
}

#[test]
fn a_failed_step_exits_non_zero_and_the_next_plan_shows_the_rest() {
    let emu = Emu::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    export(&emu, d);
    edit_json(&dir.path().join("event-types/checkout.json"), |v| {
        v["mapping"]["tableName"] = "checkout_v2".into()
    });
    edit_json(&dir.path().join("notifications.json"), |v| {
        v["digestFrequency"] = "WEEKLY".into()
    });
    emu.emu.inject(
        alooma_emulator::Fault::status(500)
            .path("settings/email-notifications")
            .times(50),
    );
    let out = emu
        .cmd()
        .args(["-o", "table", "--yes", "pipeline", "apply", d])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("done           update event-type \"checkout\""),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("failed         update notifications"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("alooma pipeline plan"),
        "{}",
        stderr(&out)
    );
    let out = emu
        .cmd()
        .args(["-o", "json", "pipeline", "plan", d])
        .output()
        .unwrap();
    let plan = json(&out);
    assert_eq!(plan["changes"].as_array().unwrap().len(), 1, "{plan}");
    assert_eq!(plan["changes"][0]["kind"], "notifications");
}

/// An account whose event types a management tool wrote with string
/// consolidation keys (`""`, `"ID"`) and a length that is no number: every
/// command reads it, edits keep the odd values, and a plan after apply is
/// empty.
#[test]
fn an_account_with_string_consolidation_keys_lists_edits_exports_and_converges() {
    let mut seed: Value = serde_json::from_str(alooma_emulator::Seed::demo_json()).unwrap();
    let types = seed["event_types"].as_array_mut().unwrap();
    types[0]["consolidation"]["consolidationKeys"] = Value::from("");
    types[1]["consolidation"]["consolidationKeys"] = Value::from("ID");
    types[1]["fields"][0]["mapping"]["columnType"]["length"] = Value::from("sixty-four");
    let page_view = types[0]["name"].as_str().unwrap().to_owned();
    let checkout = types[1]["name"].as_str().unwrap().to_owned();
    let second = types[1]["fields"][1]["fieldName"]
        .as_str()
        .unwrap()
        .to_owned();
    let emu = Emu::with_seed(alooma_emulator::Seed::from_json(&seed.to_string()).unwrap());

    // Listed and read whole, with the values as the service holds them.
    let out = emu
        .cmd()
        .args(["-o", "json", "event-types", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = json(&out);
    let keys_of = |name: &str| {
        let et = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|et| et["name"] == name)
            .unwrap();
        et["consolidation"]["consolidationKeys"].clone()
    };
    assert_eq!(keys_of(&page_view), "");
    assert_eq!(keys_of(&checkout), "ID");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkout.json");
    let out = emu
        .cmd()
        .args(["-o", "json", "mapping", "get", &checkout])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&file, &out.stdout).unwrap();

    // Edited offline: the edit changes what it names, and nothing else.
    let out = emu
        .cmd()
        .args(["mapping", "edit", "--in-place"])
        .arg(&file)
        .args(["--discard", &second])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let edited: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(edited["consolidation"]["consolidationKeys"], "ID");
    assert_eq!(
        edited["fields"][0]["mapping"]["columnType"]["length"],
        "sixty-four"
    );
    assert_eq!(edited["fields"][1]["mapping"]["isDiscarded"], true);

    // Exported, planned (nothing to do), edited, applied, planned again.
    let pipeline = tempfile::tempdir().unwrap();
    let p = pipeline.path().to_str().unwrap();
    export(&emu, p);
    let plan = |code: i32| {
        let out = emu
            .cmd()
            .args(["-o", "table", "pipeline", "plan", p, "--detailed-exitcode"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    };
    plan(0);
    let exported = std::fs::read_dir(pipeline.path().join("event-types"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|path| {
            std::fs::read_to_string(path)
                .unwrap()
                .contains("sixty-four")
        })
        .expect("the exported file of the event type");
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(text.contains(r#""consolidationKeys": "ID""#), "{text}");
    let out = emu
        .cmd()
        .args(["mapping", "edit", "--in-place"])
        .arg(&exported)
        .args(["--discard", &second])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = plan(2);
    assert!(shown.contains(&checkout), "{shown}");
    let out = emu
        .cmd()
        .args(["pipeline", "apply", p, "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    plan(0);

    // The service got the odd values back unchanged.
    let out = emu
        .cmd()
        .args(["-o", "json", "event-types", "get", &checkout])
        .output()
        .unwrap();
    let live = json(&out);
    assert_eq!(live["consolidation"]["consolidationKeys"], "ID");
    let field = |name: &Value| {
        live["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fieldName"] == *name)
            .unwrap()
            .clone()
    };
    let first = field(&seed["event_types"][1]["fields"][0]["fieldName"]);
    assert_eq!(first["mapping"]["columnType"]["length"], "sixty-four");
    assert_eq!(
        field(&Value::from(second.as_str()))["mapping"]["isDiscarded"],
        true
    );
}
