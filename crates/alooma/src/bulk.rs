//! [`BulkReport`]: the outcome of an operation applied to many items
//! (`remove_all_inputs`, `delete_all_event_types`), listing every item that
//! succeeded and every item that failed with its error.

use crate::Error;

/// What a bulk operation did to each item.
///
/// Unlike the reference client, which stops at the first failure, the bulk
/// operations try every item and report each failure.
///
/// ```
/// use alooma::BulkReport;
/// let mut report = BulkReport::new();
/// report.succeeded.push("input-1".to_owned());
/// assert!(report.is_success());
/// assert_eq!(report.len(), 1);
/// assert!(report.into_result().is_ok());
/// ```
///
/// The call that returns a report succeeds even when items failed: the
/// failures are inside. Check [`is_success`](Self::is_success), or turn
/// the report into a `Result` with [`into_result`](Self::into_result) (the
/// report is a `std::error::Error`, so `?` works in a function returning
/// `Box<dyn Error>`).
#[derive(Debug, Default)]
#[non_exhaustive]
#[must_use = "a bulk call succeeds with failures inside: check is_success() or call into_result()"]
pub struct BulkReport {
    /// The items (ids or names) the operation succeeded on.
    pub succeeded: Vec<String>,
    /// The items it failed on, each with its error.
    pub failed: Vec<(String, Error)>,
}

impl BulkReport {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the outcome for one item.
    pub fn record(&mut self, item: impl Into<String>, outcome: Result<(), Error>) {
        match outcome {
            Ok(()) => self.succeeded.push(item.into()),
            Err(e) => self.failed.push((item.into(), e)),
        }
    }

    /// Whether no item failed (an empty report is a success).
    pub fn is_success(&self) -> bool {
        self.failed.is_empty()
    }

    /// How many items were tried.
    pub fn len(&self) -> usize {
        self.succeeded.len() + self.failed.len()
    }

    /// Whether no item was tried.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of the items that failed.
    pub fn failed_items(&self) -> impl Iterator<Item = &str> {
        self.failed.iter().map(|(item, _)| item.as_str())
    }

    /// `Ok` with the succeeded items when nothing failed, else the report
    /// itself as the error.
    pub fn into_result(self) -> Result<Vec<String>, BulkReport> {
        if self.failed.is_empty() {
            Ok(self.succeeded)
        } else {
            Err(self)
        }
    }
}

/// A report with failures is an error: its source is the first failure.
///
/// ```
/// let mut report = alooma::BulkReport::new();
/// report.record("i1", Err(alooma::Error::build("remove_input", "no")));
/// let err: Box<dyn std::error::Error> = Box::new(report.into_result().unwrap_err());
/// assert!(err.source().is_some());
/// ```
impl std::error::Error for BulkReport {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.failed
            .first()
            .map(|(_, e)| e as &(dyn std::error::Error + 'static))
    }
}

impl FromIterator<(String, Result<(), Error>)> for BulkReport {
    fn from_iter<I: IntoIterator<Item = (String, Result<(), Error>)>>(iter: I) -> Self {
        let mut report = BulkReport::new();
        for (item, outcome) in iter {
            report.record(item, outcome);
        }
        report
    }
}

impl std::fmt::Display for BulkReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} succeeded, {} failed",
            self.succeeded.len(),
            self.failed.len()
        )?;
        for (item, error) in &self.failed {
            write!(f, "\n  {item}: {error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_every_failure() {
        let report: BulkReport = vec![
            ("a".to_owned(), Ok(())),
            ("b".to_owned(), Err(Error::build("remove_input", "boom"))),
            ("c".to_owned(), Err(Error::build("remove_input", "bang"))),
        ]
        .into_iter()
        .collect();
        assert!(!report.is_success());
        assert_eq!(report.len(), 3);
        assert_eq!(report.failed_items().collect::<Vec<_>>(), ["b", "c"]);
        let text = report.to_string();
        assert!(text.starts_with("1 succeeded, 2 failed"), "{text}");
        assert!(text.contains("b: remove_input") && text.contains("bang"));
        assert!(report.into_result().is_err());
    }
}
