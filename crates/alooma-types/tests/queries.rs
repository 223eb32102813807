//! Round trips of the scheduled-queries examples.

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
