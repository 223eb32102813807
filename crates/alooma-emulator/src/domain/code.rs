//! Whether and where the account's Code Engine code runs: the data path's
//! engine (`alooma_engine`) plugged into the domain.

use std::sync::{Arc, OnceLock};

use alooma_engine::code_engine::{CodeEngine, Config};

/// Whether test runs execute Code Engine code, and with which engine.
///
/// By default they do, with one engine per process shared by every
/// emulator that does not bring its own (the interpreter is `python3`, or
/// `ALOOMA_PYTHON`); its workers start on the first test run.
///
/// ```
/// use alooma_emulator::CodeExecution;
/// assert!(CodeExecution::default().is_enabled());
/// assert!(!CodeExecution::disabled().is_enabled());
/// ```
#[derive(Clone)]
pub struct CodeExecution(Option<Arc<CodeEngine>>);

impl CodeExecution {
    /// Code runs on `engine`.
    pub fn with_engine(engine: Arc<CodeEngine>) -> Self {
        CodeExecution(Some(engine))
    }

    /// Code runs on a new engine configured by `config` (another
    /// interpreter, other limits).
    pub fn with_config(config: Config) -> Self {
        CodeExecution(Some(Arc::new(CodeEngine::new(config))))
    }

    /// Code never runs: test runs answer 501, deploys store code unchecked.
    pub fn disabled() -> Self {
        CodeExecution(None)
    }

    /// Whether code runs.
    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    /// The engine code runs on, shared, `None` when execution is off.
    pub(crate) fn engine_arc(&self) -> Option<Arc<CodeEngine>> {
        self.0.clone()
    }

    /// The engine code runs on, `None` when execution is off.
    pub(crate) fn engine(&self) -> Option<&CodeEngine> {
        self.0.as_deref()
    }
}

impl Default for CodeExecution {
    fn default() -> Self {
        static SHARED: OnceLock<Arc<CodeEngine>> = OnceLock::new();
        CodeExecution(Some(Arc::clone(
            SHARED.get_or_init(|| Arc::new(CodeEngine::new(Config::default()))),
        )))
    }
}

impl std::fmt::Debug for CodeExecution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(engine) => write!(f, "CodeExecution({:?})", engine.config().python),
            None => f.write_str("CodeExecution(disabled)"),
        }
    }
}
