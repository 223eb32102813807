//! Benchmark 7: events per second through the Code Engine runner
//! (`alooma-engine`) with the default transform on 1 KB events, by batch
//! size and number of workers, and the latency of one test run, against a
//! floor measured in the same run: one Python process that reads the same
//! events as JSON lines, calls the same `transform`, and writes JSON lines,
//! with nothing else in the loop (its answers parsed into the same
//! `serde_json::Value`s the runner gives).
//!
//! Each figure is the median of alternating rounds (floor, runner, floor
//! …), with the rounds' range and the machine's load. Goal (issue 28):
//! within 1.5x of the floor at batch 1000 with one worker, and throughput
//! that grows with workers up to the cores.
//!
//! `CODE_ENGINE_EVENTS` sets the events per round (default 20000).
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used, clippy::panic)]

use alooma_benches::timing::{alternate, load, median, verdict};
use alooma_engine::code_engine::{CodeEngine, Config, Modules, Transformed, DEFAULT_TRANSFORM};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const GOAL: f64 = 1.5;

/// A realistic event of about 1 KB.
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
        "notes": "x".repeat(420),
        "_metadata": {"@uuid": "1f0e2a10-3c55-4b8d-a2f4-0000000000a1", "@timestamp": "2019-03-02T08:15:45.001Z",
                      "event_type": "orders", "input_label": "shop", "input_type": "rest", "restream_count": 0},
    })
}

const FLOOR: &str = r#"
import sys, json
def transform(event):
	return event
out = sys.stdout
for line in sys.stdin:
    out.write(json.dumps(transform(json.loads(line)), separators=(',', ':')) + '\n')
    out.flush()
"#;

/// The floor: `events` through one plain Python loop; the time from the
/// first line sent to the last answer parsed.
fn floor(python: &str, lines: &[u8], count: usize) -> Duration {
    let mut child = Command::new(python)
        .args(["-c", FLOOR])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start python3");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    // Warm: the interpreter is up before the clock starts.
    stdin.write_all(b"{}\n").expect("write");
    stdin.flush().expect("flush");
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).expect("warm answer");
    let start = Instant::now();
    let data = lines.to_vec();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&data).expect("write");
        drop(stdin);
    });
    for _ in 0..count {
        line.clear();
        reader.read_until(b'\n', &mut line).expect("answer");
        let v: Value = serde_json::from_slice(&line).expect("JSON");
        std::hint::black_box(v);
    }
    let took = start.elapsed();
    writer.join().expect("writer");
    let _ = child.wait();
    took
}

/// The runner: `events` in batches of `batch` on a deployed engine.
fn runner(engine: &CodeEngine, modules: &Modules, events: &[Value], batch: usize) -> Duration {
    let deployment = engine.deploy(modules).expect("deploy");
    let start = Instant::now();
    for chunk in events.chunks(batch) {
        let runs = engine.run(&deployment, chunk).expect("run");
        assert!(matches!(runs[0].result, Transformed::Event(_)));
        std::hint::black_box(runs);
    }
    start.elapsed()
}

fn per_sec(count: usize, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64()
}

fn main() {
    let python = std::env::var("ALOOMA_PYTHON").unwrap_or_else(|_| "python3".into());
    let count: usize = std::env::var("CODE_ENGINE_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let events: Vec<Value> = (0..count).map(event).collect();
    let size = serde_json::to_vec(&events[0]).expect("encode").len();
    let mut lines = Vec::with_capacity(count * (size + 1));
    let mut ends = Vec::with_capacity(count);
    for e in &events {
        serde_json::to_writer(&mut lines, e).expect("encode");
        lines.push(b'\n');
        ends.push(lines.len());
    }
    let modules = Modules::main(DEFAULT_TRANSFORM);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "code engine: {count} events of {size} bytes per round, {ROUNDS} alternating rounds, {cores} cores, load {:.2}",
        load().unwrap_or(f64::NAN)
    );
    let one = CodeEngine::new(Config::default().python(&python).workers(1));
    let mut at_1000 = None;
    for batch in [1, 100, 1000] {
        // Batch 1 pays a round trip per event: fewer events keep it short.
        let n = if batch == 1 { count / 10 } else { count };
        let rounds = alternate(
            ROUNDS,
            || runner(&one, &modules, &events[..n], batch),
            || floor(&python, &lines[..ends[n - 1]], n),
        );
        let (lo, hi) = rounds.spread();
        println!(
            "batch {batch:>4}, 1 worker: runner {:.0} events/s, floor {:.0} events/s, runner/floor time = {:.2} (rounds {lo:.2}..{hi:.2})",
            per_sec(n, rounds.a),
            per_sec(n, rounds.b),
            rounds.ratio()
        );
        if batch == 1000 {
            at_1000 = Some(rounds);
        }
    }
    let mut scaling = Vec::new();
    for workers in 1..=cores.min(8) {
        let engine = CodeEngine::new(
            Config::default()
                .python(&python)
                .workers(workers)
                .min_share(250),
        );
        // Warm every worker.
        let _ = runner(&engine, &modules, &events[..1000 * workers], 1000 * workers);
        let mut times = Vec::new();
        for _ in 0..ROUNDS {
            times.push(runner(&engine, &modules, &events, 1000 * workers));
        }
        let rate = per_sec(count, median(&times));
        println!(
            "batch {}, {workers} worker(s): {rate:.0} events/s",
            1000 * workers
        );
        scaling.push(rate);
    }
    // The latency of one test run (modules already loaded), against one
    // event's round trip through the floor's loop.
    let mut test_runs = Vec::new();
    for event in events.iter().take(200) {
        let start = Instant::now();
        let run = one.test_run(&modules, event.clone()).expect("test run");
        test_runs.push(start.elapsed());
        std::hint::black_box(run);
    }
    let test_run = median(&test_runs);
    println!(
        "test run latency: median {:.3} ms over 200 runs",
        test_run.as_secs_f64() * 1000.0
    );

    let rounds = at_1000.expect("batch 1000 measured");
    let (lo, hi) = rounds.spread();
    let ratio = rounds.ratio();
    let grows = scaling.windows(2).all(|w| w[1] > w[0] * 1.2);
    println!(
        "RESULT code engine: runner/floor = {ratio:.2} x at batch 1000 with 1 worker (rounds {lo:.2}..{hi:.2}, {ROUNDS} alternating rounds, {count} events of {size} bytes, load {:.2}); goal <= {GOAL}: {}; workers 1..{}: {} events/s ({}); test run latency {:.3} ms",
        load().unwrap_or(f64::NAN),
        verdict(ratio <= GOAL),
        scaling.len(),
        scaling.iter().map(|r| format!("{r:.0}")).collect::<Vec<_>>().join(" / "),
        if grows { "grows with workers: ok" } else { "does not grow with workers: MISSED" },
        test_run.as_secs_f64() * 1000.0,
    );
}
