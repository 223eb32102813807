//! Round trips of the event-types examples.

mod common;
use alooma_types::*;
use common::{check_area, round_trip};

#[test]
fn event_types_fixtures_round_trip() {
    check_area("event_types", &[("get_event_type.json", round_trip::<EventType>)]);
}
