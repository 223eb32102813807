//! [`Change`]: what a plan does to one resource, and its [`Action`].

use crate::diff::FieldChange;
use crate::{Document, ResourceId};
use serde::Serialize;
use std::fmt;

/// What a change does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Action {
    /// The resource is created.
    Create,
    /// The resource is changed in place.
    Update,
    /// The resource is removed and created again (a scheduled query, whose
    /// API has no update; an input whose type changed).
    Replace,
    /// The resource is deleted (only with `--prune`).
    Delete,
}

impl Action {
    fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
        }
    }

    /// The action's name (`create` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// One resource's change. `Debug` and `Display` never show secret values.
#[derive(Clone)]
#[non_exhaustive]
pub struct Change {
    /// The resource.
    pub id: ResourceId,
    /// What happens to it.
    pub action: Action,
    /// Its field-level changes (live → desired).
    pub fields: Vec<FieldChange>,
    /// Secret references with no value and no current value to keep: the
    /// step fails before sending anything.
    pub missing_secrets: Vec<String>,
    /// What is sent: the desired document with references resolved.
    pub(crate) send: Option<Document>,
    /// The live resource's server id (an input's, a query's).
    pub(crate) server_id: Option<String>,
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Change")
            .field("id", &self.id)
            .field("action", &self.action)
            .field("fields", &self.fields)
            .field("missing_secrets", &self.missing_secrets)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.action.symbol(),
            self.action.as_str(),
            self.id
        )?;
        for field in &self.fields {
            write!(f, "\n    {field}")?;
        }
        if !self.missing_secrets.is_empty() {
            write!(
                f,
                "\n    ! no value for {}: set {} or pass --secrets FILE",
                self.missing_secrets.join(", "),
                self.missing_secrets
                    .iter()
                    .map(|n| format!("{}{n}", crate::ENV_PREFIX))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}
