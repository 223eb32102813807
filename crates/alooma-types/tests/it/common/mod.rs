//! Shared round-trip check: every example response from the API reference
//! (copied into `tests/fixtures/<area>/<operation>.json`) decodes into its
//! model and encodes back to exactly the same JSON.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A fixture file (relative to its area's folder) and the check to run on it.
pub type Entry = (&'static str, fn(&Path));

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Decodes `path` into `T`, encodes it back, and asserts the JSON is unchanged.
pub fn round_trip<T: DeserializeOwned + Serialize>(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let original: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let typed: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, original, "{} did not round-trip", path.display());
}

/// Runs every entry of `area` and fails if a fixture file in
/// `tests/fixtures/<area>/` has no entry (so no example is skipped).
pub fn check_area(area: &str, entries: &[Entry]) {
    let dir = fixtures_dir().join(area);
    for (file, check) in entries {
        check(&dir.join(file));
    }
    let registered: BTreeSet<&str> = entries.iter().map(|(f, _)| *f).collect();
    let unregistered: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| !registered.contains(f.as_str()))
        .collect();
    assert!(
        unregistered.is_empty(),
        "fixtures in {area}/ with no model registered: {unregistered:?}"
    );
}
