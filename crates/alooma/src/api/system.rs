//! Client methods of the `system` area: `clean_system`, which runs
//! [`CLEAN_SYSTEM_STEPS`] in order and reports every step.

use crate::{BulkReport, Error};
use alooma_core::system::CleanSystemStep;
use std::fmt;

/// How one step of `clean_system` ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum StepOutcome {
    /// The step succeeded.
    Done,
    /// A bulk step (`remove_all_inputs`, `delete_all_event_types`) ran on
    /// every item; the report lists each success and each failure.
    Bulk(BulkReport),
    /// The step failed.
    Failed(Error),
}

impl StepOutcome {
    /// Whether the step fully succeeded (a bulk step: no item failed).
    ///
    /// ```
    /// use alooma::{BulkReport, StepOutcome};
    /// assert!(StepOutcome::Done.is_success());
    /// assert!(StepOutcome::Bulk(BulkReport::new()).is_success());
    /// assert!(!StepOutcome::Failed(alooma::Error::build("x", "y")).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        match self {
            StepOutcome::Done => true,
            StepOutcome::Bulk(report) => report.is_success(),
            StepOutcome::Failed(_) => false,
        }
    }
}

impl fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepOutcome::Done => f.write_str("done"),
            StepOutcome::Bulk(report) => write!(f, "{report}"),
            StepOutcome::Failed(e) => write!(f, "failed: {e}"),
        }
    }
}

/// What `clean_system` did: every step, in order, with its outcome. A
/// failed step does not stop the ones after it.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct CleanSystemReport {
    /// Each step that ran, in order, with its outcome.
    pub steps: Vec<(CleanSystemStep, StepOutcome)>,
}

impl CleanSystemReport {
    /// Whether every step fully succeeded.
    ///
    /// ```
    /// use alooma::{CleanSystemReport, StepOutcome};
    /// use alooma::core::system::CleanSystemStep;
    /// let mut report = CleanSystemReport::default();
    /// report.steps.push((CleanSystemStep::PurgeRestreamQueue, StepOutcome::Done));
    /// assert!(report.is_success());
    /// report.steps.push((CleanSystemStep::DeleteS3Retention,
    ///                    StepOutcome::Failed(alooma::Error::build("delete_s3_retention", "x"))));
    /// assert_eq!(report.failures().count(), 1);
    /// assert!(!report.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        self.steps.iter().all(|(_, outcome)| outcome.is_success())
    }

    /// The steps that did not fully succeed.
    pub fn failures(&self) -> impl Iterator<Item = &(CleanSystemStep, StepOutcome)> {
        self.steps
            .iter()
            .filter(|(_, outcome)| !outcome.is_success())
    }
}

impl fmt::Display for CleanSystemReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (step, outcome)) in self.steps.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(
                f,
                "{} ({}): {outcome}",
                step.operation(),
                step.description()
            )?;
        }
        Ok(())
    }
}
