//! Whole-system operations: `clean_system`, expressed as its ordered steps.
//!
//! `clean_system` is destructive and composite: it runs other operations in
//! a fixed order. This module holds that order as data so the facade, the CLI
//! (for progress and confirmation) and tests all agree on it.

use std::fmt;

/// One step of `clean_system`, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CleanSystemStep {
    /// `set_transform_to_default`: the Code Engine's main module becomes the
    /// identity transform.
    SetTransformToDefault,
    /// `purge_restream_queue`: empty the Restream Queue.
    PurgeRestreamQueue,
    /// `remove_all_inputs`: remove every input but the Restream and agent nodes.
    RemoveAllInputs,
    /// `delete_all_event_types`: delete every event type.
    DeleteAllEventTypes,
    /// `set_settings_email_notifications` with the defaults.
    ResetEmailNotifications,
    /// `delete_s3_retention`.
    DeleteS3Retention,
}

/// The steps of `clean_system`, in the documented order.
///
/// ```
/// use alooma_core::system::{CleanSystemStep, CLEAN_SYSTEM_STEPS};
/// assert_eq!(CLEAN_SYSTEM_STEPS.len(), 6);
/// assert_eq!(CLEAN_SYSTEM_STEPS[0].operation(), "set_transform_to_default");
/// assert_eq!(CLEAN_SYSTEM_STEPS[5], CleanSystemStep::DeleteS3Retention);
/// ```
pub const CLEAN_SYSTEM_STEPS: [CleanSystemStep; 6] = [
    CleanSystemStep::SetTransformToDefault,
    CleanSystemStep::PurgeRestreamQueue,
    CleanSystemStep::RemoveAllInputs,
    CleanSystemStep::DeleteAllEventTypes,
    CleanSystemStep::ResetEmailNotifications,
    CleanSystemStep::DeleteS3Retention,
];

impl CleanSystemStep {
    /// The operation the step runs (the reference client's method name).
    pub fn operation(self) -> &'static str {
        match self {
            CleanSystemStep::SetTransformToDefault => "set_transform_to_default",
            CleanSystemStep::PurgeRestreamQueue => "purge_restream_queue",
            CleanSystemStep::RemoveAllInputs => "remove_all_inputs",
            CleanSystemStep::DeleteAllEventTypes => "delete_all_event_types",
            CleanSystemStep::ResetEmailNotifications => "set_settings_email_notifications",
            CleanSystemStep::DeleteS3Retention => "delete_s3_retention",
        }
    }

    /// What the step does, for people.
    pub fn description(self) -> &'static str {
        match self {
            CleanSystemStep::SetTransformToDefault => {
                "reset the Code Engine to the default transform"
            }
            CleanSystemStep::PurgeRestreamQueue => "purge the Restream Queue",
            CleanSystemStep::RemoveAllInputs => "remove every input",
            CleanSystemStep::DeleteAllEventTypes => "delete every event type",
            CleanSystemStep::ResetEmailNotifications => {
                "reset e-mail notification settings to the defaults"
            }
            CleanSystemStep::DeleteS3Retention => "delete the S3 retention settings",
        }
    }
}

impl fmt::Display for CleanSystemStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}
