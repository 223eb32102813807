//! Requests (insta snapshots) and decoders of the credits area.
//! Snapshots: `tests/snapshots/credits__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{credits::*, Error, Operation};
use alooma_types::TimePrecision;

const COMPANY: &str =
    include_str!("../../../alooma-types/tests/fixtures/company_credits/get_company_credits.json");
const MONTHLY: &str = include_str!(
    "../../../alooma-types/tests/fixtures/company_credits/get_company_credits_monthly.json"
);
const USED: &str =
    include_str!("../../../alooma-types/tests/fixtures/used_credits/get_used_credits.json");
const LOADED: &str = include_str!(
    "../../../alooma-types/tests/fixtures/loaded_events/get_loaded_events_per_table_summary.json"
);

#[test]
fn get_company_credits() {
    let op = GetCompanyCredits;
    let c = op.decode(answer(200, COMPANY)).unwrap();
    assert_eq!(c.total_credits_f64(), Some(170000.0));
    assert_eq!(c.used_credits_f64(), Some(11851.905976));
    let m = op.decode(answer(200, MONTHLY)).unwrap();
    assert_eq!(m.end_date.as_deref(), Some("2018-11-16"));
    assert!(m.total_credits.is_absent());
    for body in ["", "{\"company_name\":", "[]", "<html></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn get_used_credits() {
    assert_eq!(
        GetUsedCredits::new().build().unwrap().uri(),
        "/credits/used-credits"
    );
    assert_eq!(
        GetUsedCredits::new()
            .to_day("2018-10-28")
            .build()
            .unwrap()
            .uri(),
        "/credits/used-credits?to=2018-10-28"
    );
    let op = GetUsedCredits::new()
        .from_day("2018-10-24")
        .to_day("2018-10-28")
        .all_accounts(true);
    let used = op.decode(answer(200, USED)).unwrap();
    assert_eq!(used.len(), 5);
    assert_eq!(used[1].value_f64(), 10.4);
    for bad in ["2018-10-24T00:00:00", "24-10-2018", "2018-10-24&all=true"] {
        assert!(
            matches!(
                GetUsedCredits::new().from_day(bad).build(),
                Err(Error::Build { .. })
            ),
            "{bad}"
        );
        assert!(
            matches!(
                GetUsedCredits::new().to_day(bad).build(),
                Err(Error::Build { .. })
            ),
            "{bad}"
        );
    }
    for body in ["", "[{\"date\":", "{}", "<html></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn get_loaded_events_per_table_summary() {
    let op = GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00")
        .to("2018-12-13T07:25:18")
        .all(true);
    assert_eq!(
        GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00")
            .build()
            .unwrap()
            .uri(),
        "/events/loaded-events-per-table/summary?from=2018-12-13T00%3A00%3A00"
    );
    let rows = op.decode(answer(200, LOADED)).unwrap();
    assert_eq!(rows[0].count.get().map(|c| *c.get()), Some(25));
    assert_eq!(rows[1].precision.get(), Some(&TimePrecision::Second));
    for bad in [
        "",
        "2018-12-13",
        "2018-12-13 00:00:00",
        "2018-12-13T00:00:00Z",
    ] {
        assert!(
            matches!(
                GetLoadedEventsPerTableSummary::new(bad).build(),
                Err(Error::Build { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00")
            .to("now")
            .build(),
        Err(Error::Build { .. })
    ));
    for body in ["", "[{\"count\":", "{}", "<html></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn odd_values_are_kept() {
    assert_kept(&GetCompanyCredits, &["{\"used_credits\":\"many\"}"]);
    assert_kept(
        &GetUsedCredits::new(),
        &["[{\"date\":\"2018-10-24\",\"value\":\"lots\"}]"],
    );
    assert_kept(
        &GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00"),
        &["[{\"count\":-1}]"],
    );
}
