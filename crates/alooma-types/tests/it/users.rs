//! Round trips of the users examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn users_fixtures_round_trip() {
    check_area("users", &[("get_users.json", round_trip::<Vec<User>>)]);
}
