//! Round trips of the structure (node) examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers in common/ may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn structure_fixtures_round_trip() {
    check_area(
        "structure",
        &[
            ("get_redshift_node.json", round_trip::<Node>),
            ("get_snowflake_node.json", round_trip::<Node>),
        ],
    );
}
