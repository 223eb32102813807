//! Code Engine: `transform/functions…`, `transform/v2/functions…`,
//! `transform/defaults`, `code-engine/requirements`.

use serde_json::{json, Map, Value};

use crate::reply::{kind, required_str, ApiError, Outcome, Reply, Req};
use crate::state::{State, DEFAULT_TRANSFORM_CODE, EVENT_DROPPING_TRANSFORM_CODE};

/// What a test run prints: the emulator never executes code.
const RUN_OUTPUT: &str =
    "emulator: transforms are not executed by the emulator; the sample is returned unchanged\n";
const DROP_OUTPUT: &str =
    "emulator: transforms are not executed by the emulator; the event-dropping transform drops the sample\n";

fn module(name: &str, code: &str) -> Value {
    json!({"functionName": name, "code": code, "language": "PYTHON"})
}

/// `GET transform/functions` → list of `{"functionName","code","language"}`.
pub(crate) fn list(state: &State) -> Outcome {
    let list: Vec<Value> = state.modules.iter().map(|(n, c)| module(n, c)).collect();
    Ok(Reply::json(json!(list)))
}

/// `GET transform/functions/{name}` → one module.
pub(crate) fn get(state: &State, name: &str) -> Outcome {
    state
        .modules
        .get(name)
        .map(|code| Reply::json(module(name, code)))
        .ok_or_else(|| ApiError::not_found(format!("no Code Engine module named {name:?}")))
}

/// `POST transform/functions/{name}`: store one module.
pub(crate) fn set_one(state: &mut State, req: &Req<'_>, name: &str) -> Outcome {
    let body = req.json_object()?;
    let (fname, code) = parse_module(&body)?;
    if fname.is_some_and(|f| f != name) {
        return Err(ApiError::bad_request(
            "the body's `functionName` does not match the path",
        ));
    }
    state.modules.insert(name.to_owned(), code.to_owned());
    Ok(Reply::json(module(name, code)))
}

/// `POST transform/v2/functions`: store a list of modules.
pub(crate) fn set_many(state: &mut State, req: &Req<'_>) -> Outcome {
    let items = req.json_array()?;
    let mut parsed = Vec::with_capacity(items.len());
    for item in &items {
        let Value::Object(obj) = item else {
            return Err(ApiError::bad_request(format!(
                "each module must be an object, not {}",
                kind(item)
            )));
        };
        let (name, code) = parse_module(obj)?;
        let name =
            name.ok_or_else(|| ApiError::bad_request("each module needs a `functionName`"))?;
        parsed.push((name.to_owned(), code.to_owned()));
    }
    let answer: Vec<Value> = parsed.iter().map(|(n, c)| module(n, c)).collect();
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

/// `GET transform/defaults` → `{"PYTHON": code}`.
pub(crate) fn defaults() -> Outcome {
    Ok(Reply::json(json!({ "PYTHON": DEFAULT_TRANSFORM_CODE })))
}

/// `GET code-engine/requirements`.
pub(crate) fn requirements(state: &State) -> Outcome {
    Ok(Reply::json(json!(state.requirements)))
}

/// `POST transform/functions/run`: `{"code"?, "sample"}` → run result.
pub(crate) fn run(state: &State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    let sample = body
        .get("sample")
        .ok_or_else(|| ApiError::bad_request("`sample` is required"))?;
    let code = match body.get("code") {
        None | Some(Value::Null) => state
            .modules
            .get("main")
            .map(String::as_str)
            .unwrap_or(DEFAULT_TRANSFORM_CODE),
        Some(Value::String(code)) => code,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`code` must be a string, not {}",
                kind(other)
            )))
        }
    };
    Ok(Reply::json(run_result(code, sample)))
}

/// `POST transform/v2/functions/run`: `{"modules"?, "sample"}` → run result.
pub(crate) fn run_v2(state: &State, req: &Req<'_>) -> Outcome {
    let body = req.json_object()?;
    let sample = body
        .get("sample")
        .ok_or_else(|| ApiError::bad_request("`sample` is required"))?;
    let main = match body.get("modules") {
        None | Some(Value::Null) => state.modules.get("main").cloned(),
        Some(Value::Array(items)) => {
            let mut main = None;
            for item in items {
                let Value::Object(obj) = item else {
                    return Err(ApiError::bad_request(format!(
                        "each module must be an object, not {}",
                        kind(item)
                    )));
                };
                let (name, code) = parse_module(obj)?;
                if name == Some("main") {
                    main = Some(code.to_owned());
                }
            }
            main
        }
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`modules` must be a list, not {}",
                kind(other)
            )))
        }
    };
    let code = main.unwrap_or_else(|| DEFAULT_TRANSFORM_CODE.to_owned());
    Ok(Reply::json(run_result(&code, sample)))
}

fn parse_module(obj: &Map<String, Value>) -> Result<(Option<&str>, &str), ApiError> {
    let code = required_str(obj, "code")?;
    if let Some(lang) = obj.get("language") {
        if lang.as_str() != Some("PYTHON") {
            return Err(ApiError::bad_request("`language` must be \"PYTHON\""));
        }
    }
    let name = match obj.get("functionName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "`functionName` must be a non-empty string",
            ))
        }
    };
    Ok((name, code))
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

// This area's routes, in matching order (a literal segment before a
// `{capture}` in the same place).
crate::router::route_table! {
    GET "transform/functions" => |state, _req, _p| list(state),
    POST "transform/functions/run" => |state, req, _p| run(state, req),
    GET "transform/functions/{name}" => |state, _req, p| { let name = p[0]; get(state, name) },
    POST "transform/functions/{name}" => |state, req, p| { let name = p[0]; set_one(state, req, name) },
    DELETE "transform/functions/{name}" => |state, _req, p| { let name = p[0]; delete(state, name) },
    POST "transform/v2/functions" => |state, req, _p| set_many(state, req),
    POST "transform/v2/functions/run" => |state, req, _p| run_v2(state, req),
    GET "transform/defaults" => |_state, _req, _p| defaults(),
    GET "code-engine/requirements" => |state, _req, _p| requirements(state),
}
