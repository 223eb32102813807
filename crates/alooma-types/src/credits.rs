//! Credits and usage: [`CompanyCredits`] (`GET credits/company`),
//! [`UsedCredits`] (`GET credits/used-credits`) and
//! [`LoadedEventsSummary`] (`GET events/loaded-events-per-table/summary`).
//! Keys are snake_case on the wire.
//!
//! Amounts are kept as [`serde_json::Number`] so that `170000` stays an
//! integer and `3.0` a float when encoded again; the `*_f64` accessors give
//! plain floats.

use crate::{Extra, Lenient, Maybe};

crate::string_enum! {
    /// How precise `last` of a [`LoadedEventsSummary`] is: seconds for the
    /// last 2 hours, minutes for the last 4 days, hours for the last 31
    /// days, days before that.
    pub enum TimePrecision {
        /// To the second.
        Second => "SECOND",
        /// To the minute.
        Minute => "MINUTE",
        /// To the hour.
        Hour => "HOUR",
        /// To the day.
        Day => "DAY",
    }
}

/// The company's credits for the current period.
///
/// ```
/// use alooma_types::CompanyCredits;
/// let c: CompanyCredits = serde_json::from_str(r#"{"company_name":"example.com",
///     "payment_period":"Annually","start_date":"2018-09-14","subscription_type":"Prepaid",
///     "total_credits":170000,"used_credits":11851.905976}"#).unwrap();
/// assert_eq!(c.total_credits_f64(), Some(170000.0));
/// assert_eq!(serde_json::to_value(&c).unwrap()["total_credits"], 170000);
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct CompanyCredits {
    /// The company.
    pub company_name: Maybe<String>,
    /// `Annually`, `Monthly` …
    pub payment_period: Maybe<String>,
    /// First day of the period (`YYYY-MM-DD`).
    pub start_date: Maybe<String>,
    /// Last day of the period (monthly payment only).
    pub end_date: Maybe<String>,
    /// `Prepaid`, `On Demand` …
    pub subscription_type: Maybe<String>,
    /// Credits of the period (prepaid only).
    pub total_credits: Maybe<Lenient<f64>>,
    /// Credits used in the period.
    pub used_credits: Maybe<Lenient<f64>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl CompanyCredits {
    /// `total_credits` as a float.
    pub fn total_credits_f64(&self) -> Option<f64> {
        self.total_credits.get().map(|n| *n.get())
    }

    /// `used_credits` as a float.
    pub fn used_credits_f64(&self) -> Option<f64> {
        self.used_credits.get().map(|n| *n.get())
    }
}

/// Credits used on one day by one account (instance).
///
/// ```
/// use alooma_types::UsedCredits;
/// let u: UsedCredits = serde_json::from_str(
///     r#"{"date":"2018-10-25","instance_name":"example.com","value":10.4}"#).unwrap();
/// assert_eq!(u.value_f64(), 10.4);
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UsedCredits {
    /// The day (`YYYY-MM-DD`).
    pub date: Maybe<String>,
    /// The account.
    pub instance_name: Maybe<String>,
    /// Credits used.
    pub value: Maybe<Lenient<f64>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl UsedCredits {
    /// `value` as a float (`0.0` when absent or `null`).
    pub fn value_f64(&self) -> f64 {
        self.value.get().map_or(0.0, |v| *v.get())
    }
}

/// How many events were loaded into one table, and when the last one was.
///
/// ```
/// use alooma_types::{LoadedEventsSummary, TimePrecision};
/// let s: LoadedEventsSummary = serde_json::from_str(r#"{"count":25,"from_date":"2018-12-13T00:00:00",
///     "instance_name":"alooma","last":"2018-12-13T00:02:00","precision":"MINUTE",
///     "table_name":"SAMPLE1.USER_LOG","to_date":"2018-12-13T07:25:18"}"#).unwrap();
/// assert_eq!(s.count.get().map(|c| *c.get()), Some(25));
/// assert_eq!(s.precision.get(), Some(&TimePrecision::Minute));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct LoadedEventsSummary {
    /// The table (`SCHEMA.TABLE`).
    pub table_name: Maybe<String>,
    /// Events loaded in the period.
    pub count: Maybe<Lenient<u64>>,
    /// When the last event was loaded.
    pub last: Maybe<String>,
    /// How precise `last` is.
    pub precision: Maybe<TimePrecision>,
    /// The account.
    pub instance_name: Maybe<String>,
    /// Start of the period.
    pub from_date: Maybe<String>,
    /// End of the period.
    pub to_date: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}
