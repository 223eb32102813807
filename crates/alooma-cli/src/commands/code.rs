//! `alooma code test`: Code Engine modules run offline, in a real Python
//! interpreter, on sample events, with expectations.

use crate::context::Ctx;
use crate::exit::CliError;
use alooma_engine::code_engine::samples::{differences, expectations, read_samples};
use alooma_engine::code_engine::{CodeEngine, Config, Modules, Run, Transformed};
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

/// Offline Code Engine commands (no server).
#[derive(Debug, Subcommand)]
pub enum CodeCmd {
    /// Run modules on sample events in a real Python interpreter, locally.
    ///
    /// Exits 0 when every sample runs without an error (with --expect:
    /// when every sample gives what the file expects, an expected error
    /// included), 1 when one fails or differs, 2 when a file cannot be
    /// used. Each difference is printed on standard error.
    #[command(
        after_help = "Examples:\n  alooma code test --modules pipeline/code-engine --samples samples.json\n  alooma code test --modules code/ --samples events.jsonl --expect expected.json\n  alooma code test --modules code/ --samples samples.json --expect expected.json --update"
    )]
    Test(TestArgs),
}

/// `alooma code test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// A folder of modules: each `NAME.py` is the module NAME; `main.py`
    /// holds `transform(event)`.
    #[arg(long, value_name = "DIR")]
    pub modules: PathBuf,
    /// The events: a JSON list, JSON lines, or the service's samples
    /// (`[{"sample": …}]`).
    #[arg(long, value_name = "FILE")]
    pub samples: PathBuf,
    /// What each sample should give: a JSON list of `{"result", "output"}`.
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    /// Write the results to the --expect file instead of comparing.
    #[arg(long, requires = "expect")]
    pub update: bool,
    /// The Python interpreter [default: python3]
    #[arg(long, value_name = "PATH", env = "ALOOMA_PYTHON")]
    pub python: Option<PathBuf>,
    /// How long one event may run, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    pub time_limit: f64,
}

/// Runs an offline Code Engine command.
pub fn run(cmd: CodeCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        CodeCmd::Test(args) => test(args, ctx),
    }
}

fn test(args: TestArgs, ctx: &Ctx) -> Result<(), CliError> {
    let modules = Modules::from_dir(&args.modules)
        .map_err(|e| CliError::usage(format!("--modules {}: {e}", args.modules.display())))?;
    if modules.is_empty() {
        return Err(CliError::usage(format!(
            "--modules {}: no .py file in it",
            args.modules.display()
        )));
    }
    let events = read_samples(&args.samples).map_err(|e| CliError::usage(e.to_string()))?;
    let time_limit = Duration::try_from_secs_f64(args.time_limit)
        .ok()
        .filter(|d| !d.is_zero() && *d <= Duration::from_secs(86_400))
        .ok_or_else(|| {
            CliError::usage("--time-limit must be a number of seconds above 0, at most a day")
        })?;
    let mut config = Config::default().time_limit(time_limit);
    if let Some(python) = args.python {
        config = config.python(python);
    }
    let engine = CodeEngine::new(config);
    let runs = match engine.deploy(&modules) {
        Ok(deployment) => engine.run(&deployment, &events),
        Err(e) => match e.code_error() {
            Some(code) => Ok(vec![Run::failed(code.clone()); events.len().max(1)]),
            None => Err(e),
        },
    }
    .map_err(|e| CliError::failed(e.to_string()))?;

    let mut report: Vec<Value> = runs.iter().enumerate().map(|(i, r)| row(i, r)).collect();
    let failed = runs.iter().filter(|r| r.result.error().is_some()).count();
    let mut differ = 0;
    if let Some(expect) = &args.expect {
        if args.update {
            let text = serde_json::to_string_pretty(&expectations(&runs))
                .map_err(|e| CliError::failed(e.to_string()))?;
            std::fs::write(expect, text + "\n")
                .map_err(|e| CliError::failed(format!("{}: {e}", expect.display())))?;
        } else {
            let text = std::fs::read_to_string(expect)
                .map_err(|e| CliError::usage(format!("--expect {}: {e}", expect.display())))?;
            let wanted: Value = serde_json::from_str(&text)
                .map_err(|e| CliError::usage(format!("--expect {}: {e}", expect.display())))?;
            let found = differences(&runs, &wanted).map_err(|e| CliError::usage(e.to_string()))?;
            differ = found.len();
            for d in &found {
                if let Some(row) = report.get_mut(d.index) {
                    row["status"] = json!("differs");
                    if let Some(list) = row["differences"].as_array_mut() {
                        list.push(
                            json!({"what": d.what, "expected": d.expected, "actual": d.actual}),
                        );
                    }
                }
                eprintln!("{d}");
            }
        }
    }
    ctx.out.columns(
        &report,
        &["sample", "status", "result", "output", "runtime_ms"],
    )?;
    let summary = format!(
        "{} sample(s): {} failed, {} difference(s){}",
        runs.len(),
        failed,
        differ,
        if args.update {
            "; expectations written"
        } else {
            ""
        }
    );
    eprintln!("{summary}");
    // With expectations, a run that fails as expected passes; without,
    // every run must succeed.
    let bad = match (&args.expect, args.update) {
        (Some(_), true) => false,
        (Some(_), false) => differ > 0,
        (None, _) => failed > 0,
    };
    if bad {
        Err(CliError::Code(crate::exit::FAILURE, String::new()))
    } else {
        Ok(())
    }
}

/// One sample's line of the report.
fn row(index: usize, run: &Run) -> Value {
    let (status, result) = match &run.result {
        Transformed::Event(_) => ("ok", run.result.to_json()),
        Transformed::Dropped => ("dropped", Value::Null),
        Transformed::Split(list) => ("split", json!(list)),
        Transformed::Failed(e) => (
            "failed",
            json!({"error": e.to_string(), "traceback": e.traceback}),
        ),
        _ => ("ok", run.result.to_json()),
    };
    json!({
        "sample": index + 1,
        "status": status,
        "result": result,
        "output": run.output,
        "runtime_ms": (run.runtime_ms * 1000.0).round() / 1000.0,
        "differences": [],
    })
}
