//! Benchmark 8 (issue 29): the data path, from intake to committed rows.
//!
//! 1. **End to end**: 1 KB events as JSON lines, parsed and stamped at
//!    intake (`_metadata`), through the Code Engine (the default
//!    transform, real CPython, the default workers), the Mapper
//!    (`AUTO_MAP`) and the warehouse (a new SQLite file, or a PostgreSQL
//!    server this benchmark starts), in batches of 1000: the time until
//!    the last batch is committed. Against two floors measured in the same
//!    run, in alternating rounds (floor, path, floor …). The path runs as
//!    `DataPath::process_stream`: intake, the Code Engine and the Mapper
//!    with the warehouse overlap, a batch apart.
//!    - the Code Engine runner alone on the same events, same batches (as
//!      the path's Code Engine stage gets them: stamped at intake);
//!    - the same rows inserted straight into the same kind of database by
//!      one prepared statement, one transaction per batch.
//!
//!    The goal: end to end within 1.5× of the slower floor (the stages
//!    overlapping instead of adding up). One warm-up of each comes first,
//!    not counted.
//! 2. **`alooma pipeline run`** (the release binary) over retained events
//!    (an S3 retention folder of gzip JSON lines), 1,000,000 and 100,000
//!    of them: its throughput and the peak resident memory of its process
//!    (`VmHWM`; the Python workers are processes of their own). The goal:
//!    a peak that does not grow with the events (1 M within 10% of 100 k).
//!
//! `DATA_PATH_EVENTS` sets the events per round (default 20000),
//! `PIPELINE_RUN_EVENTS` the large run (default 1000000), `DATA_PATH_PARTS`
//! which parts run (default `sqlite,postgres,run`; `path` runs only the
//! SQLite end to end, with no floors, for a profiler).
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used, clippy::panic)]

use alooma_benches::timing::{load, median, verdict};
use alooma_engine::code_engine::{CodeEngine, Config, Modules, DEFAULT_TRANSFORM};
use alooma_engine::flow::DataPath;
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::convert::Cell;
use alooma_engine::mapper::model::MappingMode;
use alooma_engine::mapper::{Mapper, Outcome};
use alooma_engine::warehouse::Warehouse;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The allocator the `alooma` command runs the data path with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 5;
const BATCH: usize = 1000;
const GOAL: f64 = 1.5;
const MEMORY_GOAL: f64 = 1.10;

/// A realistic event of about 1 KB, with its own `@uuid`.
fn event(i: usize) -> Value {
    json!({
        "id": i,
        "order_id": format!("o-{i:08}"),
        "status": "paid",
        "amount": 129.95 + i as f64,
        "currency": "EUR",
        "created_at": "2019-03-02T08:15:44.210Z",
        "customer": {"id": format!("c-{}", i % 977), "email": "ann.example@example.com", "segment": "retail",
                     "address": {"street": "12 Long Street", "city": "Springfield", "zip": "12345", "country": "US"}},
        "items": [{"sku": "A-100", "qty": 2, "price": 19.5}, {"sku": "B-220", "qty": 1, "price": 90.95}],
        "tags": ["web", "promo", "spring"],
        "notes": "x".repeat(210),
        "comment": "y".repeat(210),
        "_metadata": {"@uuid": format!("{i:08x}-3c55-4b8d-a2f4-000000000000")},
    })
}

fn input() -> Input {
    Input {
        id: "bench-input".into(),
        label: "orders".into(),
        input_type: "REST_ENDPOINT".into(),
    }
}

/// The events as the intake reads them: one JSON text per batch.
fn bodies(events: &[Value]) -> Vec<Vec<u8>> {
    events
        .chunks(BATCH)
        .map(|chunk| serde_json::to_vec(chunk).expect("encode"))
        .collect()
}

/// End to end: intake (parse, stamp), Code Engine, Mapper, warehouse.
fn end_to_end(
    engine: &Arc<CodeEngine>,
    modules: &Modules,
    warehouse: Box<dyn Warehouse + Send>,
    bodies: &[Vec<u8>],
    count: usize,
) -> Duration {
    let mut path = DataPath::new(Mapper::new(MappingMode::AutoMap), warehouse);
    path.create_tables = true;
    path.code = Some((Arc::clone(engine), engine.deploy(modules).expect("deploy")));
    let input = input();
    let start = Instant::now();
    let mut loaded = 0;
    // Intake (parse, stamp) feeds the Code Engine, which feeds the Mapper
    // and the warehouse: the stages overlap, a batch apart.
    path.process_stream(
        |feed| {
            for body in bodies {
                let events: Vec<Value> = serde_json::from_slice(body).expect("JSON");
                let stamped: Vec<Value> = events
                    .into_iter()
                    .map(|e| stamp(e, &input, 1_700_000_000_000).expect("an object"))
                    .collect();
                if feed.send(stamped, ()).is_err() {
                    break;
                }
            }
            Ok::<(), ()>(())
        },
        |_, (), report| {
            loaded += report.loaded;
            Ok(())
        },
    )
    .expect("the stream");
    let took = start.elapsed();
    assert_eq!(loaded, count, "every event loads: {:?}", path.totals);
    took
}

/// Floor 1: the Code Engine runner alone, same events, same batches.
fn runner(engine: &CodeEngine, modules: &Modules, events: &[Value]) -> Duration {
    let deployment = engine.deploy(modules).expect("deploy");
    let start = Instant::now();
    for chunk in events.chunks(BATCH) {
        std::hint::black_box(engine.run(&deployment, chunk).expect("run"));
    }
    start.elapsed()
}

/// The rows the Mapper makes of the events (auto-mapped), for the insert
/// floors: the columns, then each row's cells.
fn mapped_rows(events: &[Value]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut mapper = Mapper::new(MappingMode::AutoMap);
    let input = input();
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for e in events {
        let stamped = stamp(e.clone(), &input, 1_700_000_000_000).expect("an object");
        let row = match mapper.map(&stamped) {
            Outcome::Load(row) => row,
            other => panic!("the bench event does not map: {other:?}"),
        };
        if columns.is_empty() {
            columns = row.columns.iter().map(|(c, _)| c.clone()).collect();
        }
        rows.push(row.columns.into_iter().map(|(_, cell)| cell).collect());
    }
    (columns, rows)
}

fn sqlite_type(cell: &Cell) -> &'static str {
    match cell {
        Cell::Int(_) | Cell::Bool(_) => "INTEGER",
        Cell::Float(_) => "REAL",
        _ => "TEXT",
    }
}

/// Floor 2 (SQLite): the rows inserted by one prepared statement, one
/// transaction per batch, into a new file.
fn sqlite_insert(dir: &Path, columns: &[String], rows: &[Vec<Cell>]) -> Duration {
    let file = dir.join("floor.sqlite");
    let _ = std::fs::remove_file(&file);
    let mut conn = rusqlite::Connection::open(&file).expect("open");
    let defs: Vec<String> = columns
        .iter()
        .zip(&rows[0])
        .map(|(c, cell)| format!("\"{c}\" {}", sqlite_type(cell)))
        .collect();
    conn.execute_batch(&format!("CREATE TABLE orders ({})", defs.join(", ")))
        .expect("create");
    let insert = format!(
        "INSERT INTO orders VALUES ({})",
        (1..=columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let start = Instant::now();
    for chunk in rows.chunks(BATCH) {
        let tx = conn.transaction().expect("begin");
        {
            let mut stmt = tx.prepare_cached(&insert).expect("prepare");
            for row in chunk {
                let values: Vec<rusqlite::types::Value> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Null => rusqlite::types::Value::Null,
                        Cell::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
                        Cell::Int(n) => rusqlite::types::Value::Integer(*n),
                        Cell::Float(x) => rusqlite::types::Value::Real(*x),
                        Cell::Text(t) => rusqlite::types::Value::Text(t.clone()),
                    })
                    .collect();
                stmt.execute(rusqlite::params_from_iter(values))
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    start.elapsed()
}

fn pg_type(cell: &Cell) -> &'static str {
    match cell {
        Cell::Int(_) => "bigint",
        Cell::Bool(_) => "boolean",
        Cell::Float(_) => "double precision",
        _ => "text",
    }
}

/// A clean `public` schema on the server.
fn pg_reset(url: &str) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    c.batch_execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        .expect("reset");
}

/// Floor 2 (PostgreSQL): the rows inserted by one prepared statement, one
/// transaction per batch.
fn pg_insert(url: &str, columns: &[String], rows: &[Vec<Cell>]) -> Duration {
    pg_reset(url);
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let defs: Vec<String> = columns
        .iter()
        .zip(&rows[0])
        .map(|(col, cell)| format!("\"{col}\" {}", pg_type(cell)))
        .collect();
    c.batch_execute(&format!("CREATE TABLE public.orders ({})", defs.join(", ")))
        .expect("create");
    let insert = format!(
        "INSERT INTO public.orders VALUES ({})",
        (1..=columns.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let start = Instant::now();
    for chunk in rows.chunks(BATCH) {
        let mut tx = c.transaction().expect("begin");
        let stmt = tx.prepare(&insert).expect("prepare");
        for row in chunk {
            let values: Vec<Box<dyn postgres::types::ToSql + Sync>> = row
                .iter()
                .map(|cell| -> Box<dyn postgres::types::ToSql + Sync> {
                    match cell {
                        Cell::Null => Box::new(Option::<String>::None),
                        Cell::Bool(b) => Box::new(*b),
                        Cell::Int(n) => Box::new(*n),
                        Cell::Float(x) => Box::new(*x),
                        Cell::Text(t) => Box::new(t.clone()),
                    }
                })
                .collect();
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                values.iter().map(|v| &**v).collect();
            tx.execute(&stmt, &refs).expect("insert");
        }
        tx.commit().expect("commit");
    }
    start.elapsed()
}

fn per_sec(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64()
}

/// One warehouse's comparison: end to end against both floors, in
/// alternating rounds; the printed RESULT line.
fn compare(
    name: &str,
    count: usize,
    mut path: impl FnMut() -> Duration,
    runner_floor: impl FnMut() -> Duration,
    insert_floor: impl FnMut() -> Duration,
) {
    let mut insert_floor = insert_floor;
    let mut runner_floor = runner_floor;
    let mut paths = Vec::new();
    let mut runners = Vec::new();
    let mut inserts = Vec::new();
    let mut ratios = Vec::new();
    // A warm-up of each, not counted: the Python workers started, the
    // files and caches as in any later round.
    let _ = (runner_floor(), insert_floor(), path());
    for round in 0..ROUNDS {
        let (p, r, i) = if round % 2 == 0 {
            let r = runner_floor();
            let i = insert_floor();
            (path(), r, i)
        } else {
            let p = path();
            (p, runner_floor(), insert_floor())
        };
        ratios.push(p.as_secs_f64() / r.max(i).as_secs_f64());
        paths.push(p);
        runners.push(r);
        inserts.push(i);
        println!(
            "{name} round {round}: end to end {:.0} events/s, runner {:.0} events/s, insert {:.0} rows/s, e2e / slower floor = {:.2}",
            per_sec(count, p),
            per_sec(count, r),
            per_sec(count, i),
            ratios[round]
        );
    }
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let ratio = sorted[sorted.len() / 2];
    let (p, r, i) = (median(&paths), median(&runners), median(&inserts));
    println!(
        "RESULT data path ({name}): end to end {:.0} events/s; floors: Code Engine runner {:.0} events/s, prepared insert {:.0} rows/s; end to end / slower floor = {ratio:.2} x (rounds {:.2}..{:.2}, {ROUNDS} alternating rounds of {count} events of 1 KB, load {:.2}); goal <= {GOAL}: {}",
        per_sec(count, p),
        per_sec(count, r),
        per_sec(count, i),
        sorted[0],
        sorted[sorted.len() - 1],
        load().unwrap_or(f64::NAN),
        verdict(ratio <= GOAL),
    );
}

/// A retention folder of `count` events: `raw/orders/<hour>/part-N.json.gz`.
fn retention(root: &Path, count: usize) -> PathBuf {
    let dir = root.join(format!("retention-{count}"));
    let hour = dir.join("raw/orders/2024-05-01-13");
    std::fs::create_dir_all(&hour).expect("mkdir");
    let per_file = 100_000;
    for (n, start) in (0..count).step_by(per_file).enumerate() {
        let file = std::fs::File::create(hour.join(format!("part-{n}.json.gz"))).expect("create");
        let mut gz = flate2::write::GzEncoder::new(
            std::io::BufWriter::new(file),
            flate2::Compression::fast(),
        );
        for i in start..(start + per_file).min(count) {
            serde_json::to_writer(&mut gz, &event(i)).expect("encode");
            gz.write_all(b"\n").expect("write");
        }
        gz.finish().expect("finish");
    }
    dir
}

/// A pipeline directory: `AUTO_MAP`, the default transform.
fn pipeline_dir(root: &Path) -> PathBuf {
    let dir = root.join("pipeline");
    std::fs::create_dir_all(dir.join("code-engine")).expect("mkdir");
    std::fs::create_dir_all(dir.join("event-types")).expect("mkdir");
    std::fs::write(dir.join("pipeline.json"), "{\"format_version\": 1}\n").expect("write");
    std::fs::write(dir.join("mapping-mode.json"), "\"AUTO_MAP\"\n").expect("write");
    std::fs::write(dir.join("code-engine/main.py"), DEFAULT_TRANSFORM).expect("write");
    dir
}

/// `alooma pipeline run` over `events` into a new SQLite file: its time and
/// the peak resident memory of its process, in KiB.
fn pipeline_run(alooma: &Path, pipeline: &Path, events: &Path, root: &Path) -> (Duration, u64) {
    let dwh = root.join("run.sqlite");
    for suffix in ["", ".public"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", dwh.display()));
    }
    let start = Instant::now();
    let mut child = std::process::Command::new(alooma)
        .args(["-o", "json", "pipeline", "run"])
        .arg(pipeline)
        .arg("--events")
        .arg(events)
        .arg("--warehouse")
        .arg(format!("sqlite:{}", dwh.display()))
        .arg("--queued")
        .arg(root.join("queued.jsonl"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start alooma");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Some(kb) = std::fs::read_to_string(&status).ok().and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        }) {
            peak = peak.max(kb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = start.elapsed();
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "pipeline run failed");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert!(report["loaded"].as_u64().is_some(), "no report: {report}");
    (took, peak)
}

fn main() {
    let python = std::env::var("ALOOMA_PYTHON").unwrap_or_else(|_| "python3".into());
    let count: usize = std::env::var("DATA_PATH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let big: usize = std::env::var("PIPELINE_RUN_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let parts = std::env::var("DATA_PATH_PARTS").unwrap_or_else(|_| "sqlite,postgres,run".into());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    let events: Vec<Value> = (0..count).map(event).collect();
    // The events as the path's Code Engine stage gets them: stamped at
    // intake (with the `_metadata` the path gives them).
    let stamped: Vec<Value> = events
        .iter()
        .map(|e| stamp(e.clone(), &input(), 1_700_000_000_000).expect("an object"))
        .collect();
    let bodies = bodies(&events);
    let modules = Modules::main(DEFAULT_TRANSFORM);
    let engine = Arc::new(CodeEngine::new(Config::default().python(&python)));
    let (columns, rows) = mapped_rows(&events);
    let dir = tempfile::tempdir().expect("tempdir");
    println!(
        "data path: {count} events of about 1 KB per round, batches of {BATCH}, {} Code Engine workers, {} columns, load {:.2}",
        engine.config().workers,
        columns.len(),
        load().unwrap_or(f64::NAN)
    );

    // SQLite: a new file every round.
    let round = std::cell::Cell::new(0);
    if part("path") {
        for round in 0..ROUNDS {
            let file = dir.path().join(format!("profile-{round}.sqlite"));
            let w = alooma_engine::warehouse::sqlite::Sqlite::open(&file).expect("sqlite");
            let took = end_to_end(&engine, &modules, Box::new(w), &bodies, count);
            println!(
                "end to end (SQLite) round {round}: {:.0} events/s",
                per_sec(count, took)
            );
        }
    }
    if part("sqlite") {
        compare(
            "SQLite",
            count,
            || {
                round.set(round.get() + 1);
                let file = dir.path().join(format!("path-{}.sqlite", round.get()));
                let w = alooma_engine::warehouse::sqlite::Sqlite::open(&file).expect("sqlite");
                end_to_end(&engine, &modules, Box::new(w), &bodies, count)
            },
            || runner(&engine, &modules, &stamped),
            || sqlite_insert(dir.path(), &columns, &rows),
        );
    }

    // PostgreSQL: a server of its own, the schema new every round.
    if part("postgres") {
        let server = alooma_tests::postgres::Server::start();
        let url = server.url();
        compare(
            "PostgreSQL",
            count,
            || {
                pg_reset(&url);
                let w =
                    alooma_engine::warehouse::postgres::Postgres::connect(&url).expect("postgres");
                end_to_end(&engine, &modules, Box::new(w), &bodies, count)
            },
            || runner(&engine, &modules, &stamped),
            || pg_insert(&url, &columns, &rows),
        );
        drop(server);
    }
    if !part("run") {
        return;
    }

    // `pipeline run` over retained events: memory against the count.
    let alooma = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/alooma");
    assert!(
        alooma.is_file(),
        "{} is missing: `cargo xtask bench` builds it first",
        alooma.display()
    );
    let pipeline = pipeline_dir(dir.path());
    let small = big / 10;
    let mut results = Vec::new();
    for n in [small, big] {
        let folder = retention(dir.path(), n);
        let (took, peak) = pipeline_run(&alooma, &pipeline, &folder, dir.path());
        println!(
            "pipeline run: {n} events in {:.1} s ({:.0} events/s), peak memory {:.1} MiB",
            took.as_secs_f64(),
            per_sec(n, took),
            peak as f64 / 1024.0
        );
        let _ = std::fs::remove_dir_all(&folder);
        results.push((n, took, peak));
    }
    let growth = results[1].2 as f64 / results[0].2 as f64;
    println!(
        "RESULT pipeline run: {} events in {:.1} s ({:.0} events/s), peak memory {:.1} MiB; {} events: peak {:.1} MiB; peak {big} / {small} = {growth:.2} x (load {:.2}); goal <= {MEMORY_GOAL}: {}",
        results[1].0,
        results[1].1.as_secs_f64(),
        per_sec(results[1].0, results[1].1),
        results[1].2 as f64 / 1024.0,
        results[0].0,
        results[0].2 as f64 / 1024.0,
        load().unwrap_or(f64::NAN),
        verdict(growth <= MEMORY_GOAL),
    );
}
