//! Round trips of the notifications examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn notifications_fixtures_round_trip() {
    check_area(
        "notifications",
        &[("get_notifications.json", round_trip::<Notifications>)],
    );
}
