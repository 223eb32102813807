//! Round trips of the event-types examples.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn event_types_fixtures_round_trip() {
    check_area(
        "event_types",
        &[("get_event_type.json", round_trip::<EventType>)],
    );
}
