//! Round trips of the samples examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn samples_fixtures_round_trip() {
    check_area(
        "samples",
        &[("get_samples_status_codes.json", round_trip::<StatusCodes>)],
    );
}
