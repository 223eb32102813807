//! Round trips of the Code Engine examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::{check_area, round_trip};
use std::collections::BTreeMap;

#[test]
fn code_engine_fixtures_round_trip() {
    check_area(
        "code_engine",
        &[
            // The facade's answer: module name → code.
            (
                "get_code_engine_code.json",
                round_trip::<BTreeMap<String, String>>,
            ),
            // One module's code: a JSON string.
            ("get_code_engine_module.json", round_trip::<String>),
        ],
    );
}
