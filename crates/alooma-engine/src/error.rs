//! [`EngineError`]: what keeps the engine from running code at all.

use crate::code_engine::CodeError;
use std::path::PathBuf;

/// Why the engine could not run code: no interpreter, a worker that would
/// not start, or modules that do not load. A failure of one event (an
/// exception, a time-out) is no `EngineError`: it is that event's
/// [`Transformed::Failed`](crate::code_engine::Transformed::Failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The interpreter could not be started.
    #[error(
        "no Python interpreter at {}: {source}; install Python 3 (Debian: apt-get install python3) \
         or point ALOOMA_PYTHON (or --python) at one",
        python.display()
    )]
    NoPython {
        /// The interpreter that was tried.
        python: PathBuf,
        /// Why it did not start.
        #[source]
        source: std::io::Error,
    },
    /// The interpreter started but the Code Engine worker did not come up.
    #[error("the Code Engine worker did not start under {}: {reason}", python.display())]
    Start {
        /// The interpreter.
        python: PathBuf,
        /// What happened (its standard error, when it wrote any).
        reason: String,
    },
    /// The modules do not load: a syntax error, an exception at import, no
    /// `main` module or no `transform` in it.
    #[error("the Code Engine modules do not load: {0}")]
    Load(CodeError),
    /// Talking to a worker failed in a way no retry fixes.
    #[error("the Code Engine worker broke the protocol: {reason}")]
    Protocol {
        /// What was wrong.
        reason: String,
    },
}

impl EngineError {
    /// Whether the user's code is at fault (the modules do not load),
    /// rather than the machine.
    pub fn is_code_error(&self) -> bool {
        matches!(self, EngineError::Load(_))
    }

    /// The error in the user's code, when that is what failed.
    pub fn code_error(&self) -> Option<&CodeError> {
        match self {
            EngineError::Load(e) => Some(e),
            _ => None,
        }
    }

    /// Whether no interpreter could be started.
    pub fn is_no_python(&self) -> bool {
        matches!(self, EngineError::NoPython { .. })
    }
}
