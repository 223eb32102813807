//! Round trips of the deployment example.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers in common/ may panic

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn deployment_fixtures_round_trip() {
    check_area(
        "deployment",
        &[("get_deployment_info.json", round_trip::<DeploymentInfo>)],
    );
}
