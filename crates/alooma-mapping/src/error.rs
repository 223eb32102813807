//! Errors: [`PathError`] (a path that does not parse), [`MappingError`]
//! (an edit that cannot apply) and [`BatchError`] (every failed edit of a batch).

use crate::{EditKind, FieldPath};
use std::fmt;

/// Why a [`FieldPath`] could not be parsed or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The path is empty.
    #[error("empty field path")]
    Empty,
    /// A segment is empty (`a..b`, `.a`, `a.`); `index` counts from 0.
    #[error("empty segment #{index} in field path")]
    EmptySegment {
        /// Index of the empty segment.
        index: usize,
    },
    /// The path ends with a lone `\`.
    #[error("field path ends with a lone backslash (write `\\\\` for a backslash)")]
    TrailingBackslash,
    /// `\` followed by something other than `.` or `\`.
    #[error("invalid escape `\\{found}` at byte {position} (only `\\.` and `\\\\` are allowed)")]
    InvalidEscape {
        /// Byte offset of the backslash.
        position: usize,
        /// The character after the backslash.
        found: char,
    },
}

/// Why an edit could not be applied. The mapping is unchanged when an edit
/// returns an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MappingError {
    /// The path does not parse.
    #[error(transparent)]
    Path(#[from] PathError),
    /// No field at `path`; its first `matched` segments exist.
    #[error("{}", NotFoundDisplay { path, matched: *matched })]
    NotFound {
        /// The path that was looked up.
        path: FieldPath,
        /// How many leading segments matched (0: not even the top-level field).
        matched: usize,
    },
    /// The field at `path` is not mapped to a column (its mapping is
    /// `null`, has no column type, or is discarded), so a column attribute
    /// cannot change.
    #[error("field `{path}` is not mapped to a column (map it first)")]
    NotMapped {
        /// The field.
        path: FieldPath,
    },
}

impl MappingError {
    /// The deepest existing ancestor of a missing path, if any.
    ///
    /// ```
    /// use alooma_mapping::{find_field, FieldPath, MappingError};
    /// use alooma_types::{EventType, Field};
    /// let mut et = EventType::new("e");
    /// et.fields_mut().push(Field::new("a"));
    /// let err = find_field(&et, &"a.b.c".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.deepest_match().unwrap().to_string(), "a");
    /// assert_eq!(err.to_string(), "field `a.b.c` not found: `a` has no field `b`");
    /// ```
    pub fn deepest_match(&self) -> Option<FieldPath> {
        match self {
            MappingError::NotFound { path, matched } => path.prefix(*matched),
            MappingError::Path(_) | MappingError::NotMapped { .. } => None,
        }
    }
}

struct NotFoundDisplay<'a> {
    path: &'a FieldPath,
    matched: usize,
}

impl fmt::Display for NotFoundDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}` not found: ", self.path)?;
        let missing = self
            .path
            .segments()
            .get(self.matched)
            .map_or("", String::as_str);
        f.write_str(if self.matched == 0 {
            "no top-level field `"
        } else {
            ""
        })?;
        if let Some(parent) = self.path.prefix(self.matched) {
            write!(f, "`{parent}` has no field `")?;
        }
        crate::path::write_segment(f, missing)?;
        f.write_str("`")
    }
}

/// One failed edit of a [`Batch`](crate::Batch).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BatchFailure {
    /// Position of the edit in the batch (from 0).
    pub index: usize,
    /// What the edit was.
    pub kind: EditKind,
    /// Why it failed.
    pub error: MappingError,
}

/// Every edit of a batch that failed. The mapping was left unchanged.
///
/// The failures are exactly those that applying the edits one by one (and
/// skipping each failing edit) would have met, in batch order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub struct BatchError {
    /// The failed edits, in batch order.
    pub failures: Vec<BatchFailure>,
    /// How many edits the batch held.
    pub total: usize,
}

impl BatchError {
    /// The paths that failed, in batch order.
    pub fn paths(&self) -> impl Iterator<Item = &FieldPath> {
        self.failures.iter().filter_map(|f| match &f.error {
            MappingError::NotFound { path, .. } | MappingError::NotMapped { path } => Some(path),
            MappingError::Path(_) => None,
        })
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} edits failed; the mapping was not changed",
            self.failures.len(),
            self.total
        )?;
        for failure in &self.failures {
            write!(
                f,
                "\n  #{} {}: {}",
                failure.index, failure.kind, failure.error
            )?;
        }
        Ok(())
    }
}

impl alooma_types::OfflineError for PathError {}
impl alooma_types::OfflineError for MappingError {}
impl alooma_types::OfflineError for BatchError {}
