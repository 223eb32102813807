//! The exported files: canonical, stable, secret-free, names reversible;
//! bad files refused with their name.

use crate::support::*;
use alooma_emulator::Seed;
use alooma_pipeline::{Pipeline, PipelineError};

#[tokio::test(flavor = "multi_thread")]
async fn export_is_canonical_and_byte_identical_twice() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    fetch(&client).await.write(a.path()).unwrap();
    fetch(&client).await.write(b.path()).unwrap();
    assert_eq!(tree(a.path()), tree(b.path()));
    // Export → load → export is byte-identical, into another directory and in place.
    let c = tempfile::tempdir().unwrap();
    Pipeline::load(a.path()).unwrap().write(c.path()).unwrap();
    assert_eq!(tree(a.path()), tree(c.path()));
    fetch(&client).await.write(a.path()).unwrap();
    assert_eq!(tree(a.path()), tree(b.path()));

    let files = tree(a.path());
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "pipeline.json",
        "inputs/orders_db.json",
        "event-types/page_view.json",
        "mapping-mode.json",
        "code-engine/main.py",
        "code-engine/requirements.txt",
        "queries/orders.custom.json",
        "notifications.json",
        "output.json",
        "secrets.json",
        "tables/schemas.json",
        "tables/public/orders.json",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for (path, bytes) in &files {
        let text = String::from_utf8(bytes.clone()).unwrap();
        if path.ends_with(".json") {
            assert!(
                text.ends_with("}\n") || text.ends_with("]\n") || text.ends_with("\"\n"),
                "{path}"
            );
            assert!(!text.contains("\"stats\""), "{path} has stats");
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            // Canonical: re-serialising sorted with 2 spaces gives the same text.
            let mut again = serde_json::to_string_pretty(&value).unwrap();
            again.push('\n');
            assert_eq!(again, text, "{path} is not canonical");
        }
        // No secret value of the seed (Alooma secrets, passwords) is written.
        for secret in ["s3cr3t-demo", "tok-demo-123", "**********"] {
            assert!(!text.contains(secret), "{path} holds {secret}");
        }
    }
    let input = String::from_utf8(
        files
            .iter()
            .find(|(p, _)| p == "inputs/orders_db.json")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        input.contains(r#""$secret": "INPUT_ORDERS_DB_PASSWORD""#),
        "{input}"
    );
    assert!(
        !input.contains("\"id\""),
        "server ids are left out: {input}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn odd_names_are_encoded_reversibly_and_stale_files_removed() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let odd = "web/clicks v2 ü.x";
    let mut mapping = client.get_mapping("orders").await.unwrap();
    mapping.name = odd.into();
    client.set_mapping(&mapping, odd).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    fetch(&client).await.write(dir.path()).unwrap();
    let file = dir
        .path()
        .join("event-types/web%2Fclicks%20v2%20%C3%BC.x.json");
    assert!(
        file.is_file(),
        "{:?}",
        tree(dir.path()).iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let loaded = Pipeline::load(dir.path()).unwrap();
    assert!(loaded.resources().any(|(id, _)| id.name == odd));
    // The event type is deleted: a new export removes its file, keeps others' files.
    std::fs::write(dir.path().join("README.md"), "ours\n").unwrap();
    client.delete_event_type(odd).await.unwrap();
    fetch(&client).await.write(dir.path()).unwrap();
    assert!(!file.exists());
    assert!(dir.path().join("README.md").is_file());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_files_are_refused_with_their_name() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = tempfile::tempdir().unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err();
    assert!(matches!(err, PipelineError::NotAPipeline { .. }), "{err}");
    fetch(&client).await.write(dir.path()).unwrap();

    let broken = dir.path().join("inputs/orders_db.json");
    let good = std::fs::read(&broken).unwrap();
    std::fs::write(&broken, b"{\"name\": \"orders_db\",\n  \"type\": }").unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("orders_db.json") && err.contains("line 2"),
        "{err}"
    );

    std::fs::write(&broken, br#"{"name": "other", "type": "POSTGRESQL"}"#).unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("must be \"orders_db\""), "{err}");
    std::fs::write(&broken, good).unwrap();

    std::fs::write(dir.path().join("inputs/notes.txt"), "x").unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("notes.txt") && err.contains("expected inputs/<name>.json"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("inputs/notes.txt")).unwrap();

    std::fs::write(dir.path().join("inputs/a b.json"), "{}").unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("a b.json") && err.contains("encoded"), "{err}");
    std::fs::remove_file(dir.path().join("inputs/a b.json")).unwrap();

    std::fs::write(
        dir.path().join("pipeline.json"),
        r#"{"format_version": 99}"#,
    )
    .unwrap();
    let err = Pipeline::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("format_version 99"), "{err}");
}
