//! Round trips of the notifications examples.

mod common;
use alooma_types::*;
use common::{check_area, round_trip};

#[test]
fn notifications_fixtures_round_trip() {
    check_area(
        "notifications",
        &[("get_notifications.json", round_trip::<Notifications>)],
    );
}
