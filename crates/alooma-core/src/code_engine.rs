//! Code Engine (transforms): `get_code_engine_code` (deprecated name
//! `get_all_transforms`), `get_code_engine_module`, `set_code_engine_code`,
//! `delete_code_engine_module`, `set_transform_to_default`,
//! `get_code_engine_requirements`, `test_transform`, `test_code_engine_code`,
//! and the single requests and pure functions the composite
//! `test_transform_all_samples` / `test_code_engine_all_samples` are made of
//! ([`GetTransform`], [`GetTransformDefaults`], [`attach_result`]; the sample
//! side is in [`crate::samples`]).

use crate::Error;
use alooma_types::{
    CodeLanguage, CodeModule, Extra, Requirement, Sample, TransformResult, DEFAULT_TRANSFORM_CODE,
    MAIN_MODULE,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

crate::declare::operations! {
    area: code_engine;

    /// Every Code Engine module with its code.
    ///
    /// ```
    /// use alooma_core::{Operation, code_engine::GetCodeEngineCode};
    /// assert_eq!(GetCodeEngineCode.build().unwrap().uri(), "/transform/functions");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetCodeEngineCode;
    op get_code_engine_code: GET "transform/functions";
    retry: Idempotent;
    output: Vec<CodeModule> = json;
    example: GetCodeEngineCode;

    /// One module's code (from the list of every module).
    impl op get_code_engine_module for GetCodeEngineModule: GET "transform/functions";
    retry: Idempotent;
    output: String = json(Vec<CodeModule>)
        then (|op, modules| module_code(crate::Operation::meta(op).name, &modules, &op.name));
    answer: Vec<alooma_types::CodeModule>;
    example: GetCodeEngineModule::new("submodule");

    /// Defines (or redefines) Code Engine modules.
    impl op set_code_engine_code for SetCodeEngineCode: POST "transform/v2/functions";
    retry: Idempotent;
    body: [|op| module_bodies(crate::Operation::meta(op).name, &op.modules)] as Vec<ModuleBody<'static>>;
    output: () = empty;
    answer: serde_json::Value;
    example: SetCodeEngineCode::from_map(&examples::modules());

    /// Removes one Code Engine module.
    ///
    /// ```
    /// use alooma_core::{Operation, code_engine::DeleteCodeEngineModule};
    /// assert_eq!(DeleteCodeEngineModule::new("a/b").build().unwrap().uri(),
    ///            "/transform/functions/a%2Fb");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DeleteCodeEngineModule {
        /// The module's name.
        pub name: String,
    }
    op delete_code_engine_module: DELETE "transform/functions" / {name};
    retry: Idempotent;
    output: () = empty;
    example: DeleteCodeEngineModule::new("utils/v2?x");

    /// Deploys one module's code (the reference's deprecated `set_transform`).
    ///
    /// The body is `{"language": "PYTHON", "code", "functionName": module}`;
    /// the current call is [`SetCodeEngineCode`].
    ///
    /// ```
    /// use alooma_core::{Operation, code_engine::SetTransform};
    /// let req = SetTransform::new("def transform(e):\n\treturn e", "main").build().unwrap();
    /// assert_eq!(req.uri(), "/transform/functions/main");
    /// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    /// assert_eq!(body["functionName"], "main");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SetTransform {
        /// The module's code.
        pub code: String,
        /// The module's name.
        pub module: String,
    }
    op set_transform: POST "transform/functions" / {module};
    retry: Idempotent;
    deprecated: true;
    body: (|op| TransformBody {
        language: CodeLanguage::Python,
        code: &op.code,
        function_name: &op.module,
    }) as TransformBody<'static>;
    output: () = empty;
    example: SetTransform::new("def transform(event):\n\treturn None", "my/module");

    /// Resets the `main` module to the default transform.
    ///
    /// The body is `{"language": "PYTHON", "code": "def transform(event):\n\treturn event",
    /// "functionName": "main"}`.
    ///
    /// ```
    /// use alooma_core::{Operation, code_engine::SetTransformToDefault};
    /// assert_eq!(SetTransformToDefault.build().unwrap().uri(), "/transform/functions/main");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct SetTransformToDefault;
    op set_transform_to_default: POST "transform/functions/main";
    retry: Idempotent;
    body: (|_op| TransformBody {
        language: CodeLanguage::Python,
        code: DEFAULT_TRANSFORM_CODE,
        function_name: MAIN_MODULE,
    }) as TransformBody<'static>;
    output: () = empty;
    example: SetTransformToDefault;

    /// The Python packages installed in the Code Engine.
    ///
    /// [`Requirement::to_text`] gives pip's `name==version` form.
    ///
    /// ```
    /// use alooma_core::{Operation, code_engine::GetCodeEngineRequirements};
    /// let answer = http::Response::builder().status(200)
    ///     .body(bytes::Bytes::from_static(br#"[{"name":"six","version":"1.11.0"}]"#)).unwrap();
    /// let reqs = GetCodeEngineRequirements.decode(answer).unwrap();
    /// assert_eq!(alooma_types::Requirement::to_text(&reqs), "six==1.11.0");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetCodeEngineRequirements;
    op get_code_engine_requirements: GET "code-engine/requirements";
    retry: Idempotent;
    output: Vec<Requirement> = json;
    example: GetCodeEngineRequirements;

    /// One module's code (the reference's deprecated `get_transform`).
    impl op get_transform for GetTransform: GET "transform/functions" / {name};
    retry: Idempotent;
    deprecated: true;
    output: String = json(ModuleCode) then (|_op, m| Ok(m.code));
    answer: ModuleCode;
    example: GetTransform::main();

    /// The default transform code (of PYTHON).
    impl op get_transform_defaults for GetTransformDefaults: GET "transform/defaults";
    retry: Idempotent;
    output: String = json(BTreeMap<String, Value>) then (|op, defaults| python_default(op, defaults));
    answer: std::collections::BTreeMap<String, String>;
    example: GetTransformDefaults;

    /// Runs a transform on a sample.
    impl op test_transform for TestTransform: POST "transform/functions/run";
    retry: Idempotent;
    body: [|op| op.body()] as TestTransformBody<'static>;
    output: TransformResult = json;
    answer: alooma_types::TransformResult;
    example: TestTransform::new(
        serde_json::json!({"user": "bob", "ts": 1}),
        "def transform(event):\n\tprint('seen 1 event')\n\treturn event",
    );

    /// Runs Code Engine modules on a sample.
    impl op test_code_engine_code for TestCodeEngineCode: POST "transform/v2/functions/run";
    retry: Idempotent;
    body: [|op| op.body()] as TestCodeEngineBody<'static>;
    output: TransformResult = json;
    answer: alooma_types::TransformResult;
    example: TestCodeEngineCode::new(r#"{"path": "/a?b#c"}"#, examples::util_modules());
}

/// The examples' data.
mod examples {
    use alooma_types::CodeModule;
    use std::collections::BTreeMap;

    /// A `main` that imports a `submodule`.
    pub(super) fn modules() -> BTreeMap<String, String> {
        BTreeMap::from([
            (
                "main".to_owned(),
                "import submodule\ndef transform(event):\n\treturn event".to_owned(),
            ),
            ("submodule".to_owned(), "X = 'ü'".to_owned()),
        ])
    }

    /// A `main` that uses a `util` module.
    pub(super) fn util_modules() -> Vec<CodeModule> {
        vec![
            CodeModule::python(
                "main",
                "import util\ndef transform(event):\n\treturn util.f(event)",
            ),
            CodeModule::python("util", "def f(e):\n\treturn e"),
        ]
    }
}

/// `GET transform/functions`, answering one module's code: a module that is
/// not in the list is [`Error::NotFound`].
///
/// ```
/// use alooma_core::{Operation, Error, code_engine::GetCodeEngineModule};
/// let op = GetCodeEngineModule::main();
/// assert_eq!(op.build().unwrap().uri(), "/transform/functions");
/// let answer = |body: &'static str| http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(body.as_bytes())).unwrap();
/// assert_eq!(op.decode(answer(r#"[{"functionName":"main","code":"x"}]"#)).unwrap(), "x");
/// assert!(matches!(op.decode(answer("[]")), Err(Error::NotFound { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetCodeEngineModule {
    /// The module's name.
    pub name: String,
}

impl GetCodeEngineModule {
    /// The code of the module called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        GetCodeEngineModule { name: name.into() }
    }

    /// The code of the `main` module (the reference's default).
    pub fn main() -> Self {
        Self::new(MAIN_MODULE)
    }
}


/// The code of the module called `name` in `modules`, or
/// [`Error::NotFound`] (for `operation`) naming the modules that exist.
///
/// ```
/// use alooma_core::code_engine::module_code;
/// use alooma_types::CodeModule;
/// let modules = [CodeModule::python("main", "a"), CodeModule::python("util", "b")];
/// assert_eq!(module_code("op", &modules, "util").unwrap(), "b");
/// assert!(module_code("op", &modules, "nope").unwrap_err().to_string().contains("main, util"));
/// ```
pub fn module_code(
    operation: &'static str,
    modules: &[CodeModule],
    name: &str,
) -> Result<String, Error> {
    modules
        .iter()
        .rev()
        .find(|m| m.function_name == name)
        .map(|m| m.code().to_owned())
        .ok_or_else(|| Error::NotFound {
            operation,
            what: format!(
                "the Code Engine has no module named {name:?} (modules: {})",
                modules
                    .iter()
                    .map(|m| m.function_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The body of one module as `set_code_engine_code` and
/// `test_code_engine_code` send it: exactly `language`, `functionName`, `code`.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct ModuleBody<'a> {
    language: &'a CodeLanguage,
    #[serde(rename = "functionName")]
    function_name: &'a str,
    code: &'a str,
}

const PYTHON: CodeLanguage = CodeLanguage::Python;

/// The default `PYTHON` transform of a `transform/defaults` answer.
fn python_default(op: &GetTransformDefaults, mut defaults: BTreeMap<String, Value>) -> Result<String, Error> {
    match defaults.remove(CodeLanguage::Python.as_str()) {
        Some(Value::String(code)) => Ok(code),
        _ => Err(Error::NotFound {
            operation: crate::Operation::meta(op).name,
            what: "the server sent no default PYTHON transform".into(),
        }),
    }
}

fn module_bodies<'a>(
    operation: &'static str,
    modules: &'a [CodeModule],
) -> Result<Vec<ModuleBody<'a>>, Error> {
    modules
        .iter()
        .map(|m| {
            if m.function_name.is_empty() {
                return Err(Error::build(
                    operation,
                    "a Code Engine module name must not be empty",
                ));
            }
            Ok(ModuleBody {
                language: m.language.as_ref().unwrap_or(&PYTHON),
                function_name: &m.function_name,
                code: m.code(),
            })
        })
        .collect()
}

/// `POST transform/v2/functions` with a list of
/// `{"language": "PYTHON", "functionName": name, "code": code}`: defines (or
/// replaces) the given modules. Modules not listed are left as they are.
///
/// A module with an empty name is refused with [`Error::Build`].
///
/// ```
/// use std::collections::BTreeMap;
/// use alooma_core::{Operation, code_engine::SetCodeEngineCode};
/// let op = SetCodeEngineCode::from_map(&BTreeMap::from([("util".to_owned(), "X = 1".to_owned())]));
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/transform/v2/functions");
/// assert_eq!(&req.body()[..], br#"[{"language":"PYTHON","functionName":"util","code":"X = 1"}]"#);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetCodeEngineCode {
    /// The modules to define.
    pub modules: Vec<CodeModule>,
}

impl SetCodeEngineCode {
    /// Defines `modules`.
    pub fn new(modules: Vec<CodeModule>) -> Self {
        SetCodeEngineCode { modules }
    }

    /// Defines Python modules from a map of module name → code.
    pub fn from_map(modules: &BTreeMap<String, String>) -> Self {
        Self::new(CodeModule::from_map(modules))
    }
}


/// The body `set_transform` and `set_transform_to_default` send.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct TransformBody<'a> {
    language: CodeLanguage,
    code: &'a str,
    #[serde(rename = "functionName")]
    function_name: &'a str,
}

/// What `GET transform/functions/{name}` answers: `{"code": "…", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ModuleCode {
    /// The module's code.
    pub code: String,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET transform/functions/{name}` (the reference's deprecated
/// `get_transform`): one module's code. `test_transform` uses it to fetch
/// the deployed `main` when no code is given; when `main` is missing (a
/// 404) the facade falls back to [`GetTransformDefaults`].
///
/// ```
/// use alooma_core::{Operation, code_engine::GetTransform};
/// assert_eq!(GetTransform::main().build().unwrap().uri(), "/transform/functions/main");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(br#"{"code":"x = 1","functionName":"main"}"#)).unwrap();
/// assert_eq!(GetTransform::main().decode(answer).unwrap(), "x = 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetTransform {
    /// The module's name.
    pub name: String,
}

impl GetTransform {
    /// The code of the module called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        GetTransform { name: name.into() }
    }

    /// The code of `main`.
    pub fn main() -> Self {
        Self::new(MAIN_MODULE)
    }
}


/// `GET transform/defaults`: the default code per language,
/// `{"PYTHON": "def transform(event):\n\treturn event"}`; answers the
/// Python one (missing is [`Error::NotFound`]).
///
/// ```
/// use alooma_core::{Operation, code_engine::GetTransformDefaults};
/// assert_eq!(GetTransformDefaults.build().unwrap().uri(), "/transform/defaults");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(br#"{"PYTHON":"def transform(event):\n\treturn event"}"#)).unwrap();
/// assert!(GetTransformDefaults.decode(answer).unwrap().starts_with("def transform"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetTransformDefaults;


/// A sample event given to a test run: a JSON value, or JSON text that is
/// parsed before sending (the reference accepts a dict or a JSON string).
/// A JSON *string value* is parsed too, as the reference does.
///
/// ```
/// use alooma_core::code_engine::SampleInput;
/// let a = SampleInput::from(serde_json::json!({"a": 1})).resolve("op").unwrap();
/// let b = SampleInput::from(r#"{"a": 1}"#).resolve("op").unwrap();
/// assert_eq!(a, b);
/// assert!(SampleInput::from("{not json").resolve("op").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum SampleInput {
    /// An event as a JSON value.
    Event(Value),
    /// An event as JSON text.
    Text(String),
}

impl SampleInput {
    /// The event as a JSON value; text that is not JSON is [`Error::Build`]
    /// for `operation`.
    pub fn resolve(&self, operation: &'static str) -> Result<Value, Error> {
        let text = match self {
            SampleInput::Event(Value::String(s)) | SampleInput::Text(s) => s,
            SampleInput::Event(v) => return Ok(v.clone()),
        };
        serde_json::from_str(text).map_err(|e| {
            Error::build(
                operation,
                format!("the sample is a string but not JSON text: {e}"),
            )
        })
    }
}

impl From<Value> for SampleInput {
    fn from(v: Value) -> Self {
        SampleInput::Event(v)
    }
}

impl From<&Value> for SampleInput {
    fn from(v: &Value) -> Self {
        SampleInput::Event(v.clone())
    }
}

impl From<&str> for SampleInput {
    fn from(s: &str) -> Self {
        SampleInput::Text(s.to_owned())
    }
}

impl From<String> for SampleInput {
    fn from(s: String) -> Self {
        SampleInput::Text(s)
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct TestTransformBody<'a> {
    language: CodeLanguage,
    #[serde(rename = "functionName")]
    function_name: &'a str,
    code: &'a str,
    sample: Value,
}

/// `POST transform/functions/run` with
/// `{"language": "PYTHON", "functionName": "main", "code": code, "sample": sample}`:
/// runs `code` as `main` on one sample, changing nothing deployed. The
/// facade's `test_transform` fetches the deployed `main` when no code is given.
///
/// A sample given as text that is not JSON is [`Error::Build`].
///
/// ```
/// use alooma_core::{Operation, code_engine::TestTransform};
/// let op = TestTransform::new(r#"{"a":1}"#, "def transform(event):\n\treturn event");
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/transform/functions/run");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(br#"{"output":"","result":{"a":1},"runtime":2}"#)).unwrap();
/// assert_eq!(op.decode(answer).unwrap().event().unwrap()["a"], 1);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TestTransform {
    /// The event to run the code on.
    pub sample: SampleInput,
    /// The code of `main` to run.
    pub code: String,
}

impl TestTransform {
    /// The body sent: the sample must be a JSON object (or its text).
    fn body(&self) -> Result<TestTransformBody<'_>, Error> {
        Ok(TestTransformBody {
            language: CodeLanguage::Python,
            function_name: MAIN_MODULE,
            code: &self.code,
            sample: self.sample.resolve(crate::Operation::meta(self).name)?,
        })
    }

    /// Runs `code` on `sample`.
    pub fn new(sample: impl Into<SampleInput>, code: impl Into<String>) -> Self {
        TestTransform {
            sample: sample.into(),
            code: code.into(),
        }
    }
}


#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct TestCodeEngineBody<'a> {
    modules: Vec<ModuleBody<'a>>,
    sample: Value,
}

/// `POST transform/v2/functions/run` with
/// `{"modules": [{"language", "functionName", "code"}…], "sample": sample}`:
/// runs the given modules on one sample, changing nothing deployed. The
/// facade's `test_code_engine_code` uses the deployed modules when none are given.
///
/// ```
/// use alooma_core::{Operation, code_engine::TestCodeEngineCode};
/// use alooma_types::CodeModule;
/// let op = TestCodeEngineCode::new(serde_json::json!({"a": 1}),
///     vec![CodeModule::python("main", "def transform(event):\n\treturn event")]);
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/transform/v2/functions/run");
/// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
/// assert_eq!(body["modules"][0]["functionName"], "main");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TestCodeEngineCode {
    /// The event to run the modules on.
    pub sample: SampleInput,
    /// The modules to run (`main` holds `transform(event)`).
    pub modules: Vec<CodeModule>,
}

impl TestCodeEngineCode {
    /// The body sent: the sample must be a JSON object (or its text), each
    /// module named.
    fn body(&self) -> Result<TestCodeEngineBody<'_>, Error> {
        let name = crate::Operation::meta(self).name;
        let sample = self.sample.resolve(name)?;
        let modules = module_bodies(name, &self.modules)?;
        Ok(TestCodeEngineBody { modules, sample })
    }

    /// Runs `modules` on `sample`.
    pub fn new(sample: impl Into<SampleInput>, modules: Vec<CodeModule>) -> Self {
        TestCodeEngineCode {
            sample: sample.into(),
            modules,
        }
    }
}


/// The answer of the all-samples test helpers for one sample: the sample
/// with its test run's answer in its `result` key.
///
/// ```
/// use alooma_core::code_engine::attach_result;
/// use alooma_types::{Sample, TransformResult};
/// let run: TransformResult = serde_json::from_str(r#"{"result":{"a":2}}"#).unwrap();
/// let s = attach_result(Sample::new(serde_json::json!({"a": 1})), run);
/// assert_eq!(serde_json::to_value(&s).unwrap()["result"]["result"]["a"], 2);
/// ```
pub fn attach_result(mut sample: Sample, result: TransformResult) -> Sample {
    sample.result = alooma_types::Maybe::Value(result);
    sample
}
