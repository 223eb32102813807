//! Code Engine: `transform/functions…`, `transform/v2/functions…`,
//! `transform/defaults`, `code-engine/requirements`.
//!
//! Test runs execute the code for real, in CPython, through
//! `alooma_engine`'s runner, as the service did for whoever held the
//! account's key: the emulator listens on loopback by default, and
//! [`CodeExecution::disabled`] (`--no-code-execution`) turns execution off
//! (test runs then answer 501). Deploying modules compiles them first: a
//! syntax error is a 400 naming the module and the line, and nothing is
//! stored.

use alooma_engine::code_engine::{CodeEngine, Modules, Run, Transformed};
use alooma_engine::EngineError;
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::code::CodeExecution;
use crate::domain::model::{Language, Module};
use crate::domain::state::{State, DEFAULT_TRANSFORM_CODE};
use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// An engine failure that is not the code's: no interpreter, a worker
/// that would not start.
/// The engine of the account's [`CodeExecution`], or 501 when execution is
/// off.
fn engine_of(code: &CodeExecution) -> Result<&CodeEngine, ApiError> {
    code.engine().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "this emulator runs without code execution (--no-code-execution): \
             Code Engine test runs are not available",
        )
    })
}

fn engine_error(e: EngineError) -> ApiError {
    match e {
        EngineError::Load(code) => ApiError::bad_request(format!(
            "the Code Engine modules do not load: {code}\n{}",
            code.error_message()
        )),
        other => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{other} (or start the emulator with --no-code-execution)"),
        ),
    }
}

/// The answer of a test run: `{output, result, runtime, notifications}`;
/// a failure is `{"errorMessage": traceback}` in `result`, and one
/// `ERROR` notification naming the exception, the module and the line.
fn run_answer(run: &Run) -> Value {
    let notifications = match &run.result {
        Transformed::Failed(e) => json!([{
            "level": "ERROR",
            "type": "CODE_ENGINE_ERROR",
            "description": e.to_string(),
            "data": {"errorType": e.error_type, "module": e.module, "line": e.line, "cause": e.cause.as_str()},
        }]),
        _ => json!([]),
    };
    json!({
        "output": run.output,
        "result": run.result.to_json(),
        "runtime": (run.runtime_ms * 1000.0).round() / 1000.0,
        "notifications": notifications,
    })
}

/// The deployed modules as the engine's.
fn deployed(state: &State) -> Modules {
    let mut modules: Modules = state
        .modules
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_str()))
        .collect();
    if !state.modules.contains_key("main") {
        modules.insert("main", DEFAULT_TRANSFORM_CODE);
    }
    modules
}

/// Compiles `modules` on the engine (when code runs): a syntax error is
/// refused, naming the module and the line. Nothing runs: a module may
/// import what only the next deploy adds, and `main` may come later.
fn check_loads(state: &State, modules: &Modules) -> Result<(), ApiError> {
    if let Some(engine) = state.code.engine() {
        engine.check_syntax(modules).map_err(engine_error)?;
    }
    Ok(())
}

/// The body of `POST transform/functions/run`.
#[derive(Deserialize)]
struct Run1 {
    sample: Value,
    #[serde(default)]
    code: Option<String>,
}

/// The body of `POST transform/v2/functions/run`.
#[derive(Deserialize)]
struct RunModules {
    sample: Value,
    #[serde(default)]
    modules: Option<Vec<Module>>,
}

fn module(name: &str, code: &str) -> Module {
    Module {
        function_name: Some(name.to_owned()),
        code: code.to_owned(),
        language: Some(Language::Python),
    }
}

/// A module's name: its own, which must not be empty.
fn name_of(m: &Module) -> Result<&str, ApiError> {
    match m.function_name.as_deref() {
        Some(name) if !name.is_empty() => Ok(name),
        Some(_) => Err(ApiError::bad_request("`functionName` must not be empty")),
        None => Err(ApiError::bad_request("each module needs a `functionName`")),
    }
}

/// `GET transform/functions` → every module.
pub(crate) fn list(state: &State) -> Outcome {
    let list: Vec<Module> = state.modules.iter().map(|(n, c)| module(n, c)).collect();
    Ok(Reply::json(json!(list)))
}

/// `GET transform/functions/{name}` → one module.
pub(crate) fn get(state: &State, name: &str) -> Outcome {
    state
        .modules
        .get(name)
        .map(|code| Reply::json(json!(module(name, code))))
        .ok_or_else(|| ApiError::not_found(format!("no Code Engine module named {name:?}")))
}

/// `POST transform/functions/{name}`: sets one module's code.
pub(crate) fn set_one(state: &mut State, req: &Req<'_>, name: &str) -> Outcome {
    let body: Module = req.body()?;
    if body.function_name.as_deref().is_some_and(|f| f != name) {
        return Err(ApiError::bad_request(
            "the body's `functionName` does not match the path",
        ));
    }
    let mut next = deployed(state);
    next.insert(name, body.code.as_str());
    check_loads(state, &next)?;
    state.modules.insert(name.to_owned(), body.code.clone());
    Ok(Reply::json(json!(module(name, &body.code))))
}

/// `POST transform/v2/functions`: sets several modules.
pub(crate) fn set_many(state: &mut State, req: &Req<'_>) -> Outcome {
    let modules: Vec<Module> = req.body()?;
    let mut parsed = Vec::with_capacity(modules.len());
    for m in &modules {
        parsed.push((name_of(m)?.to_owned(), m.code.clone()));
    }
    let mut next = deployed(state);
    for (n, c) in &parsed {
        next.insert(n.as_str(), c.as_str());
    }
    check_loads(state, &next)?;
    let answer: Vec<Module> = parsed.iter().map(|(n, c)| module(n, c)).collect();
    state.modules.extend(parsed);
    Ok(Reply::json(json!(answer)))
}

/// `DELETE transform/functions/{name}`.
pub(crate) fn delete(state: &mut State, name: &str) -> Outcome {
    state
        .modules
        .remove(name)
        .map(|_| Reply::empty())
        .ok_or_else(|| ApiError::not_found(format!("no Code Engine module named {name:?}")))
}

/// `GET transform/defaults` → the default code per language.
pub(crate) fn defaults() -> Outcome {
    Ok(Reply::json(json!({ "PYTHON": DEFAULT_TRANSFORM_CODE })))
}

/// `GET code-engine/requirements`.
pub(crate) fn requirements(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.requirements)))
}

/// `POST transform/functions/run`: a test run of the given code as
/// `main` (the deployed modules beside it, so that it can import them), or
/// of the deployed modules.
pub(crate) fn run(state: &State, req: &Req<'_>) -> Outcome {
    let body: Run1 = req.body()?;
    let engine = engine_of(&state.code)?;
    let mut modules = deployed(state);
    if let Some(code) = &body.code {
        modules.insert("main", code.as_str());
    }
    let run = engine
        .test_run(&modules, body.sample)
        .map_err(engine_error)?;
    Ok(Reply::json(run_answer(&run)))
}

/// `POST transform/v2/functions/run`: a test run of the given modules (each
/// replacing the deployed module of its name, the others kept), or of the
/// deployed ones.
pub(crate) fn run_v2(state: &State, req: &Req<'_>) -> Outcome {
    let body: RunModules = req.body()?;
    let engine = engine_of(&state.code)?;
    let mut modules = deployed(state);
    for m in body.modules.iter().flatten() {
        modules.insert(name_of(m)?, m.code.as_str());
    }
    let run = engine
        .test_run(&modules, body.sample)
        .map_err(engine_error)?;
    Ok(Reply::json(run_answer(&run)))
}

crate::http::route::route_table! {
    GET "transform/functions" as get_code_engine_code => |state, _req, _p| list(state),
    POST "transform/functions/run" as test_transform => |state, req, _p| run(state, req),
    GET "transform/functions/{name}" as get_transform => |state, _req, p| { let name = p[0]; get(state, name) },
    POST "transform/functions/{name}" as set_transform => |state, req, p| { let name = p[0]; set_one(state, req, name) },
    DELETE "transform/functions/{name}" as delete_code_engine_module => |state, _req, p| { let name = p[0]; delete(state, name) },
    POST "transform/v2/functions" as set_code_engine_code => |state, req, _p| set_many(state, req),
    POST "transform/v2/functions/run" as test_code_engine_code => |state, req, _p| run_v2(state, req),
    GET "transform/defaults" as get_transform_defaults => |_state, _req, _p| defaults(),
    GET "code-engine/requirements" as get_code_engine_requirements => |state, _req, _p| requirements(state),
}
