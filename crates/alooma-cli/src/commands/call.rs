//! `alooma call` and `alooma operations`: every operation of the registry,
//! by name, with no command of its own needed.
//!
//! `alooma operations` lists the registry (`alooma_core::operations()`);
//! `alooma call NAME ARG…` builds that operation from its arguments, sends
//! it and prints the answer, or with `--dry-run` prints the request instead.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::core::{render, OperationInfo, RetrySafety};
use clap::Args;
use serde_json::{json, Map, Value};
use std::path::Path;

/// Arguments of `alooma call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The operation (the reference client's method name; see
    /// `alooma operations`).
    pub operation: String,
    /// Its arguments: `name=text`, `name:=JSON` (a number, `true`, a list,
    /// an object…) or `name:=@FILE` (JSON read from FILE, `-` for standard
    /// input).
    #[arg(value_name = "ARG")]
    pub arguments: Vec<String>,
    /// All the arguments as one JSON object (merged under the ARGs).
    #[arg(long, value_name = "JSON")]
    pub arguments_json: Option<String>,
    /// Print the request that would be sent, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn find(name: &str) -> Result<&'static OperationInfo, CliError> {
    alooma::core::operation(name).ok_or_else(|| {
        let mut close: Vec<(f64, &str)> = alooma::core::operations()
            .map(|op| op.meta().name)
            .map(|n| {
                // A name that holds what was typed is as close as can be.
                let score = if n.contains(name) {
                    1.0
                } else {
                    strsim::jaro_winkler(n, name)
                };
                (score, n)
            })
            .filter(|(score, _)| *score > 0.85)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        let close: Vec<&str> = close.into_iter().take(3).map(|(_, n)| n).collect();
        let hint = if close.is_empty() {
            "see `alooma operations`".to_owned()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        CliError::usage(format!("no operation is called `{name}`; {hint}"))
    })
}

/// Parses `name=text`, `name:=JSON` and `name:=@FILE`.
fn parse_argument(arg: &str) -> Result<(String, Value), CliError> {
    if let Some((name, json)) = arg.split_once(":=") {
        let text = match json.strip_prefix('@') {
            Some(file) => super::read_text(Path::new(file))?,
            None => json.to_owned(),
        };
        let value = serde_json::from_str(&text).map_err(|e| {
            CliError::usage(format!("argument `{name}`: {text:?} is not JSON: {e}"))
        })?;
        return Ok((name.to_owned(), value));
    }
    match arg.split_once('=') {
        Some((name, text)) => Ok((name.to_owned(), Value::String(text.to_owned()))),
        None => Err(CliError::usage(format!(
            "argument {arg:?} is not `name=text`, `name:=JSON` or `name:=@FILE`"
        ))),
    }
}

fn arguments(args: &CallArgs) -> Result<Value, CliError> {
    let mut map = match &args.arguments_json {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(CliError::usage("--arguments-json must be a JSON object")),
            Err(e) => {
                return Err(CliError::usage(format!(
                    "--arguments-json is not JSON: {e}"
                )))
            }
        },
        None => Map::new(),
    };
    for arg in &args.arguments {
        let (name, value) = parse_argument(arg)?;
        map.insert(name, value);
    }
    Ok(Value::Object(map))
}

/// The request as `render` shows it, secret values redacted unless
/// `--show-secrets`.
fn dry_run(request: &alooma::http::Request<bytes::Bytes>, show_secrets: bool) -> String {
    let text = if show_secrets {
        render(request)
    } else {
        alooma::core::render_redacted(request)
    };
    format!("{}\n\ndry run: this request was not sent", text.trim_end())
}

/// Runs `alooma call`.
pub async fn call(args: CallArgs, ctx: &Ctx) -> Result<(), CliError> {
    let info = find(&args.operation)?;
    let operation = info
        .from_arguments(arguments(&args)?)
        .map_err(|e| CliError::usage(e.to_string()))?;
    if args.dry_run {
        let request = operation.build()?;
        return crate::output::write_line(
            dry_run(&request, ctx.global.show_secrets).trim_end_matches('\n'),
        );
    }
    let answer = ctx.client()?.send(operation).await?;
    match answer {
        Value::Null => ctx.out.done(&format!("{}: done", info.meta().name)),
        value => ctx.out.value(&value),
    }
}

/// Runs `alooma operations`: the registry, one row per operation.
pub fn list(ctx: &Ctx) -> Result<(), CliError> {
    let rows: Vec<Value> = alooma::core::operations()
        .map(|op| {
            let meta = op.meta();
            let arguments: Vec<String> = op
                .examples()
                .first()
                .and_then(|e| {
                    e.operation
                        .arguments()
                        .as_object()
                        .map(|m| m.keys().cloned().collect())
                })
                .unwrap_or_default();
            let command = std::iter::once(format!("alooma call {}", meta.name))
                .chain(arguments.iter().map(|a| format!("{a}=…")))
                .collect::<Vec<_>>()
                .join(" ");
            json!({
                "operation": meta.name,
                "area": meta.area,
                "request": format!("{} {}", meta.verb, meta.path),
                "retry": match meta.retry {
                    RetrySafety::Idempotent => "idempotent",
                    _ => "not idempotent",
                },
                "deprecated": meta.deprecated,
                "arguments": arguments,
                "summary": meta.summary,
                "command": command,
            })
        })
        .collect();
    ctx.out
        .columns(&rows, &["operation", "request", "retry", "summary"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_take_three_forms() {
        assert_eq!(
            parse_argument("name=web clicks").unwrap(),
            ("name".into(), json!("web clicks"))
        );
        assert_eq!(
            parse_argument("sleep_time:=45").unwrap(),
            ("sleep_time".into(), json!(45))
        );
        assert_eq!(
            parse_argument("x:={\"a\": [1]}").unwrap(),
            ("x".into(), json!({"a": [1]}))
        );
        assert_eq!(
            parse_argument("q=a=b").unwrap(),
            ("q".into(), json!("a=b")),
            "only the first = splits"
        );
        assert!(parse_argument("nothing").is_err());
        assert!(parse_argument("n:={oops").is_err());
    }

    #[test]
    fn unknown_operations_suggest_close_names() {
        let err = find("event_type").unwrap_err().to_string();
        assert!(err.contains("get_event_type"), "{err}");
    }
}
