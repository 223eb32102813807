//! Every example response from the API reference (copied into
//! `tests/fixtures/<area>/<operation>.json`) decodes into its model and
//! encodes back to exactly the same JSON.
//!
//! Each fixture is registered below with the model it decodes into; a
//! fixture file that is not registered fails the test, so none is skipped.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn fixtures_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn round_trip<T: DeserializeOwned + Serialize>(rel: &str) {
    let path = fixtures_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let original: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let typed: T =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, original, "{rel} did not round-trip");
}

/// Each fixture and the model it must round-trip through.
/// Area helpers add one line per fixture.
fn registry() -> Vec<(&'static str, fn(&str))> {
    use alooma_types::*;
    vec![("event_types/get_event_type.json", round_trip::<EventType>)]
}

#[test]
fn every_fixture_round_trips() {
    let registry = registry();
    for (rel, check) in &registry {
        check(rel);
    }
    let registered: BTreeSet<&str> = registry.iter().map(|(r, _)| *r).collect();
    let mut on_disk = BTreeSet::new();
    for area in std::fs::read_dir(fixtures_dir()).unwrap() {
        let area = area.unwrap();
        for f in std::fs::read_dir(area.path()).unwrap() {
            let f = f.unwrap();
            on_disk.insert(format!(
                "{}/{}",
                area.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            ));
        }
    }
    let unregistered: Vec<_> = on_disk
        .iter()
        .filter(|f| !registered.contains(f.as_str()))
        .collect();
    assert!(
        unregistered.is_empty(),
        "fixtures with no model registered: {unregistered:?}"
    );
}
