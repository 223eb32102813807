//! insta snapshots (pretty JSON) of representative edited mappings.
//! Snapshots: `tests/snapshots/snapshots__<name>.snap`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use alooma_mapping::*;
use alooma_types::{ColumnType, EventType};

const NESTED: &str = include_str!("../data/nested_event_type.json");

fn nested() -> EventType {
    serde_json::from_str(NESTED).unwrap()
}

fn p(s: &str) -> FieldPath {
    s.parse().unwrap()
}

#[test]
fn discarded_nested_and_null_mapping() {
    let mut et = nested();
    discard_field(&mut et, &p("b.c")).unwrap();
    discard_field(&mut et, &p(r"b.d\.e")).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("snapshots__discarded_nested_and_null_mapping", et);
    });
}

#[test]
fn unmapped_nested() {
    let mut et = nested();
    unmap_field(&mut et, &p("b.payload.id")).unwrap();
    unmap_field(&mut et, &p("a")).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("snapshots__unmapped_nested", et);
    });
}

#[test]
fn mapped_new_nested_path_and_existing() {
    let mut et = nested();
    map_field(
        &mut et,
        &p("meta.source.ip"),
        "meta_source_ip",
        ColumnType::new("VARCHAR")
            .with_length(45)
            .with_non_null(true),
    )
    .unwrap();
    map_field(
        &mut et,
        &p("b.c"),
        "b_c_amount",
        ColumnType::new("NUMERIC")
            .with_attribute("precision", 12.into())
            .with_attribute("scale", 2.into()),
    )
    .unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("snapshots__mapped_new_nested_path_and_existing", et);
    });
}

#[test]
fn stats_removed() {
    let mut et = nested();
    remove_stats(&mut et);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("snapshots__stats_removed", et);
    });
}

#[test]
fn batch_review_diff() {
    let before = nested();
    let mut after = before.clone();
    let mut batch = Batch::new();
    batch
        .discard(p("a"))
        .unmap(p("b.payload"))
        .map(p(r"b.d\.e"), "d_e", ColumnType::new("BOOLEAN"))
        .add(p("b.extra"));
    batch.apply(&mut after).unwrap();
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("snapshots__batch_review_diff", diff(&before, &after).to_string());
    });
}
