//! `Pipeline::run` over awkward files: a first line that is not JSON, a
//! `null` `@uuid`, a `_metadata` that is not an object; re-runs load
//! nothing twice and nothing is lost.

use alooma_pipeline::run::{RunOptions, WarehouseUrl};
use alooma_pipeline::Pipeline;

/// A pipeline directory under `root` with nothing but `AUTO_MAP`.
fn auto_map_pipeline(root: &std::path::Path) -> std::path::PathBuf {
    let dir = root.join("p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pipeline.json"), "{\"format_version\": 1}\n").unwrap();
    std::fs::write(dir.join("mapping-mode.json"), "\"AUTO_MAP\"\n").unwrap();
    dir
}

#[test]
fn awkward_events_load_once_and_bad_lines_are_kept() {
    let root = tempfile::tempdir().unwrap();
    let dir = auto_map_pipeline(root.path());
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

#[test]
fn a_run_reports_its_progress_in_events_and_bytes_of_the_files() {
    use std::io::Write;
    let root = tempfile::tempdir().unwrap();
    let dir = auto_map_pipeline(root.path());
    // Two files, one of them gzip: 2500 events in all, with a bad line.
    let events = root.path().join("events");
    std::fs::create_dir_all(&events).unwrap();
    let plain: String = (0..1500).map(|i| format!("{{\"n\": {i}}}\n")).collect();
    std::fs::write(events.join("a.jsonl"), plain + "{oops\n").unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(events.join("b.jsonl.gz")).unwrap(),
        flate2::Compression::default(),
    );
    for i in 1500..2500 {
        writeln!(gz, "{{\"n\": {i}}}").unwrap();
    }
    gz.finish().unwrap();
    let total: u64 = ["a.jsonl", "b.jsonl.gz"]
        .iter()
        .map(|f| std::fs::metadata(events.join(f)).unwrap().len())
        .sum();

    let pipeline = Pipeline::load(&dir).unwrap();
    let mut options = RunOptions::new(WarehouseUrl::SqliteMemory);
    options.batch_size = 400;
    let mut seen = Vec::new();
    let report = pipeline
        .run(
            std::slice::from_ref(&events),
            &options,
            &mut |_| Ok(()),
            &mut |p| seen.push(p),
        )
        .unwrap();
    assert_eq!(report.events_read, 2501);
    assert!(seen.len() >= 7, "a report a batch: {seen:?}");
    assert!(seen.iter().all(|p| p.bytes_total == total));
    assert!(
        seen.windows(2)
            .all(|w| w[0].events_read <= w[1].events_read && w[0].bytes_read <= w[1].bytes_read),
        "{seen:?}"
    );
    let last = seen.last().unwrap();
    assert_eq!((last.events_read, last.bytes_read), (2501, total));
}

#[test]
fn a_file_that_cannot_be_read_fails_the_run_after_what_was_read_before_it() {
    let root = tempfile::tempdir().unwrap();
    let dir = auto_map_pipeline(root.path());
    let good = root.path().join("a.jsonl");
    std::fs::write(&good, "{\"n\": 1}\n{oops\n{\"n\": 2}\n").unwrap();
    // A file that says gzip and is not: reading it fails.
    let broken = root.path().join("b.jsonl.gz");
    std::fs::write(&broken, "not gzip at all\n").unwrap();

    let pipeline = Pipeline::load(&dir).unwrap();
    let w = root.path().join("w.sqlite");
    let options = RunOptions::new(WarehouseUrl::Sqlite(w.clone()));
    let mut kept = Vec::new();
    let outcome = pipeline.run(
        &[good, broken],
        &options,
        &mut |n| {
            kept.push(n);
            Ok(())
        },
        &mut |_| {},
    );
    assert!(outcome.is_err(), "{outcome:?}");
    // The bad line read before the failure is handed over, and the events
    // read before it are loaded (a re-run loads them once: stable ids).
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].event, "{oops");
    let sqlite = alooma_engine::warehouse::sqlite::Sqlite::open(&w).unwrap();
    assert_eq!(
        sqlite
            .query_json("SELECT n FROM public.a ORDER BY n")
            .unwrap(),
        serde_json::json!([{"n": 1}, {"n": 2}])
    );
}
