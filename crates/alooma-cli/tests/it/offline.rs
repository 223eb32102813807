//! `alooma mapping edit|diff`: offline, no network, and in-place edits
//! that never damage the original.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{json, stderr, stdout, Emu};
use std::path::Path;

const MAPPING: &str = r#"{
  "name": "orders",
  "mappingMode": "STRICT",
  "mapping": {"isDiscarded": false, "tableName": "orders", "schema": "public"},
  "stats": {"count": 10},
  "fields": [
    {"fieldName": "customer", "fields": [
      {"fieldName": "email", "fields": [], "mapping": {"columnName": "email",
        "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}, "isDiscarded": false}},
      {"fieldName": "phone", "fields": [], "mapping": {"columnName": "phone",
        "columnType": {"type": "VARCHAR", "length": 32, "nonNull": false}, "isDiscarded": false}}
    ], "mapping": null},
    {"fieldName": "total", "fields": [], "mapping": {"columnName": "total",
      "columnType": {"type": "FLOAT", "nonNull": false}, "isDiscarded": false}}
  ]
}"#;

fn write_mapping(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("orders.json");
    std::fs::write(&file, MAPPING).unwrap();
    file
}

fn field<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a serde_json::Value> {
    let mut fields = v["fields"].as_array()?;
    let mut found = None;
    for name in path {
        let f = fields.iter().find(|f| f["fieldName"] == *name)?;
        fields = f["fields"].as_array()?;
        found = Some(f);
    }
    found
}

#[test]
fn edit_prints_the_edited_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_mapping(dir.path());
    // No connection options at all: nothing needs the network.
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--discard", "customer.email", "--unmap", "customer.phone"])
        .args([
            "--map",
            "customer.address.city:city:VARCHAR(64)",
            "--map",
            "total:total:NUMERIC(12,2) NOT NULL",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        field(&v, &["customer", "email"]).unwrap()["mapping"]["isDiscarded"],
        true
    );
    assert!(field(&v, &["customer", "phone"]).is_none());
    let city = field(&v, &["customer", "address", "city"]).unwrap();
    assert_eq!(city["mapping"]["columnName"], "city");
    assert_eq!(city["mapping"]["columnType"]["length"], 64);
    let total = &field(&v, &["total"]).unwrap()["mapping"]["columnType"];
    assert_eq!(
        (
            total["type"].as_str(),
            total["precision"].as_u64(),
            total["nonNull"].as_bool()
        ),
        (Some("NUMERIC"), Some(12), Some(true))
    );
    // Unknown keys survive; the input file is untouched.
    assert_eq!(v["stats"]["count"], 10);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), MAPPING);
}

#[test]
fn edits_apply_in_command_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_mapping(dir.path());
    // map then discard: discarded. discard then map: mapped.
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--map", "total:t2:INT", "--discard", "total"])
        .output()
        .unwrap();
    assert_eq!(
        field(&json(&out), &["total"]).unwrap()["mapping"]["isDiscarded"],
        true
    );
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--discard", "total", "--map", "total:t2:INT"])
        .output()
        .unwrap();
    let v = json(&out);
    let m = &field(&v, &["total"]).unwrap()["mapping"];
    assert_eq!(
        (m["isDiscarded"].as_bool(), m["columnName"].as_str()),
        (Some(false), Some("t2"))
    );
}

#[test]
fn in_place_edit_rewrites_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_mapping(dir.path());
    let out = Emu::bare()
        .args(["mapping", "edit", "--in-place", "--unmap", "customer.phone"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("- customer.phone"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(field(&v, &["customer", "phone"]).is_none());
    assert!(field(&v, &["customer", "email"]).is_some());
    // Only the file itself is left in the directory (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn failed_in_place_edit_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_mapping(dir.path());
    let original = std::fs::read(&file).unwrap();
    // One good edit, one bad field path: nothing is applied.
    let out = Emu::bare()
        .args([
            "mapping",
            "edit",
            "--in-place",
            "--discard",
            "total",
            "--unmap",
            "customer.fax.number",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("customer.fax.number"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), original);
    // A malformed path is a usage error, also leaving the file alone.
    let out = Emu::bare()
        .args(["mapping", "edit", "--in-place", "--discard", "a..b"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&file).unwrap(), original);
    // A file that is not a mapping.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"name\": ").unwrap();
    let out = Emu::bare()
        .args(["mapping", "edit", "--in-place", "--discard", "total"])
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&broken).unwrap(), b"{\"name\": ");
    // A file that does not exist: error, nothing created.
    let missing = dir.path().join("missing.json");
    let out = Emu::bare()
        .args(["mapping", "edit", "--in-place", "--discard", "total"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn diff_shows_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let old = write_mapping(dir.path());
    let new = dir.path().join("new.json");
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&old)
        .args([
            "--discard",
            "customer.email",
            "--unmap",
            "customer.phone",
            "--map",
            "customer.zip:zip:VARCHAR(10)",
        ])
        .output()
        .unwrap();
    std::fs::write(&new, &out.stdout).unwrap();
    let out = Emu::bare()
        .args(["-o", "table", "mapping", "diff"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "x customer.email (was email VARCHAR(256))\n- customer.phone\n+ customer.zip -> zip VARCHAR(10)\n"
    );
    let out = Emu::bare()
        .args(["-o", "json", "mapping", "diff"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(json(&out)["count"], 3);
    Emu::bare()
        .args(["mapping", "diff", "--exit-code"])
        .arg(&old)
        .arg(&new)
        .assert()
        .code(1);
    Emu::bare()
        .args(["-o", "table", "mapping", "diff", "--exit-code"])
        .arg(&old)
        .arg(&old)
        .assert()
        .success()
        .stdout("no differences\n");
}

/// A mapping as real tools wrote it: string lengths and truncates, a null
/// length, the service's defaults, keys this SDK does not model.
const REAL_TOOL_MAPPING: &str = r#"{"name": "events", "mapping": {"isDiscarded": false, "tableName": "events", "schema": "PUBLIC", "outputId": "o1"},
  "fields": [
    {"fieldName": "note", "fields": [], "mapping": {"columnName": "note", "isDiscarded": false, "machineGenerated": true, "subFields": null,
      "columnType": {"type": "VARCHAR", "length": "1024", "truncate": "38", "nonNull": "false"}}},
    {"fieldName": "comment", "fields": [], "mapping": {"columnName": "comment", "isDiscarded": false,
      "columnType": {"type": "VARCHAR", "length": null, "nonNull": false}}},
    {"fieldName": "id", "fields": [], "mapping": {"columnName": "id", "isDiscarded": false,
      "columnType": {"type": "BIGINT", "nonNull": true}}}],
  "inputObjects": {"in": ["events"]}, "future": 1}"#;

#[test]
fn edits_keep_every_value_in_the_form_it_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.json");
    std::fs::write(&file, REAL_TOOL_MAPPING).unwrap();
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args([
            "--set",
            "note:length=2048",
            "--set",
            "comment:nullable=false",
        ])
        .args(["--map", "extra:extra:VARCHAR(10)"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    let original: serde_json::Value = serde_json::from_str(REAL_TOOL_MAPPING).unwrap();
    // Only the edits changed: the new length keeps its string form, the hand
    // edit clears machineGenerated, `null` and unknown keys survive.
    let note = &field(&v, &["note"]).unwrap()["mapping"];
    assert_eq!(note["columnType"]["length"], "2048");
    assert_eq!(note["columnType"]["truncate"], "38");
    assert_eq!(note["columnType"]["nonNull"], "false");
    assert_eq!(note["machineGenerated"], false);
    let comment = &field(&v, &["comment"]).unwrap()["mapping"]["columnType"];
    assert_eq!(comment["length"], serde_json::Value::Null);
    assert_eq!(comment["nonNull"], true);
    assert_eq!(v["inputObjects"], original["inputObjects"]);
    assert_eq!(v["future"], 1);
    assert_eq!(v["mapping"], original["mapping"]);
    assert_eq!(field(&v, &["id"]), field(&original, &["id"]));
    // A new field mapping carries the service's defaults.
    let extra = &field(&v, &["extra"]).unwrap()["mapping"];
    assert_eq!(extra["machineGenerated"], false);
    assert_eq!(extra["subFields"], serde_json::Value::Null);
}

#[test]
fn table_consolidation_rename_and_warehouse_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_mapping(dir.path());
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args([
            "--log-table",
            "analytics:id",
            "--rename",
            "orders_eu",
            "--warehouse",
            "redshift",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["name"], "orders_eu");
    assert_eq!(v["mapping"]["tableName"], "orders_log");
    assert_eq!(v["mapping"]["schema"], "analytics");
    assert_eq!(v["consolidation"]["consolidatedTableName"], "orders");
    assert_eq!(
        v["consolidation"]["consolidationKeys"],
        serde_json::json!(["id"])
    );
    // A type the warehouse does not have is refused, naming the field.
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--map", "x:x:VARIANT", "--warehouse", "redshift"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a Redshift type"),
        "{}",
        stderr(&out)
    );
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--set", "total:type=VARIANT", "--warehouse", "redshift"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("total"), "{}", stderr(&out));
    // Setting an attribute of an unmapped field is refused.
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--set", "customer:length=5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("not mapped"), "{}", stderr(&out));
}

#[test]
fn a_file_that_is_not_a_mapping_names_the_json_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"{"name": "e", "fields": [{"fieldName": "a", "mapping": {"columnType": {"length": "long"}}}, {"fieldName": ["b"]}]}"#,
    )
    .unwrap();
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(["--discard", "a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("fields[1].fieldName"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
mod in_place {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn edit(file: &Path, extra: &[&str]) -> std::process::Output {
        Emu::bare()
            .args(["mapping", "edit", "--in-place", "--unmap", "customer.phone"])
            .args(extra)
            .arg(file)
            .output()
            .unwrap()
    }

    #[test]
    fn a_read_only_file_is_refused_unless_forced_and_stays_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_mapping(dir.path());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
        let original = std::fs::read(&file).unwrap();
        let out = edit(&file, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
        assert_eq!(std::fs::read(&file).unwrap(), original);
        let out = edit(&file, &["--force"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_ne!(std::fs::read(&file).unwrap(), original);
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o444
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_symlink_is_followed_and_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = write_mapping(dir.path());
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let out = edit(&link, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
        assert!(
            field(&v, &["customer", "phone"]).is_none(),
            "the target was edited"
        );
    }

    #[test]
    fn mode_owner_and_group_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_mapping(dir.path());
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout == b"0\n");
        if root {
            // Another user's file, edited by root, stays that user's.
            std::os::unix::fs::chown(&file, Some(4242), Some(4343)).unwrap();
        }
        let before = std::fs::metadata(&file).unwrap();
        let out = edit(&file, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        let after = std::fs::metadata(&file).unwrap();
        assert_eq!(after.permissions().mode() & 0o777, 0o640);
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    }

    #[test]
    fn a_killed_run_s_temporary_file_is_removed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_mapping(dir.path());
        let stale = dir.path().join(".orders.json.alooma-edit-4000000000.tmp");
        std::fs::write(&stale, "half-written").unwrap();
        let out = edit(&file, &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!stale.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A failed run leaves nothing either.
        let out = Emu::bare()
            .args(["mapping", "edit", "--in-place", "--unmap", "no.such.field"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

/// A mapping with many top-level fields (the shape of a big one), some
/// names repeated, odd keys and values in their server forms.
fn many_fields(bad_at: Option<usize>) -> String {
    let mut fields = Vec::new();
    for i in 0..300 {
        let name = if i % 50 == 7 {
            "twice".to_owned()
        } else {
            format!("f{i}")
        };
        // A field missing its required name, or one with a length of
        // another type (kept as read).
        let child = if bad_at == Some(i) {
            r#"{"fields":[],"mapping":null}"#
        } else {
            r#"{"fieldName":"x","fields":[],"mapping":null}"#
        };
        let mapping = if i % 40 == 3 {
            r#"{"columnName":"c","columnType":{"type":"VARCHAR","length":"long"}}"#.to_owned()
        } else {
            format!(
                r#"{{"columnName":"c{i}","columnType":{{"type":"VARCHAR","length":"{i}","nonNull":false}},"isDiscarded":false}}"#
            )
        };
        fields.push(format!(
            r#"{{"stats":{{"count":"{i}","nullCount":0}},"fieldName":"{name}","odd":[1.50,null],"fields":[{child}],"mapping":{mapping}}}"#
        ));
    }
    format!(
        r#"{{"name":"big","stats":{{"count":1}},"mapping":{{"tableName":"big","schema":"public"}},"fields":[{}],"colour":"blue"}}"#,
        fields.join(",")
    )
}

#[test]
fn a_big_mapping_edited_in_parts_prints_what_editing_it_whole_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let doc = many_fields(None);
    std::fs::write(&file, &doc).unwrap();
    let args = [
        "--discard",
        "f3",
        "--unmap",
        "f10",
        "--unmap",
        "twice.x",
        "--map",
        "brand.new:new_col:INT",
        "--set",
        "f20:length=99",
        "--table",
        "public.other",
    ];
    let out = Emu::bare()
        .args(["mapping", "edit"])
        .arg(&file)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The same edits on the whole mapping, through the library.
    use alooma::mapping::*;
    let mut whole = decode::from_str(&doc).unwrap();
    let mut batch = Batch::new();
    batch
        .discard("f3".parse().unwrap())
        .unmap("f10".parse().unwrap())
        .unmap("twice.x".parse().unwrap())
        .map(
            "brand.new".parse().unwrap(),
            "new_col",
            parse_column_type("INT").unwrap(),
        );
    batch.apply(&mut whole).unwrap();
    set_column(
        &mut whole,
        &"f20".parse().unwrap(),
        &ColumnChange::Length(99),
    )
    .unwrap();
    set_table(&mut whole, "public", "other");
    let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
    assert_eq!(stdout(&out), expected);

    // In place: the same bytes in the file, the changes on stderr.
    let out = Emu::bare()
        .args(["mapping", "edit", "--in-place"])
        .arg(&file)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    assert!(stderr(&out).contains("change(s)"), "{}", stderr(&out));
}

#[test]
fn a_bad_field_far_from_the_edits_fails_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let doc = many_fields(Some(250));
    std::fs::write(&file, &doc).unwrap();
    for in_place in [false, true] {
        let mut cmd = Emu::bare();
        cmd.args(["mapping", "edit"]);
        if in_place {
            cmd.arg("--in-place");
        }
        let out = cmd.arg(&file).args(["--discard", "f3"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stdout(&out), "", "nothing is printed");
        assert!(
            stderr(&out).contains("fields[250].fields[0]"),
            "{}",
            stderr(&out)
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            doc,
            "the file is unchanged"
        );
    }
}

/// `alooma code test`: modules from a folder run in real Python on samples
/// in each file form, with expectations written and compared, and the
/// exit codes of the other commands.
#[test]
fn code_test_runs_modules_on_samples_with_expectations() {
    let dir = tempfile::tempdir().unwrap();
    let modules = dir.path().join("code-engine");
    std::fs::create_dir(&modules).unwrap();
    std::fs::write(
        modules.join("main.py"),
        "import util\n\ndef transform(event):\n    print('id', event['id'])\n    if event.get('test'):\n        return None\n    event['name'] = util.clean(event['name'])\n    return event\n",
    )
    .unwrap();
    std::fs::write(
        modules.join("util.py"),
        "def clean(s):\n    return s.strip()\n",
    )
    .unwrap();
    let code_test = |samples: &Path, extra: &[&str]| {
        Emu::bare()
            .args(["-o", "json", "code", "test", "--modules"])
            .arg(&modules)
            .arg("--samples")
            .arg(samples)
            .args(extra)
            .output()
            .unwrap()
    };
    // The same three events in the three forms a sample file takes.
    let forms = [
        ("list.json", r#"[{"id": 1, "name": " a "}, {"id": 2, "test": true}, {"id": 3, "name": "b"}]"#),
        ("lines.jsonl", "{\"id\": 1, \"name\": \" a \"}\n{\"id\": 2, \"test\": true}\n\n{\"id\": 3, \"name\": \"b\"}\n"),
        ("service.json", r#"[{"eventType": "e", "status": "VALID", "sample": {"id": 1, "name": " a "}},
                            {"sample": {"id": 2, "test": true}}, {"sample": {"id": 3, "name": "b"}}]"#),
    ];
    for (name, text) in forms {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = code_test(&file, &[]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let rows = json(&out);
        assert_eq!(rows[0]["result"]["name"], "a", "{name}");
        assert_eq!(rows[0]["output"], "id 1\n");
        assert_eq!(rows[1]["status"], "dropped");
        assert_eq!(rows[2]["result"]["name"], "b");
    }
    let samples = dir.path().join("list.json");
    let expected = dir.path().join("expected.json");
    let out = code_test(
        &samples,
        &["--expect", expected.to_str().unwrap(), "--update"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
    assert_eq!(
        written[1],
        serde_json::json!({"result": null, "output": "id 2\n"})
    );
    let out = code_test(&samples, &["--expect", expected.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A change in behaviour is a difference: printed, exit 1.
    std::fs::write(
        modules.join("util.py"),
        "def clean(s):\n    return s.strip().upper()\n",
    )
    .unwrap();
    let out = code_test(&samples, &["--expect", expected.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("sample 1: result differs"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(r#""name":"A""#), "{}", stderr(&out));

    // An exception fails the run, with the module's line; exit 1.
    let missing = dir.path().join("missing.json");
    std::fs::write(&missing, r#"[{"id": 4}]"#).unwrap();
    let out = code_test(&missing, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        json(&out)[0]["result"]["error"],
        "KeyError: 'name' (main, line 7)"
    );

    // A syntax error fails every sample, naming the module and line.
    std::fs::write(modules.join("util.py"), "def clean(s:\n    return s\n").unwrap();
    let out = code_test(&samples, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = json(&out);
    assert!(
        rows[0]["result"]["error"]
            .as_str()
            .unwrap()
            .contains("SyntaxError"),
        "{rows}"
    );
    assert!(
        rows[0]["result"]["error"]
            .as_str()
            .unwrap()
            .contains("util, line 1"),
        "{rows}"
    );

    // Files that cannot be used: exit 2.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[1, 2").unwrap();
    assert_eq!(code_test(&bad, &[]).status.code(), Some(2));
    let out = Emu::bare()
        .args(["code", "test", "--modules"])
        .arg(dir.path().join("nowhere"))
        .arg("--samples")
        .arg(&samples)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // No interpreter: a clear error.
    std::fs::write(modules.join("util.py"), "def clean(s):\n    return s\n").unwrap();
    let out = code_test(&samples, &["--python", "/nonexistent/python3"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("ALOOMA_PYTHON"), "{}", stderr(&out));
}
