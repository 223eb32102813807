//! Fuzz target bodies, shared by the cargo-fuzz targets
//! (`crates/alooma-mapping/fuzz`) and the stable replay harness
//! (`tests/fuzz_replay.rs`), so both exercise exactly the same code.
//!
//! Each function takes arbitrary bytes and returns `Err` when an invariant
//! of this crate does not hold; the harnesses turn that into a failure.
//! They never panic on any input.

use crate::{diff, find_field, remove_stats, remove_stats_value, Batch, Edit, FieldPath};
use alooma_types::{ColumnType, EventType, Field};
use serde_json::Value;
use std::fmt;

/// An invariant that did not hold on some input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzFailure(pub String);

impl fmt::Display for FuzzFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FuzzFailure {}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), FuzzFailure> {
    if ok {
        Ok(())
    } else {
        Err(FuzzFailure(what()))
    }
}

/// The `field_path` target: parses the bytes (as lossy UTF-8) as a path and
/// checks that `Display` parses back to the same path; also builds a path
/// from the NUL-separated pieces as raw segments and checks the same.
///
/// ```
/// assert!(alooma_mapping::fuzzing::field_path(br"a\.b.c").is_ok());
/// assert!(alooma_mapping::fuzzing::field_path(b"\\x..").is_ok());
/// ```
pub fn field_path(data: &[u8]) -> Result<(), FuzzFailure> {
    let text = String::from_utf8_lossy(data);
    if let Ok(path) = FieldPath::parse(&text) {
        round_trip(&path)?;
        // Only canonical text parses, so showing the path gives it back.
        check(path.to_string() == text, || {
            format!("{text:?} parsed but displays as {path}")
        })?;
    }
    if let Ok(path) = FieldPath::from_segments(text.split('\0')) {
        round_trip(&path)?;
        let raw: Vec<&str> = text.split('\0').collect();
        check(path.segments() == raw.as_slice(), || {
            format!("segments of {text:?} changed")
        })?;
    }
    Ok(())
}

fn round_trip(path: &FieldPath) -> Result<(), FuzzFailure> {
    let shown = path.to_string();
    let back = FieldPath::parse(&shown);
    check(back.as_ref() == Ok(path), || {
        format!("{path:?} displays as {shown:?} which parses to {back:?}")
    })?;
    check(path.segments().iter().all(|s| !s.is_empty()), || {
        format!("{path:?} has an empty segment")
    })
}

/// A small deterministic generator seeded from the input (splitmix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The `mapping_edit` target: the first 8 bytes seed the choice of edits,
/// the rest is JSON. A JSON value gets `remove_stats_value`; an event type
/// is checked for an exact decode/encode round trip, then random edits
/// (on existing and missing paths) are applied one by one and as a
/// [`Batch`], which must agree; each successful edit is checked
/// (`map` then find returns that mapping, `discard` then find is discarded),
/// and `remove_stats` must leave no `stats` key.
///
/// ```
/// let doc = br#"12345678{"name":"e","fields":[{"fieldName":"a","mapping":null,"fields":[]}]}"#;
/// assert!(alooma_mapping::fuzzing::mapping_edit(doc).is_ok());
/// assert!(alooma_mapping::fuzzing::mapping_edit(b"garbage").is_ok());
/// ```
pub fn mapping_edit(data: &[u8]) -> Result<(), FuzzFailure> {
    let (seed_bytes, json) = data.split_at(data.len().min(8));
    let mut seed = [0u8; 8];
    seed[..seed_bytes.len()].copy_from_slice(seed_bytes);
    let mut rng = Rng(u64::from_le_bytes(seed));
    let text = String::from_utf8_lossy(json);

    if let Ok(mut value) = serde_json::from_str::<Value>(&text) {
        remove_stats_value(&mut value);
        check(!has_stats(&value), || {
            "remove_stats_value left a stats key".into()
        })?;
    }
    let derived = serde_json::from_str::<EventType>(&text);
    let fast = crate::decode::from_str(&text);
    check(derived.as_ref().ok() == fast.as_ref().ok(), || {
        format!("decode::from_str disagrees with serde: {fast:?} vs {derived:?}")
    })?;
    let lean = crate::decode::from_str_without_stats(&text);
    let stripped = derived.as_ref().ok().cloned().map(|mut et| {
        remove_stats(&mut et);
        et
    });
    check(lean.as_ref().ok() == stripped.as_ref(), || {
        format!("decode::from_str_without_stats disagrees: {lean:?} vs {stripped:?}")
    })?;
    let Ok(original) = derived else {
        return Ok(());
    };
    let encoded = serde_json::to_string(&original)
        .map_err(|e| FuzzFailure(format!("encoding a decoded event type failed: {e}")))?;
    let decoded: Result<EventType, _> = serde_json::from_str(&encoded);
    check(decoded.as_ref().ok() == Some(&original), || {
        format!("event type did not round-trip: {encoded}")
    })?;

    let edits = random_edits(&original, &mut rng);
    let mut one_by_one = original.clone();
    let mut failed = Vec::new();
    for (index, edit) in edits.iter().enumerate() {
        match edit.apply(&mut one_by_one) {
            Ok(()) => after_edit(&one_by_one, edit)?,
            Err(_) => failed.push(index),
        }
    }
    let batch: Batch = edits.into_iter().collect();
    let mut batched = original.clone();
    match batch.apply(&mut batched) {
        Ok(()) => {
            check(failed.is_empty(), || {
                format!("batch succeeded but edits {failed:?} fail one by one")
            })?;
            check(batched == one_by_one, || {
                "batch result differs from one-by-one".into()
            })?;
        }
        Err(e) => {
            let indices: Vec<usize> = e.failures.iter().map(|f| f.index).collect();
            check(indices == failed, || {
                format!("batch failures {indices:?} != one-by-one failures {failed:?}")
            })?;
            check(batched == original, || {
                "failed batch changed the mapping".into()
            })?;
        }
    }

    let _ = diff(&original, &one_by_one).to_string();
    check(diff(&one_by_one, &one_by_one).is_empty(), || {
        "diff of a mapping with itself is not empty".into()
    })?;
    remove_stats(&mut one_by_one);
    let value = serde_json::to_value(&one_by_one)
        .map_err(|e| FuzzFailure(format!("encoding an edited event type failed: {e}")))?;
    check(!has_stats(&value), || {
        "remove_stats left a stats key".into()
    })
}

/// Whether any object anywhere in `value` has a `stats` key.
pub fn has_stats(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("stats") || map.values().any(has_stats),
        Value::Array(items) => items.iter().any(has_stats),
        _ => false,
    }
}

fn after_edit(et: &EventType, edit: &Edit) -> Result<(), FuzzFailure> {
    match edit {
        Edit::Map {
            path,
            column_name,
            column_type,
        } => {
            let mapping = find_field(et, path).ok().and_then(|f| f.mapping.as_ref());
            check(
                mapping.is_some_and(|m| {
                    m.column_name.as_ref() == Some(column_name)
                        && m.column_type() == Some(column_type)
                        && !m.discarded()
                }),
                || format!("map {path} then find did not return the mapping"),
            )
        }
        Edit::Discard(path) => check(
            find_field(et, path)
                .ok()
                .and_then(|f| f.mapping.as_ref())
                .is_some_and(|m| m.discarded() && m.column_name.as_deref() == Some("")),
            || format!("discard {path} then find is not discarded"),
        ),
        Edit::Add(path) => check(find_field(et, path).is_ok(), || {
            format!("add {path} then find failed")
        }),
        Edit::Unmap(_) => Ok(()),
    }
}

fn collect_paths(parent: Option<&FieldPath>, fields: &[Field], out: &mut Vec<FieldPath>) {
    for field in fields {
        if out.len() >= 64 {
            return;
        }
        let path = match parent {
            None => FieldPath::from_segments([field.field_name.as_str()]),
            Some(p) => p.child(field.field_name.as_str()),
        };
        if let Ok(path) = path {
            out.push(path.clone());
            collect_paths(Some(&path), field.children(), out);
        }
    }
}

fn random_edits(et: &EventType, rng: &mut Rng) -> Vec<Edit> {
    let mut paths = Vec::new();
    collect_paths(None, et.fields(), &mut paths);
    let count = 1 + rng.below(12);
    (0..count)
        .filter_map(|_| {
            let path = match (paths.len(), rng.below(4)) {
                (0, _) | (_, 0) => {
                    let name = ["a", "b", "x.y", "new"][rng.below(4)];
                    match paths.get(rng.below(paths.len() + 1)) {
                        Some(p) if rng.below(2) == 0 => p.child(name).ok(),
                        _ => FieldPath::from_segments([name]).ok(),
                    }
                }
                (n, _) => paths.get(rng.below(n)).cloned(),
            }?;
            Some(match rng.below(4) {
                0 => Edit::Discard(path),
                1 => Edit::Unmap(path),
                2 => Edit::Add(path),
                _ => Edit::Map {
                    column_name: format!("c{}", rng.below(100)),
                    column_type: ColumnType::new("VARCHAR").with_length(rng.below(512) as u64),
                    path,
                },
            })
        })
        .collect()
}
