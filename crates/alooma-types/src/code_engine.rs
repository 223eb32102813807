//! Code Engine (transforms): [`CodeModule`], [`CodeLanguage`],
//! [`Requirement`], and the answer of a test run, [`TransformResult`].
//!
//! The Code Engine holds Python modules; `main` holds the `transform(event)`
//! function every event goes through. `GET transform/functions` answers a
//! list of [`CodeModule`]s; `POST transform/v2/functions` takes one.

use crate::{Extra, Lenient, Maybe};
use std::collections::BTreeMap;

crate::string_enum! {
    /// The language of a Code Engine module.
    pub enum CodeLanguage {
        /// Python (the only language the service runs).
        Python => "PYTHON",
    }
}

/// The name of the module whose `transform(event)` function is run on every event.
pub const MAIN_MODULE: &str = "main";

/// The code of the default transform, which returns every event unchanged.
pub const DEFAULT_TRANSFORM_CODE: &str = "def transform(event):\n\treturn event";

/// One Code Engine module: `{"language": "PYTHON", "functionName": "main", "code": "…"}`.
///
/// ```
/// use alooma_types::{CodeLanguage, CodeModule, Maybe};
/// let json = r#"{"functionName":"main","code":"def transform(event):\n\treturn event","language":"PYTHON","revision":3}"#;
/// let m: CodeModule = serde_json::from_str(json).unwrap();
/// assert_eq!(m.function_name, "main");
/// assert_eq!(m.language, Maybe::Value(CodeLanguage::Python));
/// assert_eq!(m.extra["revision"], 3); // unknown keys are kept
///
/// let new = CodeModule::python("helpers", "X = 1");
/// assert_eq!(serde_json::to_string(&new).unwrap(),
///            r#"{"language":"PYTHON","functionName":"helpers","code":"X = 1"}"#);
/// ```
#[crate::model(rename_all = "camelCase")]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CodeModule {
    /// The module's language (`PYTHON`).
    pub language: Maybe<CodeLanguage>,
    /// The module's name (`main`, or the name other modules import it by).
    pub function_name: String,
    /// The module's source code (`""` where a module has none).
    pub code: Maybe<String>,
    /// Everything else the server sent, kept verbatim.
    pub extra: Extra,
}

impl CodeModule {
    /// The module's code (`""` when it has none).
    pub fn code(&self) -> &str {
        self.code.as_deref().unwrap_or("")
    }

    /// A Python module called `function_name` with `code`.
    pub fn python(function_name: impl Into<String>, code: impl Into<String>) -> Self {
        CodeModule {
            language: Maybe::Value(CodeLanguage::Python),
            function_name: function_name.into(),
            code: Maybe::Value(code.into()),
            extra: Extra::new(),
        }
    }

    /// Python modules from a map of module name → code, in name order.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let modules = alooma_types::CodeModule::from_map(&BTreeMap::from([
    ///     ("main".to_owned(), "def transform(e):\n\treturn e".to_owned()),
    /// ]));
    /// assert_eq!(modules[0].function_name, "main");
    /// ```
    pub fn from_map(modules: &BTreeMap<String, String>) -> Vec<CodeModule> {
        modules
            .iter()
            .map(|(name, code)| CodeModule::python(name.clone(), code.clone()))
            .collect()
    }

    /// A map of module name → code from a list of modules (a later module
    /// of the same name wins).
    pub fn to_map(modules: &[CodeModule]) -> BTreeMap<String, String> {
        modules
            .iter()
            .map(|m| (m.function_name.clone(), m.code().to_owned()))
            .collect()
    }
}

/// A Python package installed in the Code Engine (`GET code-engine/requirements`):
/// `{"name": "requests", "version": "2.19.1"}`.
///
/// ```
/// use alooma_types::Requirement;
/// let r: Vec<Requirement> = serde_json::from_str(r#"[{"name":"requests","version":"2.19.1"}]"#).unwrap();
/// assert_eq!(r[0].to_string(), "requests==2.19.1");
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Requirement {
    /// The package's name.
    pub name: String,
    /// The installed version (a requirement without one is written as
    /// its bare name).
    pub version: Maybe<String>,
    /// Everything else the server sent, kept verbatim.
    pub extra: Extra,
}

impl Requirement {
    /// A requirement on `name` at `version`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Requirement {
            name: name.into(),
            version: Maybe::Value(version.into()),
            extra: Extra::new(),
        }
    }

    /// The requirements in pip's text form: one `name==version` line each,
    /// joined by `\n` (no trailing newline), as the reference's
    /// `text_format=True`.
    ///
    /// ```
    /// use alooma_types::Requirement;
    /// let reqs = [Requirement::new("requests", "2.19.1"), Requirement::new("six", "1.11.0")];
    /// assert_eq!(Requirement::to_text(&reqs), "requests==2.19.1\nsix==1.11.0");
    /// ```
    pub fn to_text(requirements: &[Requirement]) -> String {
        requirements
            .iter()
            .map(Requirement::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl std::fmt::Display for Requirement {
    /// `name==version`, or `name` when there is no version.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.version.as_deref() {
            Some(v) => write!(f, "{}=={v}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// The answer of a test run (`transform/functions/run`,
/// `transform/v2/functions/run`): `{"output": "…", "result": {…}, "runtime": 3}`.
///
/// ```
/// use alooma_types::TransformResult;
/// let r: TransformResult = serde_json::from_str(
///     r#"{"output":"hello\n","result":{"a":1},"runtime":3}"#).unwrap();
/// assert_eq!(r.output.as_deref(), Some("hello\n"));
/// assert_eq!(r.event().unwrap()["a"], 1);
/// assert_eq!(r.runtime_ms(), Some(3.0));
/// // A transform that drops the event returns `null`:
/// let dropped: TransformResult = serde_json::from_str(r#"{"result":null}"#).unwrap();
/// assert!(dropped.event().is_none());
/// assert_eq!(serde_json::to_string(&dropped).unwrap(), r#"{"result":null}"#);
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TransformResult {
    /// What the transform printed.
    pub output: Maybe<String>,
    /// The resulting event; `null` when the transform dropped the event.
    pub result: Maybe<serde_json::Value>,
    /// How long the run took, in milliseconds (kept as sent).
    pub runtime: Maybe<Lenient<f64>>,
    /// Notifications the run raised (`[]` when none; one `ERROR` when the
    /// transform failed), as test tools read them.
    pub notifications: Maybe<Vec<serde_json::Value>>,
    /// Everything else the server sent (error details …), kept verbatim.
    pub extra: Extra,
}

impl TransformResult {
    /// The resulting event, `None` when the transform dropped it (or the
    /// server sent no result).
    pub fn event(&self) -> Option<&serde_json::Value> {
        self.result.get()
    }

    /// The run time in milliseconds.
    pub fn runtime_ms(&self) -> Option<f64> {
        self.runtime.get().map(|r| *r.get())
    }

    /// The failure of the run: the `errorMessage` the service puts in
    /// `result` when the transform raised (its traceback).
    ///
    /// ```
    /// use alooma_types::TransformResult;
    /// let r: TransformResult = serde_json::from_str(
    ///     r#"{"result":{"errorMessage":"KeyError: 'a'\n"},"notifications":[{"level":"ERROR"}]}"#).unwrap();
    /// assert_eq!(r.error_message(), Some("KeyError: 'a'\n"));
    /// assert_eq!(r.notifications.iter().count(), 1);
    /// ```
    pub fn error_message(&self) -> Option<&str> {
        self.result
            .get()
            .and_then(|r| r.get("errorMessage"))
            .and_then(serde_json::Value::as_str)
    }
}
