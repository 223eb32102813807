//! `Pipeline::run` over awkward files: a first line that is not JSON, a
//! `null` `@uuid`, a `_metadata` that is not an object; re-runs load
//! nothing twice and nothing is lost.

use alooma_pipeline::run::{RunOptions, WarehouseUrl};
use alooma_pipeline::Pipeline;

#[test]
fn awkward_events_load_once_and_bad_lines_are_kept() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pipeline.json"), "{\"format_version\": 1}\n").unwrap();
    std::fs::write(dir.join("mapping-mode.json"), "\"AUTO_MAP\"\n").unwrap();
    let events = root.path().join("e.jsonl");
    std::fs::write(
        &events,
        "{not json\n{\"n\": 1, \"_metadata\": {\"@uuid\": null}}\n{\"n\": 2, \"_metadata\": \"weird\"}\n{\"n\": 3}\n",
    )
    .unwrap();
    let pipeline = Pipeline::load(&dir).unwrap();
    let options = RunOptions::new(WarehouseUrl::Sqlite(root.path().join("w.sqlite")));
    let run = || {
        let mut kept = Vec::new();
        let report = pipeline
            .run(
                std::slice::from_ref(&events),
                &options,
                &mut |n| {
                    kept.push(n);
                    Ok(())
                },
                &mut |_| {},
            )
            .unwrap();
        (report, kept)
    };
    let (first, kept) = run();
    assert_eq!(first.flow.loaded, 3, "{first:?}");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].event, "{not json");
    let (again, _) = run();
    assert_eq!(
        (again.flow.loaded, again.flow.already_loaded),
        (0, 3),
        "{again:?}"
    );
    // Debug never shows a PostgreSQL password.
    let url = WarehouseUrl::parse("postgres://u:s3cret@h:5432/db").unwrap();
    assert!(!format!("{url:?}").contains("s3cret"));
}
