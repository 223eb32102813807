//! Round trips of the notifications examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

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
