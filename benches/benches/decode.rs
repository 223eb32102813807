//! Benchmark 3: typed decoding (the SDK's own path,
//! `alooma_core::Operation::decode`, which checks the status and names the
//! failing JSON path) of the structure, the event-type list and a large
//! mapping, in MB/s, against `serde_json::from_slice` into
//! `serde_json::Value` on the same bytes, in the same run. A third variant,
//! plain `serde_json::from_slice::<T>`, shows what the SDK's path costs or
//! saves (it checks the body's UTF-8 once, then `from_str`, and tracks the
//! JSON path only after a failure).
#![allow(missing_docs, clippy::print_stdout, clippy::expect_used)]

use alooma_benches::payload;
use alooma_benches::timing::{interleaved, time, verdict};
use alooma_core::event_types::{GetEventTypes, GetMapping};
use alooma_core::structure::GetStructure;
use alooma_core::Operation;
use bytes::Bytes;
use criterion::{criterion_group, Criterion, SamplingMode, Throughput};
use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::time::Duration;

struct Case {
    name: &'static str,
    body: Bytes,
    typed: fn(&Bytes) -> usize,
    plain: fn(&Bytes) -> usize,
    sonic: fn(&Bytes) -> Result<usize, String>,
    simd: fn(&Bytes) -> Result<usize, String>,
}

/// `sonic_rs::from_slice` into the same type.
fn sonic<T: DeserializeOwned>(body: &Bytes) -> Result<usize, String> {
    let v: T = sonic_rs::from_slice(body).map_err(|e| e.to_string())?;
    Ok(std::mem::size_of_val(&v))
}

/// `simd_json::serde::from_slice` into the same type (it parses in place:
/// the copy of the body is part of its cost).
fn simd<T: DeserializeOwned>(body: &Bytes) -> Result<usize, String> {
    let mut copy = body.to_vec();
    let v: T = simd_json::serde::from_slice(&mut copy).map_err(|e| e.to_string())?;
    Ok(std::mem::size_of_val(&v))
}

fn answer(body: &Bytes) -> http::Response<Bytes> {
    http::Response::new(body.clone())
}

fn value(body: &Bytes) -> usize {
    let v: serde_json::Value = serde_json::from_slice(body).expect("value");
    usize::from(!v.is_null())
}

fn plain<T: DeserializeOwned>(body: &Bytes) -> usize {
    let v: T = serde_json::from_slice(body).expect("plain");
    std::mem::size_of_val(&v)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "structure_2MB",
            body: Bytes::from(payload::structure(2_000_000)),
            typed: |b| {
                GetStructure
                    .decode(answer(b))
                    .expect("structure")
                    .nodes()
                    .len()
            },
            plain: plain::<alooma_types::Structure>,
            sonic: sonic::<alooma_types::Structure>,
            simd: simd::<alooma_types::Structure>,
        },
        Case {
            name: "event_types_200",
            body: Bytes::from(payload::event_types(200)),
            typed: |b| GetEventTypes.decode(answer(b)).expect("event types").len(),
            plain: plain::<Vec<alooma_types::EventType>>,
            sonic: sonic::<Vec<alooma_types::EventType>>,
            simd: simd::<Vec<alooma_types::EventType>>,
        },
        Case {
            name: "mapping_20k_leaves",
            body: Bytes::from(payload::mapping(400, 50)),
            typed: |b| {
                GetMapping::new("big_events")
                    .decode(answer(b))
                    .expect("mapping")
                    .fields()
                    .len()
            },
            plain: plain::<alooma_types::EventType>,
            sonic: sonic::<alooma_types::EventType>,
            simd: simd::<alooma_types::EventType>,
        },
    ]
}

/// What the SDK's models promise, checked with a parser: read → write
/// gives back what was read (unknown keys, null apart from absent, numbers
/// as text), and a misfit names its JSON path. `None` when every one holds.
fn properties_lost(parse: fn(&str) -> Result<alooma_types::EventType, String>) -> Option<String> {
    let json = r#"{"name":"e","colour":"blue","mapping":null,"fields":[{"fieldName":"a","fields":[],"mapping":{"columnName":"a","columnType":{"type":"VARCHAR","length":"1024","truncate":"false"}},"odd":[1,"2",null]}]}"#;
    let et = match parse(json) {
        Ok(et) => et,
        Err(e) => return Some(format!("the corpus document does not read: {e}")),
    };
    // The same keys and values in the same forms (key order aside: the
    // models write their known keys first).
    let back = serde_json::to_value(&et).unwrap_or_default();
    let read: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    if back != read {
        return Some(format!("read → write changed it: {back}"));
    }
    let bad = r#"{"name":"e","fields":[{"fieldName":7}]}"#;
    match parse(bad) {
        Ok(_) => Some("a misfit was accepted".into()),
        Err(e) if e.contains("fields[0].fieldName") => None,
        Err(e) => Some(format!("a misfit's error lacks its JSON path: {e}")),
    }
}

fn with_path_serde(json: &str) -> Result<alooma_types::EventType, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

fn with_path_sonic(json: &str) -> Result<alooma_types::EventType, String> {
    let mut de = sonic_rs::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

fn with_path_simd(json: &str) -> Result<alooma_types::EventType, String> {
    let mut copy = json.as_bytes().to_vec();
    let mut de = simd_json::Deserializer::from_slice(&mut copy).map_err(|e| e.to_string())?;
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

fn benches(c: &mut Criterion) {
    for case in cases() {
        let mut g = c.benchmark_group(format!("decode_{}", case.name));
        g.sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .throughput(Throughput::Bytes(case.body.len() as u64));
        g.bench_function("typed_sdk", |b| {
            b.iter(|| (case.typed)(black_box(&case.body)))
        });
        g.bench_function("typed_plain_serde", |b| {
            b.iter(|| (case.plain)(black_box(&case.body)))
        });
        g.bench_function("value_reference", |b| {
            b.iter(|| value(black_box(&case.body)))
        });
        g.finish();
    }
}

/// The time of one decode of `body` by `f`, from enough repetitions for
/// 5 MB of JSON a sample.
fn per_decode<R>(body: &Bytes, f: impl Fn(&Bytes) -> R) -> Duration {
    let reps = (5_000_000 / body.len()).clamp(1, 1_000);
    time(|| {
        for _ in 0..reps {
            black_box(f(black_box(body)));
        }
    }) / reps as u32
}

fn summary() {
    println!("\n== decode summary ({}) ==", alooma_benches::machine());
    for (name, parse) in [
        (
            "serde_json",
            with_path_serde as fn(&str) -> Result<alooma_types::EventType, String>,
        ),
        ("sonic-rs", with_path_sonic),
        ("simd-json", with_path_simd),
    ] {
        match properties_lost(parse) {
            None => println!("RESULT properties {name}: unknown keys, null vs absent, value forms and JSON-path errors all kept"),
            Some(lost) => println!("RESULT properties {name}: LOST: {lost}"),
        }
    }
    // Past serde_json: the same typed decode with SIMD parsers, in
    // alternating rounds (medians), against plain serde_json.
    for case in cases() {
        let run = |f: fn(&Bytes) -> usize| per_decode(&case.body, f);
        for (parser, f) in [("sonic-rs", case.sonic), ("simd-json", case.simd)] {
            if let Err(e) = f(&case.body) {
                let e: String = e.chars().take(120).collect();
                println!(
                    "RESULT simd {} {parser}: cannot decode the models: {e}",
                    case.name
                );
                continue;
            }
            let run_other = || per_decode(&case.body, f);
            let (serde_t, other_t) = interleaved(7, || run(case.plain), run_other);
            println!(
                "RESULT simd {} {parser}: {:.2}x serde_json's speed (medians of 7 alternating rounds; adopt at >= 1.3 on two of three)",
                case.name,
                serde_t.as_secs_f64() / other_t.as_secs_f64(),
            );
        }
    }
    for case in cases() {
        let mb = case.body.len() as f64 / 1e6;
        let run = |f: fn(&Bytes) -> usize| per_decode(&case.body, f);
        let (typed, value_t) = interleaved(5, || run(case.typed), || run(value));
        let (plain_t, _) = interleaved(3, || run(case.plain), || Duration::ZERO);
        let mbs = |d: Duration| mb / d.as_secs_f64();
        println!(
            "RESULT decode {}: {:.2} MB; typed (sdk) {:.0} MB/s, typed (plain serde) {:.0} MB/s, Value {:.0} MB/s; typed/Value speed = {:.2} (target > 1: {})",
            case.name,
            mb,
            mbs(typed),
            mbs(plain_t),
            mbs(value_t),
            value_t.as_secs_f64() / typed.as_secs_f64(),
            verdict(typed < value_t)
        );
    }
}

criterion_group! {
    name = group;
    config = Criterion::default().without_plots().nresamples(10_000);
    targets = benches
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();
    summary();
}
