//! `alooma code-engine …`: Code Engine modules, test runs and requirements.

use crate::context::Ctx;
use crate::exit::CliError;
use clap::Subcommand;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Code Engine commands.
#[derive(Debug, Subcommand)]
pub enum CodeEngineCmd {
    /// Every module as the server lists it.
    List,
    /// One module's code, or every module (name → code) without MODULE.
    Get {
        /// The module (`main` holds `transform(event)`).
        module: Option<String>,
        /// Use the old `get_all_transforms` call (same answer).
        #[arg(long, conflicts_with = "module")]
        all_transforms: bool,
        /// Use the old per-module `get_transform` call (`main` falls back
        /// to the default transform when it cannot be read).
        #[arg(long, requires = "module")]
        transform: bool,
    },
    /// Deploy a module from a Python file.
    Set {
        /// The module's name.
        module: String,
        /// The Python file (`-` for standard input).
        file: PathBuf,
        /// Use the old per-module `set_transform` call
        /// (`POST transform/functions/{module}`).
        #[arg(long)]
        transform: bool,
    },
    /// Delete a module.
    Delete {
        /// The module's name.
        module: String,
        /// Use the old `delete_transform` name (same request).
        #[arg(long)]
        transform: bool,
    },
    /// Reset `main` to the transform that returns every event unchanged.
    Reset,
    /// Run the Code Engine on one sample event (nothing is deployed).
    Test {
        /// The sample event (a JSON file, `-` for standard input).
        sample: PathBuf,
        /// Run only a `main` transform (`test_transform`) instead of all modules.
        #[arg(long)]
        transform_only: bool,
        /// The code to run instead of the deployed code: with
        /// --transform-only, a Python file for `main`; otherwise
        /// NAME=FILE, repeatable, replacing the deployed modules.
        #[arg(long, value_name = "FILE|NAME=FILE")]
        code: Vec<String>,
    },
    /// Run the deployed code on every kept sample.
    TestAll {
        /// Only samples of this event type.
        #[arg(long)]
        event_type: Option<String>,
        /// Only samples with this status code (repeatable).
        #[arg(long = "status", value_name = "CODE")]
        status_codes: Vec<String>,
        /// Run only the `main` transform (`test_transform_all_samples`).
        #[arg(long)]
        transform_only: bool,
    },
    /// The Python packages installed in the Code Engine.
    Requirements {
        /// As `name==version` lines (pip's format).
        #[arg(long)]
        text: bool,
    },
}

/// Runs a Code Engine command: each is one client call, printed.
pub async fn run(cmd: CodeEngineCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        CodeEngineCmd::List => {
            let modules = ctx.client()?.get_code_engine_modules().await?;
            ctx.out
                .columns(&modules, &["functionName", "language", "code"])
        }
        CodeEngineCmd::Get {
            module: Some(module),
            transform,
            ..
        } => get_one(ctx, &module, transform).await,
        CodeEngineCmd::Get {
            module: None,
            all_transforms,
            ..
        } => get_all(ctx, all_transforms).await,
        CodeEngineCmd::Set {
            module,
            file,
            transform,
        } => set(ctx, &module, &file, transform).await,
        CodeEngineCmd::Delete { module, transform } => delete(ctx, &module, transform).await,
        CodeEngineCmd::Reset => {
            let client = ctx.client()?;
            ctx.confirm("replace the main module with the default transform")?;
            client.set_transform_to_default().await?;
            ctx.out.done("main is the default transform again")
        }
        CodeEngineCmd::Test {
            sample,
            transform_only,
            code,
        } => test(ctx, &sample, transform_only, &code).await,
        CodeEngineCmd::TestAll {
            event_type,
            status_codes,
            transform_only,
        } => test_all(ctx, event_type.as_deref(), &status_codes, transform_only).await,
        CodeEngineCmd::Requirements { text: true } => {
            let text = ctx.client()?.get_code_engine_requirements_text().await?;
            ctx.out.text(&text)
        }
        CodeEngineCmd::Requirements { text: false } => {
            let reqs = ctx.client()?.get_code_engine_requirements().await?;
            ctx.out.value(&reqs)
        }
    }
}

// The old per-module calls stay reachable on purpose: scripts ported
// from the reference use them.

/// `code-engine get MODULE`.
async fn get_one(ctx: &Ctx, module: &str, transform: bool) -> Result<(), CliError> {
    let client = ctx.client()?;
    let code = if transform {
        #[allow(deprecated)]
        client.get_transform(module).await?
    } else {
        client.get_code_engine_module(module).await?
    };
    ctx.out.text(&code)
}

/// `code-engine get`: every module.
async fn get_all(ctx: &Ctx, all_transforms: bool) -> Result<(), CliError> {
    let client = ctx.client()?;
    let modules = if all_transforms {
        #[allow(deprecated)]
        client.get_all_transforms().await?
    } else {
        client.get_code_engine_code().await?
    };
    ctx.out.value(&modules)
}

/// `code-engine set MODULE FILE`.
async fn set(ctx: &Ctx, module: &str, file: &Path, transform: bool) -> Result<(), CliError> {
    let code = super::read_text(file)?;
    let client = ctx.client()?;
    if transform {
        #[allow(deprecated)]
        client.set_transform(&code, module).await?;
    } else {
        let modules = BTreeMap::from([(module.to_owned(), code)]);
        client.set_code_engine_code(&modules).await?;
    }
    ctx.out.done(&format!("deployed module {module}"))
}

/// `code-engine delete MODULE`.
async fn delete(ctx: &Ctx, module: &str, transform: bool) -> Result<(), CliError> {
    let client = ctx.client()?;
    ctx.confirm(&format!("delete the Code Engine module {module}"))?;
    if transform {
        #[allow(deprecated)]
        client.delete_transform(module).await?;
    } else {
        client.delete_code_engine_module(module).await?;
    }
    ctx.out.done(&format!("deleted module {module}"))
}

/// `code-engine test SAMPLE`: one test run on the service.
async fn test(
    ctx: &Ctx,
    sample: &Path,
    transform_only: bool,
    code: &[String],
) -> Result<(), CliError> {
    let sample: Value = super::read_json(sample)?;
    let client = ctx.client()?;
    let result = if transform_only {
        let code = match code {
            [] => None,
            [file] => Some(super::read_text(&PathBuf::from(file))?),
            _ => {
                return Err(CliError::usage(
                    "--transform-only takes at most one --code FILE",
                ))
            }
        };
        client.test_transform(sample, code.as_deref()).await?
    } else if code.is_empty() {
        client.test_code_engine_code(sample, None).await?
    } else {
        let modules = modules_from(code)?;
        client.test_code_engine_code(sample, Some(&modules)).await?
    };
    ctx.out.value(&result)
}

/// `code-engine test-all`: every kept sample run, as a table of event
/// type, status, sample and result (or the whole answer as JSON/YAML).
async fn test_all(
    ctx: &Ctx,
    event_type: Option<&str>,
    status_codes: &[String],
    transform_only: bool,
) -> Result<(), CliError> {
    let client = ctx.client()?;
    let codes: Vec<&str> = status_codes.iter().map(String::as_str).collect();
    let spinner = ctx.out.spinner("testing every sample");
    let samples = if transform_only {
        client.test_transform_all_samples(event_type, &codes).await
    } else {
        client
            .test_code_engine_all_samples(event_type, &codes)
            .await
    };
    spinner.finish_and_clear();
    let samples = samples?;
    match ctx.out.format() {
        crate::output::Format::Json | crate::output::Format::Yaml => ctx.out.value(&samples),
        crate::output::Format::Table | crate::output::Format::Tsv => {
            let rows: Vec<Value> = samples
                .iter()
                .map(|s| {
                    json!({
                        "eventType": s.event_type,
                        "status": s.status,
                        "sample": s.sample,
                        "result": s.result.get().map(|r| &r.result),
                    })
                })
                .collect();
            ctx.out.value(&rows)
        }
    }
}

/// `NAME=FILE` pairs as a module map.
fn modules_from(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut modules = BTreeMap::new();
    for pair in pairs {
        let Some((name, file)) = pair.split_once('=') else {
            return Err(CliError::usage(format!(
                "--code {pair:?}: expected NAME=FILE (or use --transform-only --code FILE)"
            )));
        };
        modules.insert(name.to_owned(), super::read_text(&PathBuf::from(file))?);
    }
    Ok(modules)
}
