//! Round trips of the scheduled-queries examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn queries_fixtures_round_trip() {
    check_area(
        "queries",
        &[("get_queries.json", round_trip::<ScheduledQueries>)],
    );
}
