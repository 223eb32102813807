//! Round trips of the input examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers in common/ may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn inputs_fixtures_round_trip() {
    check_area(
        "inputs",
        &[
            ("get_inputs.json", round_trip::<Node>),
            ("get_input_by_name.json", round_trip::<InputDetails>),
        ],
    );
}
