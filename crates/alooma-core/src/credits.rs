//! Credits and usage: `get_company_credits`, `get_used_credits`,
//! `get_loaded_events_per_table_summary`.
//!
//! Dates (`YYYY-MM-DD`) and timestamps (`YYYY-MM-DDTHH:MM:SS`) are checked
//! client-side, so a typo is an [`Error::Build`](crate::Error::Build) instead of a confusing
//! server answer.

use alooma_types::{CompanyCredits, LoadedEventsSummary, UsedCredits};

crate::declare::operations! {
    area: credits;

    /// The company's credits for the current period.
    ///
    /// ```
    /// use alooma_core::{Operation, credits::GetCompanyCredits};
    /// assert_eq!(GetCompanyCredits.build().unwrap().uri(), "/credits/company");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetCompanyCredits;
    op get_company_credits: GET "credits/company";
    retry: Idempotent;
    output: CompanyCredits = json;
    example: GetCompanyCredits;

    /// The credits used per day.
    impl op get_used_credits for GetUsedCredits: GET "credits/used-credits";
    retry: Idempotent;
    query: "from" = {from_day?}, "to" = {to_day?}, "all" = "True" if {all_accounts};
    check: (|op| check_days(op));
    output: Vec<UsedCredits> = json;
    example: GetUsedCredits::new().from_day("2018-10-24").to_day("2018-10-28").all_accounts(true);

    /// How many events were loaded into each table in a period.
    impl op get_loaded_events_per_table_summary for GetLoadedEventsPerTableSummary:
        GET "events/loaded-events-per-table/summary";
    retry: Idempotent;
    query: "from" = {from}, "to" = {to?}, "all" = "True" if {all};
    check: (|op| check_timestamps(op));
    output: Vec<LoadedEventsSummary> = json;
    example: GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00")
        .to("2018-12-13T07:25:18")
        .all(true);
}

/// The days of a used-credits request, checked.
fn check_days(op: &GetUsedCredits) -> Result<(), String> {
    for (what, day) in [("from_day", &op.from_day), ("to_day", &op.to_day)] {
        if let Some(d) = day.as_deref().filter(|d| !is_day(d)) {
            return Err(format!("{what} `{d}` is not a date in the form YYYY-MM-DD"));
        }
    }
    Ok(())
}

/// The timestamps of a loaded-events request, checked.
fn check_timestamps(op: &GetLoadedEventsPerTableSummary) -> Result<(), String> {
    for (what, ts) in [("from", Some(&op.from)), ("to", op.to.as_ref())] {
        if let Some(t) = ts.filter(|t| !is_timestamp(t)) {
            return Err(format!(
                "{what} `{t}` is not a timestamp in the form YYYY-MM-DDTHH:MM:SS"
            ));
        }
    }
    Ok(())
}

/// Whether `s` is a calendar date `YYYY-MM-DD` that exists (`2024-02-29`
/// does, `2023-02-29` and `2024-04-31` do not).
fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Whether `s` is `YYYY-MM-DDTHH:MM:SS`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || !is_day(&s[..10]) {
        return false;
    }
    let two = |i: usize, max: u32| {
        b[i..i + 2].iter().all(u8::is_ascii_digit)
            && s[i..i + 2].parse::<u32>().is_ok_and(|v| v <= max)
    };
    two(11, 23) && two(14, 59) && two(17, 59)
}

/// `GET credits/used-credits?from=YYYY-MM-DD&to=YYYY-MM-DD&all=True`: the
/// credits used per day; each parameter only when given.
///
/// ```
/// use alooma_core::{Operation, credits::GetUsedCredits};
/// assert_eq!(GetUsedCredits::new().build().unwrap().uri(), "/credits/used-credits");
/// let op = GetUsedCredits::new().from_day("2018-10-24").to_day("2018-10-28").all_accounts(true);
/// assert_eq!(op.build().unwrap().uri(),
///            "/credits/used-credits?from=2018-10-24&to=2018-10-28&all=True");
/// assert!(GetUsedCredits::new().from_day("24/10/2018").build().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct GetUsedCredits {
    /// First day (`YYYY-MM-DD`); `None`: from the first kept day.
    pub from_day: Option<String>,
    /// Last day (`YYYY-MM-DD`); `None`: until today.
    pub to_day: Option<String>,
    /// Every account of the company, not just this one: sent as
    /// `all=True`, the text the reference client (Python's `str(True)`)
    /// sent; nothing is sent when false, as in the reference.
    pub all_accounts: bool,
}

impl GetUsedCredits {
    /// Every kept day, this account only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the first day (`YYYY-MM-DD`).
    pub fn from_day(mut self, day: impl Into<String>) -> Self {
        self.from_day = Some(day.into());
        self
    }

    /// Sets the last day (`YYYY-MM-DD`).
    pub fn to_day(mut self, day: impl Into<String>) -> Self {
        self.to_day = Some(day.into());
        self
    }

    /// Sets whether every account of the company is included.
    pub fn all_accounts(mut self, all: bool) -> Self {
        self.all_accounts = all;
        self
    }
}


/// `GET events/loaded-events-per-table/summary?from=…&to=…&all=True`: how
/// many events were loaded into each table in a period, and when the last
/// one was. `from` is required; timestamps are `YYYY-MM-DDTHH:MM:SS`.
///
/// ```
/// use alooma_core::{Operation, credits::GetLoadedEventsPerTableSummary};
/// let op = GetLoadedEventsPerTableSummary::new("2018-12-13T00:00:00").all(true);
/// assert_eq!(op.build().unwrap().uri(),
///     "/events/loaded-events-per-table/summary?from=2018-12-13T00%3A00%3A00&all=True");
/// assert!(GetLoadedEventsPerTableSummary::new("2018-12-13").build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetLoadedEventsPerTableSummary {
    /// Start of the period (`YYYY-MM-DDTHH:MM:SS`).
    pub from: String,
    /// End of the period; `None`: now.
    pub to: Option<String>,
    /// Every account of the company, not just this one (`all=True`, as the
    /// reference sent it; nothing when false).
    #[serde(default)]
    pub all: bool,
}

impl GetLoadedEventsPerTableSummary {
    /// From `from` until now, this account only.
    pub fn new(from: impl Into<String>) -> Self {
        GetLoadedEventsPerTableSummary {
            from: from.into(),
            to: None,
            all: false,
        }
    }

    /// Sets the end of the period (`YYYY-MM-DDTHH:MM:SS`).
    pub fn to(mut self, to: impl Into<String>) -> Self {
        self.to = Some(to.into());
        self
    }

    /// Sets whether every account of the company is included.
    pub fn all(mut self, all: bool) -> Self {
        self.all = all;
        self
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        for good in ["2018-10-24", "2024-02-29", "2000-02-29", "2023-12-31"] {
            assert!(is_day(good), "{good}");
        }
        for bad in [
            "2018-13-01",
            "2018-00-10",
            "2018-1-01",
            "18-10-24",
            "2018/10/24",
            "2018-10-32",
            "2024-02-31",
            "2023-02-29",
            "2100-02-29",
            "2024-04-31",
            "2024-00-10",
            "",
        ] {
            assert!(!is_day(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2018-12-13T07:25:18"));
        for bad in [
            "2018-12-13",
            "2018-12-13 07:25:18",
            "2018-12-13T24:00:00",
            "2018-12-13T07:60:00",
            "2018-12-13T07:25:18Z",
            "2018-12-13T07:25",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
