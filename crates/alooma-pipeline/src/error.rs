//! [`PipelineError`]: what can go wrong reading, writing or planning a
//! pipeline.

use crate::ResourceId;
use std::path::PathBuf;

/// An error of the pipeline library. `Display` names the file, the
/// resource or the call, and the root cause, in one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid JSON, or not the shape its resource needs.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause, with its line and column.
        source: serde_json::Error,
    },
    /// A file that does not belong in a pipeline directory, or a document
    /// that does not fit its resource.
    #[error("{}: {message}", path.display())]
    Layout {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The directory has no `pipeline.json`: it was not written by
    /// `export` (so `--prune` would delete everything).
    #[error("{} is not a pipeline directory (no pipeline.json): run `alooma pipeline export` into it first", dir.display())]
    NotAPipeline {
        /// The directory.
        dir: PathBuf,
    },
    /// The directory was written by a newer format.
    #[error("{}: format_version {found} is newer than this tool's ({supported})", path.display())]
    FormatVersion {
        /// The `pipeline.json` file.
        path: PathBuf,
        /// The version found.
        found: u64,
        /// The version this tool writes.
        supported: u64,
    },
    /// Reading the live system failed.
    #[error("reading the live system ({what}): {source}")]
    Read {
        /// What was being read.
        what: String,
        /// The SDK's error.
        source: alooma::Error,
    },
    /// Two live resources of one kind share a name, so files cannot tell
    /// them apart.
    #[error("{id} exists {count} times in the live system (ids {ids}): rename all but one")]
    Duplicate {
        /// The resource.
        id: ResourceId,
        /// How many.
        count: usize,
        /// Their server ids.
        ids: String,
    },
    /// A run over events could not go on (the warehouse, the Code
    /// Engine's modules).
    #[error("{0}")]
    Run(String),
    /// A change that the API cannot make.
    #[error("{id}: {message}")]
    Unsupported {
        /// The resource.
        id: ResourceId,
        /// Why.
        message: String,
    },
}

impl PipelineError {
    /// Whether the error is the SDK's timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, PipelineError::Read { source, .. } if source.is_timeout())
    }

    /// The SDK's error, when this is one.
    pub fn api_error(&self) -> Option<&alooma::Error> {
        match self {
            PipelineError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}
