//! Round trips of the samples examples.

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
