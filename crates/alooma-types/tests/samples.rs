//! Round trips of the samples examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

mod common;
use alooma_types::*;
use common::{check_area, round_trip};

#[test]
fn samples_fixtures_round_trip() {
    check_area(
        "samples",
        &[("get_samples_status_codes.json", round_trip::<StatusCodes>)],
    );
}
