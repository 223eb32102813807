//! Code Engine: `transform/functions…`, `transform/v2/functions…`,
//! `transform/defaults`, `code-engine/requirements`.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::{Language, Module};
use crate::reply::{ApiError, Outcome, Reply, Req};
use crate::state::{State, DEFAULT_TRANSFORM_CODE, EVENT_DROPPING_TRANSFORM_CODE};

const RUN_OUTPUT: &str =
    "emulator: transforms are not executed by the emulator; the sample is returned unchanged\n";
const DROP_OUTPUT: &str =
    "emulator: transforms are not executed by the emulator; the event-dropping transform drops the sample\n";

/// The body of `POST transform/functions/run`.
#[derive(Deserialize)]
struct Run {
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

/// `POST transform/functions/run`: a test run of the given code, or of
/// the deployed `main` module.
pub(crate) fn run(state: &State, req: &Req<'_>) -> Outcome {
    let body: Run = req.body()?;
    let code = match &body.code {
        Some(code) => code.as_str(),
        None => state
            .modules
            .get("main")
            .map(String::as_str)
            .unwrap_or(DEFAULT_TRANSFORM_CODE),
    };
    check_code(code)?;
    Ok(Reply::json(run_result(code, &body.sample)))
}

/// `POST transform/v2/functions/run`: a test run of the given modules, or
/// of the deployed ones.
pub(crate) fn run_v2(state: &State, req: &Req<'_>) -> Outcome {
    let body: RunModules = req.body()?;
    let main = match &body.modules {
        None => state.modules.get("main").cloned(),
        Some(modules) => {
            let mut main = None;
            for m in modules {
                if m.function_name.as_deref() == Some("main") {
                    main = Some(m.code.clone());
                }
            }
            main
        }
    };
    let code = main.unwrap_or_else(|| DEFAULT_TRANSFORM_CODE.to_owned());
    check_code(&code)?;
    if let Some(modules) = &body.modules {
        for m in modules {
            check_brackets(&m.code)?;
        }
    }
    Ok(Reply::json(run_result(&code, &body.sample)))
}

/// What the emulator can tell about code without running it: the main
/// module must define `transform(event)`, and brackets must balance (the
/// service answers such code with the Python error).
fn check_code(code: &str) -> Result<(), ApiError> {
    if !code
        .lines()
        .any(|l| l.trim_start().starts_with("def transform("))
    {
        return Err(ApiError::bad_request(
            "NameError: name 'transform' is not defined (the main module must define transform(event))",
        ));
    }
    check_brackets(code)
}

/// `SyntaxError` for brackets that do not balance (strings and comments
/// skipped).
fn check_brackets(code: &str) -> Result<(), ApiError> {
    let mut stack = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' => break,
                    '\'' | '"' => quote = Some(c),
                    '(' | '[' | '{' => stack.push((c, n + 1)),
                    ')' | ']' | '}' => {
                        let open = match c {
                            ')' => '(',
                            ']' => '[',
                            _ => '{',
                        };
                        if stack.pop().map(|(o, _)| o) != Some(open) {
                            return Err(ApiError::bad_request(format!(
                                "SyntaxError: unmatched '{c}' (line {})",
                                n + 1
                            )));
                        }
                    }
                    _ => {}
                },
            }
        }
    }
    match stack.pop() {
        Some((c, line)) => Err(ApiError::bad_request(format!(
            "SyntaxError: '{c}' was never closed (line {line})"
        ))),
        None => Ok(()),
    }
}

fn run_result(code: &str, sample: &Value) -> Value {
    let dropped = code == EVENT_DROPPING_TRANSFORM_CODE;
    // A small deterministic "runtime" in milliseconds.
    let runtime = 1 + (code.len() + sample.to_string().len()) % 9;
    json!({
        "output": if dropped { DROP_OUTPUT } else { RUN_OUTPUT },
        "result": if dropped { Value::Null } else { sample.clone() },
        "runtime": runtime,
    })
}

crate::router::route_table! {
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
