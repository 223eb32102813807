//! `alooma system clean`: reset the whole system (destructive).

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::core::system::CLEAN_SYSTEM_STEPS;
use alooma::{CleanSystemReport, StepOutcome};
use clap::Subcommand;
use serde_json::{json, Value};

/// Whole-system commands.
#[derive(Debug, Subcommand)]
pub enum SystemCmd {
    /// Reset EVERYTHING (asks first unless --yes): the Code Engine to the
    /// default transform, purge the Restream Queue, remove every input,
    /// delete every event type, reset e-mail notifications, delete S3
    /// retention. A failed step does not stop the others.
    Clean {
        /// Do not show progress (even on a terminal).
        #[arg(long)]
        no_progress: bool,
    },
}

/// Runs a system command.
pub async fn run(cmd: SystemCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        SystemCmd::Clean { no_progress } => {
            let client = ctx.client()?;
            ctx.confirm("reset the WHOLE system (inputs, event types, Code Engine, Restream Queue, settings)")?;
            let report = if no_progress {
                client.clean_system().await
            } else {
                let len = u64::try_from(CLEAN_SYSTEM_STEPS.len()).unwrap_or(u64::MAX);
                let bar = ctx.out.bar(len, "cleaning the system");
                let report = client
                    .clean_system_with(|step, _| {
                        bar.set_message(step.description());
                        bar.inc(1);
                    })
                    .await;
                bar.finish_and_clear();
                report
            };
            finish(ctx, report)
        }
    }
}

/// One row per step.
pub fn report_rows(report: &CleanSystemReport) -> Vec<Value> {
    report
        .steps
        .iter()
        .map(|(step, outcome)| {
            json!({
                "step": step.operation(),
                "description": step.description(),
                "ok": outcome.is_success(),
                "outcome": match outcome {
                    StepOutcome::Bulk(r) => super::bulk_json(r),
                    other => Value::String(other.to_string()),
                },
            })
        })
        .collect()
}

fn finish(ctx: &Ctx, report: CleanSystemReport) -> Result<(), CliError> {
    ctx.out
        .columns(&report_rows(&report), &["step", "ok", "outcome"])?;
    let failed = report.failures().count();
    let dry = report.failures().all(|(_, outcome)| match outcome {
        StepOutcome::Failed(e) => e.is_dry_run(),
        StepOutcome::Bulk(r) => r.failed.iter().all(|(_, e)| e.is_dry_run()),
        _ => false,
    });
    if failed == 0 {
        Ok(())
    } else if dry {
        crate::output::write_line(
            "dry run: no write was sent (each step stopped before its first write)",
        )
    } else {
        Err(CliError::failed(format!(
            "{failed} step(s) of the clean-up failed (listed above); fix the cause and run `alooma system clean` again"
        )))
    }
}
