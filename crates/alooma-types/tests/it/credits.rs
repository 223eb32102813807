//! Round trips of the credits examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn credits_fixtures_round_trip() {
    check_area(
        "credits",
        &[
            ("get_company_credits.json", round_trip::<CompanyCredits>),
            (
                "get_company_credits_monthly.json",
                round_trip::<CompanyCredits>,
            ),
            ("get_used_credits.json", round_trip::<Vec<UsedCredits>>),
            (
                "get_loaded_events_per_table_summary.json",
                round_trip::<Vec<LoadedEventsSummary>>,
            ),
        ],
    );
}
