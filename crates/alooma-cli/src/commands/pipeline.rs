//! `alooma pipeline export | plan | apply`: the pipeline as code, on
//! [`alooma_pipeline`].

use crate::context::Ctx;
use crate::exit::CliError;
use crate::output::{write_line, Format};
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

/// Runs a `pipeline` command.
pub async fn run(cmd: PipelineCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        PipelineCmd::Export { dir } => export(&dir, ctx).await,
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
