//! `alooma pipeline run`: a pipeline directory run offline over raw
//! events (an S3 retention folder of gzip JSON lines, a JSON array file)
//! into a real SQLite file, through real Python; what does not load is
//! written with its reason; a re-run loads nothing twice.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{json, stderr, Emu};
use alooma_engine::warehouse::sqlite::Sqlite;
use std::io::Write;
use std::path::Path;

const TRANSFORM: &str = "def transform(event):\n    if event.get('debug'):\n        return None\n    if 'boom' in event:\n        raise KeyError('boom')\n    if 'page' in event:\n        event['checked'] = True\n    return event\n";

fn pipeline_dir(root: &Path) -> std::path::PathBuf {
    let dir = root.join("pipeline");
    std::fs::create_dir_all(dir.join("code-engine")).unwrap();
    std::fs::create_dir_all(dir.join("event-types")).unwrap();
    std::fs::write(dir.join("pipeline.json"), "{\"format_version\": 1}\n").unwrap();
    std::fs::write(dir.join("mapping-mode.json"), "\"AUTO_MAP\"\n").unwrap();
    std::fs::write(dir.join("code-engine/main.py"), TRANSFORM).unwrap();
    // An event type with its own mapping: `orders` loads into
    // public.orders with a BIGINT id, and is STRICT.
    std::fs::write(
        dir.join("event-types/orders.json"),
        r#"{"name": "orders", "mappingMode": "STRICT",
            "mapping": {"isDiscarded": false, "schema": "public", "tableName": "orders"},
            "fields": [{"fieldName": "id", "fields": [], "mapping": {"isDiscarded": false,
                "columnName": "order_id", "columnType": {"type": "BIGINT", "nonNull": true}}}]}"#,
    )
    .unwrap();
    dir
}

fn events(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    // A retention folder: <prefix>/<input_label>/<YYYY-MM-DD-HH>/<file>.json.gz
    let hour = root.join("retention/raw/web/2024-05-01-13");
    std::fs::create_dir_all(&hour).unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(hour.join("part-0.json.gz")).unwrap(),
        flate2::Compression::default(),
    );
    for line in [
        r#"{"page": "/a", "ms": 12}"#,
        r#"{"page": "/b", "ms": 7.5, "debug": true}"#,
        r#"{"page": "/c", "boom": 1}"#,
        r#"{"page": "#,
        r#"42"#,
        r#"{"page": "/d", "user": {"id": 9, "tags": ["x"]}}"#,
    ] {
        writeln!(gz, "{line}").unwrap();
    }
    gz.finish().unwrap();
    // A JSON array file of orders, one with an unmapped field.
    let orders = root.join("orders.json");
    std::fs::write(
        &orders,
        r#"[
  {"id": 1, "_metadata": {"event_type": "orders"}},
  {"id": "2", "_metadata": {"event_type": "orders"}},
  {"id": 3, "coupon": "X", "_metadata": {"event_type": "orders"}}
]"#,
    )
    .unwrap();
    (root.join("retention"), orders)
}

#[test]
fn a_pipeline_runs_offline_into_sqlite_once_with_what_did_not_load_kept() {
    let root = tempfile::tempdir().unwrap();
    let dir = pipeline_dir(root.path());
    let (retention, orders) = events(root.path());
    let warehouse = root.path().join("dwh.sqlite");
    let queued = root.path().join("q.jsonl");
    let run = || {
        Emu::bare()
            .args(["-o", "json", "pipeline", "run"])
            .arg(&dir)
            .arg("--events")
            .arg(&retention)
            .arg(&orders)
            .arg("--warehouse")
            .arg(format!("sqlite:{}", warehouse.display()))
            .arg("--queued")
            .arg(&queued)
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["events_read"], 9, "{report}");
    assert_eq!(report["not_events"], 2, "{report}");
    assert_eq!(report["loaded"], 4, "{report}"); // /a, /d, orders 1 and 2
    assert_eq!(report["dropped_by_code"], 1);
    assert_eq!(
        report["queued"],
        serde_json::json!({"code_engine": 1, "unmapped": 1})
    );
    assert_eq!(
        report["loaded_by_event_type"],
        serde_json::json!({"orders": 2, "web": 2})
    );

    let w = Sqlite::open(&warehouse).unwrap();
    assert_eq!(
        w.query_json("SELECT page, ms, checked, user_id, user_tags, _metadata_input_label AS label FROM public.web ORDER BY page")
            .unwrap(),
        serde_json::json!([
            {"page": "/a", "ms": 12, "checked": 1, "user_id": null, "user_tags": null, "label": "web"},
            {"page": "/d", "ms": null, "checked": 1, "user_id": 9, "user_tags": "[\"x\"]", "label": "web"},
        ])
    );
    assert_eq!(
        w.query_json("SELECT order_id FROM public.orders ORDER BY order_id")
            .unwrap(),
        serde_json::json!([{"order_id": 1}, {"order_id": 2}])
    );

    // What did not load: each with its reason and where it was read.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&queued)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["malformed", "malformed", "code_engine", "unmapped"],
        "{lines:?}"
    );
    assert_eq!(lines[0]["event"], r#"{"page": "#);
    assert!(lines[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("part-0.json.gz#4"));
    assert_eq!(lines[1]["event"], 42);
    assert!(
        lines[2]["reason"].as_str().unwrap().contains("KeyError"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]["reason"].as_str().unwrap().contains("coupon"),
        "{}",
        lines[3]
    );

    // Again: the same events load nothing twice.
    let out = run();
    assert!(out.status.success(), "{}", stderr(&out));
    let again = json(&out);
    assert_eq!(again["loaded"], 0, "{again}");
    assert_eq!(again["already_loaded"], 4, "{again}");
    assert_eq!(
        w.query_json("SELECT count(*) AS n FROM public.web")
            .unwrap(),
        serde_json::json!([{"n": 2}])
    );
}

#[test]
fn a_warehouse_this_version_cannot_load_is_refused_clearly() {
    let root = tempfile::tempdir().unwrap();
    let dir = pipeline_dir(root.path());
    let (retention, _) = events(root.path());
    let out = Emu::bare()
        .current_dir(root.path())
        .args(["pipeline", "run"])
        .arg(&dir)
        .arg("--events")
        .arg(&retention)
        .args(["--warehouse", "mysql://localhost/dwh"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("postgres://"), "{}", stderr(&out));
}

/// POSTs `body` to the emulator's `path` on a fresh connection: the status.
fn post(emu: &Emu, path: &str, body: &str) -> u16 {
    use std::io::Read;
    let host = emu.emu.addr();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Every row of `public.<table>` with the columns the events gave (the
/// `_metadata` ones left out: ids and times are the loader's own), sorted.
fn user_rows(warehouse: &Path, table: &str) -> Vec<serde_json::Value> {
    let mut w = Sqlite::open(warehouse).unwrap();
    let all = alooma_engine::warehouse::Warehouse::query_json(
        &mut w,
        &format!("SELECT * FROM public.{table}"),
    )
    .unwrap();
    let mut rows: Vec<serde_json::Value> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            // By column name: the two tables' columns may come in
            // another order.
            let kept: std::collections::BTreeMap<String, serde_json::Value> = row
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| !k.starts_with("_metadata"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            serde_json::to_value(kept).unwrap()
        })
        .collect();
    rows.sort_by_key(|r| r.to_string());
    rows
}

#[test]
fn pipeline_run_loads_the_rows_the_emulator_loaded_from_the_same_events() {
    let root = tempfile::tempdir().unwrap();
    let emulator_dwh = root.path().join("emulator.sqlite");
    let emu = Emu::with(|b| {
        b.seed(alooma_emulator::Seed::empty()).warehouse(
            alooma_emulator::domain::data::WarehouseLocation::File(emulator_dwh.clone()),
        )
    });
    let spec = root.path().join("spec.json");
    std::fs::write(&spec, r#"{"name": "shop", "type": "REST_ENDPOINT"}"#).unwrap();
    let code = root.path().join("main.py");
    std::fs::write(&code, TRANSFORM).unwrap();
    for args in [
        &["call", "set_mapping_mode", "mode=AUTO_MAP"][..],
        &["inputs", "create", spec.to_str().unwrap()][..],
        &["code-engine", "set", "main", code.to_str().unwrap()][..],
    ] {
        let out = emu.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }

    // The same events: to the emulator's webhook, and into a file.
    let mut events: Vec<String> = Vec::new();
    for n in 0..40 {
        let body = match n % 8 {
            0 => format!(r#""page": "/p{n}", "ms": {n}"#),
            1 => format!(
                r#""page": "/p{n}", "ms": "{n}.5", "user": {{"id": {n}, "tags": ["a", "b"]}}"#
            ),
            2 => format!(r#""page": "/p{n}", "debug": true"#),
            3 => format!(r#""page": "/p{n}", "boom": {n}"#),
            4 => format!(r#""item": "i{n}", "price": {n}.25, "ok": false"#),
            5 => format!(r#""page": null, "ms": null, "note": "é ✓ {n}""#),
            6 => format!(r#""page": "/p{n}", "user": {{"id": "{n}", "name": "u{n}"}}"#),
            _ => format!(
                r#""list": [1, 2, {n}], "page": "/p{n}", "at": "2024-05-01T10:00:0{}Z""#,
                n % 10
            ),
        };
        events.push(format!(r#"{{"id": "e{n}", {body}}}"#));
    }
    let token = emu
        .emu
        .with_state(|s| s.input_token("shop").map(str::to_owned))
        .unwrap();
    for chunk in events.chunks(15) {
        let body = format!("[{}]", chunk.join(","));
        assert_eq!(post(&emu, &format!("/rest/{token}"), &body), 200);
    }
    let file = root.path().join("shop.jsonl");
    std::fs::write(&file, events.join("\n")).unwrap();

    // The emulator's pipeline, exported, then run offline over the file.
    let dir = root.path().join("pipeline");
    let out = emu
        .cmd()
        .args(["pipeline", "export", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let run_dwh = root.path().join("run.sqlite");
    // Run where the default `queued.jsonl` lands in the test's own folder.
    let out = Emu::bare()
        .current_dir(root.path())
        .args([
            "-o",
            "json",
            "pipeline",
            "run",
            dir.to_str().unwrap(),
            "--events",
        ])
        .arg(&file)
        .arg("--warehouse")
        .arg(format!("sqlite:{}", run_dwh.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json(&out);

    let loaded_by_emulator = user_rows(&emulator_dwh, "shop");
    // 40 events: 5 dropped by the transform, 5 failing in it, 5 whose
    // `ms` does not convert to the auto-mapped BIGINT, 25 loaded.
    assert_eq!(loaded_by_emulator.len(), 25, "{loaded_by_emulator:#?}");
    assert_eq!(user_rows(&run_dwh, "shop"), loaded_by_emulator);
    // What did not load: the same events, for the same reasons.
    let waiting = emu.emu.with_state(|s| s.restream_queue());
    let in_code = waiting
        .iter()
        .filter(|(_, why)| why.starts_with("Code Engine error"))
        .count();
    assert_eq!((waiting.len(), in_code), (10, 5), "{waiting:?}");
    assert_eq!(report["loaded"], 25, "{report}");
    assert_eq!(report["dropped_by_code"], 5, "{report}");
    assert_eq!(
        report["queued"],
        serde_json::json!({"code_engine": 5, "conversion": 5})
    );
    let kept = std::fs::read_to_string(root.path().join("queued.jsonl")).unwrap();
    assert_eq!(kept.lines().count(), 10, "{kept}");
}
