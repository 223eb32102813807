//! Persistence: snapshots, restore, and the state file (stable bytes,
//! atomic save, load at start). The test that restarts a real process is
//! the CLI's (`alooma emulator serve --state`).

use crate::common::{admin, get, get_ok, ok};
use alooma_emulator::persist::STATE_FORMAT;
use alooma_emulator::{Emulator, Snapshot};
use http::Method;
use serde_json::json;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("alooma-emu-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn save_load_save_is_byte_identical() {
    let dir = temp_dir("stable");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    let emu = Emulator::start().await.unwrap();
    ok(&emu, Method::POST, "plumbing/inputs", Some(json!({"name": "new", "type": "MYSQL", "configuration": {"password": "pw", "port": "3306"}}))).await;
    ok(&emu, Method::PUT, "secrets", Some(json!({"K": "v"}))).await;
    ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "orders", "query_type": "full"})),
    )
    .await;
    emu.save_state(&a).unwrap();
    let text_a = std::fs::read(&a).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&text_a).unwrap();
    assert_eq!(doc["format"], STATE_FORMAT);
    assert_eq!(doc["version"], 1);
    let loaded = Emulator::builder().state_file(&a).start().await.unwrap();
    loaded.save_state(&b).unwrap();
    assert_eq!(
        text_a,
        std::fs::read(&b).unwrap(),
        "save → load → save changes nothing"
    );
    // What was stored is all there, secrets and the value forms included.
    assert_eq!(
        loaded.with_state(|s| s.secrets.get("K").cloned()),
        Some("v".into())
    );
    let inputs = get_ok(&loaded, "inputs").await;
    let new = inputs
        .as_object()
        .unwrap()
        .values()
        .find(|i| i["name"] == "new")
        .unwrap();
    assert_eq!(new["configuration"]["port"], "3306");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the state file holds secret values");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left");
}

#[tokio::test]
async fn shutdown_saves_the_state_file_and_a_new_emulator_starts_from_it() {
    let dir = temp_dir("restart");
    let file = dir.join("state.json");
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    ok(&emu, Method::POST, "mapping-mode", Some(json!("STRICT"))).await;
    ok(&emu, Method::DELETE, "event-types/checkout", None).await;
    let before = emu.snapshot().unwrap();
    emu.shutdown().await.unwrap();
    assert!(file.exists());
    let again = Emulator::builder().state_file(&file).start().await.unwrap();
    assert_eq!(get_ok(&again, "mapping-mode").await, json!("STRICT"));
    assert_eq!(again.snapshot().unwrap().to_json(), before.to_json());
}

#[tokio::test]
async fn snapshot_and_restore_over_http_go_back_in_time() {
    let dir = temp_dir("http");
    let file = dir.join("state.json");
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let r = admin(&emu, Method::POST, "snapshot?name=clean", None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["saved_to"], file.display().to_string());
    assert!(file.exists(), "a snapshot saves the state file");
    ok(&emu, Method::DELETE, "event-types/orders", None).await;
    assert!(get_ok(&emu, "event-types")
        .await
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["name"] != "orders"));
    let r = admin(&emu, Method::POST, "restore?name=clean", None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(get_ok(&emu, "event-types/orders").await["name"], "orders");
    // Without such a snapshot, the state file: saved after every write,
    // it holds the deletion too.
    let doc = std::fs::read_to_string(&file).unwrap();
    ok(&emu, Method::DELETE, "event-types/orders", None).await;
    assert_eq!(
        admin(&emu, Method::POST, "restore?name=nope", None)
            .await
            .status,
        200
    );
    assert_eq!(
        get(&emu, "event-types/orders").await.status,
        404,
        "the file is the state as of the last write"
    );
    // With a body, that document.
    let r = crate::common::raw(
        &emu,
        Method::POST,
        "/__emulator/restore",
        Some(doc.into_bytes()),
        crate::common::Auth::Key(emu.key()),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(get_ok(&emu, "event-types/orders").await["name"], "orders");
    let bad = crate::common::raw(
        &emu,
        Method::POST,
        "/__emulator/restore",
        Some(br#"{"format": "something-else", "version": 1, "accounts": []}"#.to_vec()),
        crate::common::Auth::Key(emu.key()),
    )
    .await;
    bad.assert_error(400);
}

/// Why an emulator does not start from this state file.
async fn refused(file: &std::path::Path) -> String {
    Emulator::builder()
        .state_file(file)
        .start()
        .await
        .unwrap_err()
        .to_string()
}

#[tokio::test]
async fn a_state_file_of_another_kind_or_version_is_refused_clearly() {
    let dir = temp_dir("refused");
    let file = dir.join("state.json");
    std::fs::write(
        &file,
        r#"{"format": "alooma-emulator-state", "version": 99, "accounts": []}"#,
    )
    .unwrap();
    let err = refused(&file).await;
    assert!(err.contains("version 99") && err.contains("newer"), "{err}");
    std::fs::write(&file, "not json").unwrap();
    let err = refused(&file).await;
    assert!(err.contains("not a state document"), "{err}");
    let emu = Emulator::builder().account("other").start().await.unwrap();
    emu.save_state(&file).unwrap();
    let err = refused(&file).await;
    assert!(err.contains("\"other\""), "{err}");
    assert!(Snapshot::from_json("[]").is_err());
}
