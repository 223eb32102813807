//! `alooma pipeline export | plan | apply`: the pipeline as code, on
//! [`alooma_pipeline`].

use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{write_line, Format};
use alooma_pipeline::run::{RunOptions, WarehouseUrl};
use alooma_pipeline::{ApplyOptions, Pipeline, PipelineError, Plan, PlanOptions, SecretValues};
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The pipeline as code.
#[derive(Debug, Subcommand)]
pub enum PipelineCmd {
    /// Write the live system's configuration into DIR, one canonical file
    /// per resource (secret values become {"$secret": "NAME"} references).
    Export {
        /// The directory (created when missing; other files in it are kept).
        dir: PathBuf,
    },
    /// Compare DIR (the desired state) with the live system and print what
    /// apply would change. Sends no write.
    Plan(PlanArgs),
    /// Carry out the plan: asks first (unless --yes), refuses without a
    /// terminal and without --yes.
    Apply(ApplyArgs),
    /// Run the pipeline offline, with no server: its Code Engine modules
    /// (real Python), its mappings and mapping mode, over raw events (JSON,
    /// JSON lines, .gz, or an S3 retention folder) into a warehouse.
    /// Re-running the same events loads nothing twice.
    #[command(
        after_help = "Examples:\n  alooma pipeline run ./pipeline --events retention/ --warehouse sqlite:dwh.sqlite\n  alooma -o json pipeline run ./pipeline --events day.jsonl.gz --warehouse sqlite:dwh.sqlite --queued failed.jsonl"
    )]
    Run(RunArgs),
}

/// Arguments of `alooma pipeline run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline directory (as `pipeline export` writes it).
    pub dir: PathBuf,
    /// Event files or folders (repeatable).
    #[arg(long, required = true, num_args = 1.., value_name = "PATH")]
    pub events: Vec<PathBuf>,
    /// Where rows load: sqlite:PATH, sqlite::memory: or
    /// postgres://user@host:port/db.
    #[arg(long, value_name = "URL")]
    pub warehouse: String,
    /// Where events that did not load are written, one JSON object a line
    /// with the reason [default: queued.jsonl, only when one did not load]
    #[arg(long, value_name = "FILE")]
    pub queued: Option<PathBuf>,
    /// Events per batch.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// The Python interpreter the Code Engine runs [default: python3]
    #[arg(long, value_name = "PATH", env = "ALOOMA_PYTHON")]
    pub python: Option<PathBuf>,
}

/// What plan and apply share.
#[derive(Debug, Args)]
pub struct Target {
    /// The pipeline directory (written by `alooma pipeline export`).
    pub dir: PathBuf,
    /// Delete live resources that DIR does not have.
    #[arg(long)]
    pub prune: bool,
    /// Secret values: a JSON object or NAME=value lines, kept outside DIR
    /// (ALOOMA_SECRET_<NAME> variables are read too; the file wins).
    #[arg(long, value_name = "FILE")]
    pub secrets: Option<PathBuf>,
}

/// `alooma pipeline plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub target: Target,
    /// Exit 0 when there is nothing to change, 2 when there is, 1 on any
    /// error (Terraform's convention).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// `alooma pipeline apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub target: Target,
    /// Print every request apply would send (secret values redacted) and
    /// send no write.
    #[arg(long)]
    pub dry_run: bool,
    /// After a failed step, go on with the next ones.
    #[arg(long)]
    pub keep_going: bool,
    /// Run the directory's Code Engine modules on the stored samples
    /// first, locally in a real Python interpreter, and apply nothing if a
    /// run fails.
    #[arg(long)]
    pub test_code: bool,
    /// The Python interpreter --test-code uses [default: python3]
    #[arg(long, value_name = "PATH", env = "ALOOMA_PYTHON")]
    pub python: Option<std::path::PathBuf>,
}

fn pipeline_error(e: PipelineError) -> CliError {
    match e {
        PipelineError::Read { source, .. } => CliError::Sdk(source),
        other => CliError::failed(other.to_string()),
    }
}

/// The secret values: `ALOOMA_SECRET_*`, then the file (which must not be
/// inside the pipeline directory, where it would be committed).
fn secret_values(target: &Target) -> Result<SecretValues, CliError> {
    let mut values = SecretValues::from_env();
    if let Some(file) = &target.secrets {
        let inside = match (file.canonicalize(), target.dir.canonicalize()) {
            (Ok(f), Ok(d)) => f.starts_with(d),
            _ => false,
        };
        if inside {
            return Err(CliError::usage(format!(
                "the secrets file {} is inside the pipeline directory {}: keep it out of the repository",
                file.display(),
                target.dir.display()
            )));
        }
        values.extend(SecretValues::from_file(file).map_err(pipeline_error)?);
    }
    Ok(values)
}

/// Loads DIR, reads the live system, and plans.
async fn make_plan(target: &Target, ctx: &Ctx) -> Result<Plan, CliError> {
    let desired = Pipeline::load(&target.dir).map_err(pipeline_error)?;
    let options = PlanOptions::prune(target.prune).with_secrets(secret_values(target)?);
    let client = ctx.client()?;
    let spinner = ctx.out.spinner("reading the live system");
    let live = Pipeline::fetch(&client).await;
    spinner.finish_and_clear();
    Plan::new(&desired, &live.map_err(pipeline_error)?, &options).map_err(pipeline_error)
}

fn print_plan(plan: &Plan, ctx: &Ctx) -> Result<(), CliError> {
    match ctx.out.format() {
        Format::Json | Format::Yaml => ctx.out.value(&plan.to_json()),
        Format::Table | Format::Tsv => write_line(plan.to_string().trim_end()),
    }
}

async fn export(dir: &Path, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    let spinner = ctx.out.spinner("reading the live system");
    let live = Pipeline::fetch(&client).await;
    spinner.finish_and_clear();
    let live = live.map_err(pipeline_error)?;
    live.write(dir).map_err(pipeline_error)?;
    let count = live.resources().count();
    let references = live.secret_references();
    match ctx.out.format() {
        Format::Json | Format::Yaml => ctx.out.value(&json!({
            "dir": dir.display().to_string(),
            "resources": count,
            "secret_references": references,
        })),
        Format::Table | Format::Tsv => {
            write_line(&format!("exported {count} resources to {}", dir.display()))?;
            if !references.is_empty() {
                write_line(&format!(
                    "secret values are not written; apply reads them from ALOOMA_SECRET_<NAME> or --secrets FILE: {}",
                    references.join(", ")
                ))?;
            }
            Ok(())
        }
    }
}

/// `pipeline run`: the library's [`Pipeline::run`], with a progress bar on
/// a terminal, the events that did not load written to a file, and a
/// summary.
fn run_offline(args: &RunArgs, ctx: &Ctx) -> Result<(), CliError> {
    let pipeline = Pipeline::load(&args.dir).map_err(pipeline_error)?;
    let mut options =
        RunOptions::new(WarehouseUrl::parse(&args.warehouse).map_err(pipeline_error)?);
    options.batch_size = args.batch;
    if let Some(python) = &args.python {
        options.code_engine = options.code_engine.python(python);
    }
    let queued_path = args
        .queued
        .clone()
        .unwrap_or_else(|| PathBuf::from("queued.jsonl"));
    let mut queued_file: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut queued = 0usize;
    let bar = ctx.out.bytes_bar(0, "0 events");
    let result = pipeline.run(
        &args.events,
        &options,
        &mut |not_loaded| {
            if queued_file.is_none() {
                let f =
                    std::fs::File::create(&queued_path).map_err(|source| PipelineError::Io {
                        path: queued_path.clone(),
                        source,
                    })?;
                queued_file = Some(std::io::BufWriter::new(f));
            }
            queued += 1;
            let io = |source| PipelineError::Io {
                path: queued_path.clone(),
                source,
            };
            if let Some(out) = queued_file.as_mut() {
                serde_json::to_writer(&mut *out, &not_loaded)
                    .map_err(std::io::Error::from)
                    .map_err(io)?;
                std::io::Write::write_all(out, b"\n").map_err(io)?;
            }
            Ok(())
        },
        &mut |progress| {
            bar.set_length(progress.bytes_total);
            bar.set_position(progress.bytes_read);
            bar.set_message(format!("{} events", progress.events_read));
        },
    );
    bar.finish_and_clear();
    if let Some(mut out) = queued_file.take() {
        std::io::Write::flush(&mut out)
            .map_err(|e| CliError::failed(format!("{}: {e}", queued_path.display())))?;
    }
    let report = result.map_err(pipeline_error)?;
    let queued_to = (queued > 0).then(|| queued_path.display().to_string());
    match ctx.out.format() {
        Format::Json | Format::Yaml => {
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            value["queued_file"] = json!(queued_to);
            ctx.out.value(&value)
        }
        Format::Table | Format::Tsv => {
            let f = &report.flow;
            write_line(&format!(
                "read {} event(s): {} row(s) loaded, {} already loaded, {} discarded, {} dropped by the Code Engine, {} did not load",
                report.events_read,
                f.loaded,
                f.already_loaded,
                f.discarded,
                f.dropped_by_code,
                queued
            ))?;
            for (event_type, n) in &f.loaded_by_event_type {
                write_line(&format!("  {event_type}: {n} row(s)"))?;
            }
            for (kind, n) in &f.queued {
                write_line(&format!("  not loaded ({kind}): {n}"))?;
            }
            if report.not_events > 0 {
                write_line(&format!("  not events (malformed): {}", report.not_events))?;
            }
            if let Some(file) = queued_to {
                write_line(&format!(
                    "events that did not load, with the reason: {file}"
                ))?;
            }
            Ok(())
        }
    }
}

/// Runs a `pipeline` command.
pub async fn run(cmd: PipelineCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        PipelineCmd::Export { dir } => export(&dir, ctx).await,
        PipelineCmd::Run(args) => run_offline(&args, ctx),
        PipelineCmd::Plan(args) => {
            let plan = make_plan(&args.target, ctx).await;
            if !args.detailed_exitcode {
                return print_plan(&plan?, ctx);
            }
            // Terraform's convention: 1 for any error, 2 for changes.
            let plan = plan.map_err(|e| CliError::Code(1, e.message()))?;
            print_plan(&plan, ctx).map_err(|e| CliError::Code(1, e.message()))?;
            if plan.is_empty() {
                Ok(())
            } else {
                Err(CliError::Code(2, String::new()))
            }
        }
        PipelineCmd::Apply(args) => {
            let plan = make_plan(&args.target, ctx).await?;
            let json = matches!(ctx.out.format(), Format::Json | Format::Yaml);
            if plan.is_empty() {
                return if json {
                    ctx.out
                        .value(&json!({ "plan": plan.to_json(), "report": null }))
                } else {
                    write_line(plan.to_string().trim_end())
                };
            }
            if !json {
                write_line(plan.to_string().trim_end())?;
            }
            // The global --dry-run means the same as apply's own.
            let dry_run = args.dry_run || ctx.global.dry_run;
            if !dry_run {
                ctx.confirm(&format!(
                    "apply {} change(s) to the live system",
                    plan.changes().len()
                ))?;
            }
            let options = if dry_run {
                ApplyOptions::dry_run()
            } else {
                ApplyOptions::default()
            }
            .keep_going(args.keep_going)
            .test_code(args.test_code);
            let options = match &args.python {
                Some(python) => options
                    .code_engine(alooma_engine::code_engine::Config::default().python(python)),
                None => options,
            };
            let client = ctx.client()?;
            let report = plan.apply(&client, &options).await;
            if json {
                ctx.out
                    .value(&json!({ "plan": plan.to_json(), "report": report.to_json() }))?;
            } else {
                write_line("")?;
                write_line(report.to_string().trim_end())?;
            }
            if report.is_success() {
                Ok(())
            } else {
                Err(CliError::failed(format!(
                    "the apply did not finish ({} step(s) failed{}); run `alooma pipeline plan {}` to see what is left",
                    report.failures().count(),
                    if report.refused.is_some() { ", the Code Engine test refused it" } else { "" },
                    args.target.dir.display()
                )))
            }
        }
    }
}
