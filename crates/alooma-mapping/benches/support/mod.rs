//! The benchmark document and the benchmark job, shared by
//! `benches/mapping.rs` and `examples/mapping_peak_mem.rs`.
//!
//! The document: one event type with 2,000 object fields of 50 leaf fields
//! each (100,000 leaves), realistic mappings and `stats` everywhere, about
//! 18 MB of JSON. It is written straight into a string (no JSON tree), so
//! generating it does not inflate peak-memory measurements.

use alooma_mapping::{remove_stats, Batch, FieldPath};
use alooma_types::EventType;
use std::fmt::Write;

/// Number of object fields.
pub const OBJECTS: usize = 2_000;
/// Leaves per object.
pub const LEAVES: usize = 50;

const TYPES: [&str; 5] = [
    r#"{"type":"VARCHAR","length":256,"nonNull":false,"truncate":false}"#,
    r#"{"type":"BIGINT","nonNull":false}"#,
    r#"{"type":"FLOAT","nonNull":false}"#,
    r#"{"type":"TIMESTAMP","nonNull":false}"#,
    r#"{"type":"BOOLEAN","nonNull":true}"#,
];

/// Generates the document.
pub fn document() -> String {
    let mut s = String::with_capacity(19 << 20);
    s.push_str(r#"{"name":"big_events","mapping":{"isDiscarded":false,"tableName":"big_events","schema":"public","readOnly":false},"mappingMode":"STRICT","state":"MAPPED","stats":{"count":987654321,"lastSeen":"2017-05-01T10:00:00.000Z"},"origInputLabel":"big","fields":["#);
    for o in 0..OBJECTS {
        if o > 0 {
            s.push(',');
        }
        let _ = write!(s, r#"{{"fieldName":"obj_{o:04}","fields":["#);
        for l in 0..LEAVES {
            if l > 0 {
                s.push(',');
            }
            let n = o * LEAVES + l;
            let _ = write!(
                s,
                r#"{{"fieldName":"f_{l:02}","fields":[],"mapping":{{"columnName":"obj_{o:04}_f_{l:02}","columnType":{},"isDiscarded":false}},"stats":{{"count":{},"nullCount":{}}}}}"#,
                TYPES[n % TYPES.len()],
                100_000 + n * 7,
                n % 97,
            );
        }
        let _ = write!(
            s,
            r#"],"mapping":null,"fieldType":"OBJECT","stats":{{"count":{},"firstSeen":"2017-01-01T00:00:00.000Z"}}}}"#,
            1_000_000 + o
        );
    }
    s.push_str("]}");
    s
}

fn path(o: usize, l: usize) -> FieldPath {
    FieldPath::from_segments([format!("obj_{o:04}"), format!("f_{l:02}")])
        .unwrap_or_else(|e| unreachable!("generated paths are valid: {e}"))
}

/// The edits of the job: discard 2,000 paths, then unmap 1,000 others.
pub fn batch() -> Batch {
    let mut batch = Batch::new();
    for o in 0..OBJECTS {
        batch.discard(path(o, o % LEAVES));
    }
    for i in 0..1_000 {
        batch.unmap(path(2 * i, (2 * i + 7) % LEAVES));
    }
    batch
}

/// Which decoder a job uses.
#[derive(Clone, Copy, Debug)]
pub enum Decoder {
    /// `serde_json::from_str::<EventType>` (serde's derive).
    Serde,
    /// `alooma_mapping::decode::from_str`.
    Streaming,
    /// `alooma_mapping::decode::from_str_without_stats` (remove_stats fused
    /// into parsing; the explicit remove_stats then finds nothing).
    StreamingWithoutStats,
}

/// The whole job: parse, discard 2,000 paths and unmap 1,000 (one batch),
/// remove every `stats` key, serialize.
pub fn job(
    doc: &str,
    batch: &Batch,
    decoder: Decoder,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut et: EventType = match decoder {
        Decoder::Serde => serde_json::from_str(doc)?,
        Decoder::Streaming => alooma_mapping::decode::from_str(doc)?,
        Decoder::StreamingWithoutStats => alooma_mapping::decode::from_str_without_stats(doc)?,
    };
    batch.apply(&mut et)?;
    remove_stats(&mut et);
    Ok(serde_json::to_string(&et)?)
}

/// The floor: parse into `serde_json::Value` and serialize it back.
pub fn floor(doc: &str) -> Result<String, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_str(doc)?;
    serde_json::to_string(&v)
}
