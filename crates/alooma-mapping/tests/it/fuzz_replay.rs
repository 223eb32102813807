//! Stable-Rust stand-in for the cargo-fuzz targets: feeds pseudo-random byte
//! strings (and, when present, the files of `fuzz/corpus/<target>` and
//! `fuzz/artifacts/<target>`) through the same target functions,
//! `alooma_mapping::fuzzing::{field_path, mapping_edit}`.
//!
//! `cargo xtask fuzz` runs it when no nightly toolchain is available:
//! `FUZZ_TARGET=field_path|mapping_edit FUZZ_SECONDS=60 cargo test -p
//! alooma-mapping --release --test fuzz_replay -- --nocapture`. Without
//! `FUZZ_SECONDS` it runs a small fixed number of cases (well under 2 s), so
//! plain `cargo test` runs it too. Without `FUZZ_TARGET` both targets run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use alooma_mapping::fuzzing::{self, FuzzFailure};
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, seeded per case so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn random_bytes(rng: &mut Rng, alphabet: Option<&[u8]>) -> Vec<u8> {
    let len = rng.below(48);
    (0..len)
        .map(|_| match alphabet {
            Some(a) => a[rng.below(a.len())],
            None => rng.next() as u8,
        })
        .collect()
}

fn path_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(3) {
        0 => random_bytes(rng, None),
        1 => random_bytes(rng, Some(b"ab.\\\0")),
        _ => random_bytes(rng, Some("a.\\\0é\u{1F600}".as_bytes())),
    }
}

fn json_field(rng: &mut Rng, depth: usize, out: &mut String) {
    let name = rng.pick(&["a", "b", "c", "d.e", "x\\\\y", "", "stats", "fieldName"]);
    out.push_str(&format!("{{\"fieldName\":\"{name}\",\"fields\":["));
    let children = if depth < 3 { rng.below(4) } else { 0 };
    for i in 0..children {
        if i > 0 {
            out.push(',');
        }
        json_field(rng, depth + 1, out);
    }
    out.push_str("],\"mapping\":");
    out.push_str(rng.pick(&[
        "null",
        r#"{"columnName":"c","columnType":{"type":"VARCHAR","length":256,"nonNull":false,"truncate":false},"isDiscarded":false}"#,
        r#"{"columnName":"","columnType":null,"isDiscarded":true,"machineGenerated":true}"#,
        r#"{"columnName":"n","columnType":{"type":"NUMERIC","nonNull":true,"precision":12,"stats":{}},"isDiscarded":false,"subFields":null,"stats":1}"#,
        r#"{}"#,
    ]));
    out.push_str(rng.pick(&[
        "",
        r#","stats":{"count":12,"types":{"string":12}}"#,
        r#","fieldType":"OBJECT""#,
        r#","stats":null,"x":[{"stats":2}]"#,
    ]));
    out.push('}');
}

fn mapping_input(rng: &mut Rng) -> Vec<u8> {
    let mut out: Vec<u8> = rng.next().to_le_bytes().to_vec();
    if rng.below(5) == 0 {
        out.extend(random_bytes(rng, None));
        return out;
    }
    let mut doc = String::from(
        r#"{"name":"e","mappingMode":"STRICT","mapping":{"isDiscarded":false,"tableName":"t","readOnly":false},"fields":["#,
    );
    for i in 0..rng.below(5) {
        if i > 0 {
            doc.push(',');
        }
        json_field(rng, 0, &mut doc);
    }
    doc.push_str(rng.pick(&[r#"],"stats":{"n":1}}"#, "]}", r#"],"state":"MAPPED"}"#]));
    let mut bytes = doc.into_bytes();
    // Sometimes mutate a byte or two, as a fuzzer would.
    for _ in 0..rng.below(3).saturating_sub(1) {
        if !bytes.is_empty() {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] = rng.next() as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"{}[]\",:"[rng.below(7)]),
            }
        }
    }
    out.extend(bytes);
    out
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = Vec::new();
    for dir in [
        root.join("corpus").join(target),
        root.join("artifacts").join(target),
    ] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    inputs.push(bytes);
                }
            }
        }
    }
    inputs
}

fn selected(target: &str) -> bool {
    match std::env::var("FUZZ_TARGET") {
        Ok(t) if t.is_empty() => true,
        Ok(t) => {
            assert!(
                t == "field_path" || t == "mapping_edit",
                "unknown FUZZ_TARGET {t:?} (expected field_path or mapping_edit)"
            );
            t == target
        }
        Err(_) => true,
    }
}

fn run(
    target: &str,
    default_cases: u64,
    generate: fn(&mut Rng) -> Vec<u8>,
    check: fn(&[u8]) -> Result<(), FuzzFailure>,
) {
    if !selected(target) {
        return;
    }
    let budget = std::env::var("FUZZ_SECONDS")
        .ok()
        .map(|s| {
            s.parse::<u64>()
                .expect("FUZZ_SECONDS must be a whole number")
        })
        .map(Duration::from_secs);
    let replayed = corpus(target);
    for input in &replayed {
        if let Err(e) = check(input) {
            panic!("{target}: corpus input {input:?} failed: {e}");
        }
    }
    let start = Instant::now();
    let mut case = 0u64;
    loop {
        match budget {
            Some(b) if start.elapsed() >= b => break,
            None if case >= default_cases => break,
            _ => {}
        }
        let mut rng = Rng::new(case);
        let input = generate(&mut rng);
        if let Err(e) = check(&input) {
            panic!(
                "{target}: case {case} failed: {e}\ninput: {:?}",
                String::from_utf8_lossy(&input)
            );
        }
        case += 1;
    }
    println!(
        "{target}: {} corpus inputs and {case} generated cases in {:.2?}, no failure",
        replayed.len(),
        start.elapsed()
    );
    assert!(case > 0, "{target}: no case ran");
}

#[test]
fn field_path() {
    run("field_path", 20_000, path_input, fuzzing::field_path);
}

#[test]
fn mapping_edit() {
    run("mapping_edit", 500, mapping_input, fuzzing::mapping_edit);
}

/// The generator must produce decodable event types often enough for
/// `mapping_edit` to reach the edit code, not only the JSON parser.
#[test]
fn generated_mappings_mostly_decode() {
    let decoded = (0..200)
        .filter(|&case| {
            let input = mapping_input(&mut Rng::new(case));
            serde_json::from_slice::<alooma_types::EventType>(&input[8..]).is_ok()
        })
        .count();
    assert!(
        decoded > 100,
        "only {decoded} of 200 generated mappings decode"
    );
}
