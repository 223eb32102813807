//! Client methods of the `system` area: `clean_system`, which runs
//! [`CLEAN_SYSTEM_STEPS`] in order and reports every step.

use crate::{BulkReport, Client, Error, HttpService};
use alooma_core::system::{CleanSystemStep, CLEAN_SYSTEM_STEPS};
use alooma_types::EmailNotifications;
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

    fn from_unit<T>(result: Result<T, Error>) -> Self {
        match result {
            Ok(_) => StepOutcome::Done,
            Err(e) => StepOutcome::Failed(e),
        }
    }

    fn from_bulk(result: Result<BulkReport, Error>) -> Self {
        match result {
            Ok(report) => StepOutcome::Bulk(report),
            Err(e) => StepOutcome::Failed(e),
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
/// failed step does not stop the ones after it, and `clean_system` itself
/// succeeds with failures inside: check [`is_success`](Self::is_success)
/// or call [`into_result`](Self::into_result).
#[derive(Debug, Default)]
#[non_exhaustive]
#[must_use = "clean_system succeeds with failed steps inside: check is_success() or call into_result()"]
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

    /// `Ok` when every step succeeded, else the report itself as the
    /// error (a `std::error::Error` whose source is the first failure).
    ///
    /// ```
    /// use alooma::{CleanSystemReport, StepOutcome};
    /// use alooma::core::system::CleanSystemStep;
    /// let mut report = CleanSystemReport::default();
    /// report.steps.push((CleanSystemStep::DeleteS3Retention,
    ///                    StepOutcome::Failed(alooma::Error::build("delete_s3_retention", "x"))));
    /// let err = report.into_result().unwrap_err();
    /// assert!(std::error::Error::source(&err).is_some());
    /// ```
    pub fn into_result(self) -> Result<(), CleanSystemReport> {
        if self.is_success() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::error::Error for CleanSystemReport {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.failures().find_map(|(_, outcome)| match outcome {
            StepOutcome::Failed(e) => Some(e as &(dyn std::error::Error + 'static)),
            StepOutcome::Bulk(r) => r
                .failed
                .first()
                .map(|(_, e)| e as &(dyn std::error::Error + 'static)),
            _ => None,
        })
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

crate::api::methods! {
    /// Resets the whole system (**destructive**): runs, in this order,
    /// `set_transform_to_default`, `purge_restream_queue`,
    /// `remove_all_inputs`, `delete_all_event_types`,
    /// `set_settings_email_notifications` (the defaults) and
    /// `delete_s3_retention` ([`CLEAN_SYSTEM_STEPS`]).
    ///
    /// Unlike the reference client, a failing step does not stop the others:
    /// the report lists every step's outcome (check
    /// [`CleanSystemReport::is_success`]).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let report = client.clean_system().await;
    /// if !report.is_success() {
    ///     eprintln!("{report}");
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn clean_system(&self) -> CleanSystemReport {
        self.clean_system_with(|_, _| {}).await
    }

    /// [`clean_system`](Self::clean_system), calling `progress` after each
    /// step with the step and its outcome (for a progress bar).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let report = client
    ///     .clean_system_with(|step, outcome| eprintln!("{step}: {outcome}"))
    ///     .await;
    /// # assert!(report.is_success(), "{report:?}");
    /// # Ok(()) });
    /// ```
    pub async fn clean_system_with(
        &self,
        progress: impl FnMut(CleanSystemStep, &StepOutcome) + Send,
    ) -> CleanSystemReport {
        let mut progress = progress;
        let mut report = CleanSystemReport::default();
        for step in CLEAN_SYSTEM_STEPS {
            let outcome = self.run_clean_system_step(step).await;
            progress(step, &outcome);
            report.steps.push((step, outcome));
        }
        report
    }
}

impl<S: HttpService> Client<S> {
    /// Runs one step of `clean_system`.
    async fn run_clean_system_step(&self, step: CleanSystemStep) -> StepOutcome {
        match step {
            CleanSystemStep::SetTransformToDefault => {
                StepOutcome::from_unit(self.set_transform_to_default().await)
            }
            CleanSystemStep::PurgeRestreamQueue => {
                StepOutcome::from_unit(self.purge_restream_queue().await)
            }
            CleanSystemStep::RemoveAllInputs => {
                StepOutcome::from_bulk(self.remove_all_inputs().await)
            }
            CleanSystemStep::DeleteAllEventTypes => {
                StepOutcome::from_bulk(self.delete_all_event_types().await)
            }
            CleanSystemStep::ResetEmailNotifications => StepOutcome::from_unit(
                self.set_settings_email_notifications(&EmailNotifications::default())
                    .await,
            ),
            CleanSystemStep::DeleteS3Retention => {
                StepOutcome::from_unit(self.delete_s3_retention().await)
            }
            // A step added to alooma-core that this facade does not know yet.
            _ => StepOutcome::Failed(Error::NotFound {
                operation: step.operation(),
                what: "this version of the client cannot run this clean_system step".into(),
            }),
        }
    }
}
