//! Round trips of the scheduled-queries examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

mod common;
use alooma_types::*;
use common::{check_area, round_trip};

#[test]
fn queries_fixtures_round_trip() {
    check_area(
        "queries",
        &[("get_queries.json", round_trip::<ScheduledQueries>)],
    );
}
