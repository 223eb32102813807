//! [`Plan::apply`]: the plan's changes sent through the SDK, step by step,
//! with a report of every step.

use crate::change::{Action, Change};
use crate::kinds::{self, Op, Write};
use crate::secrets::references;
use crate::{Document, Kind, Plan};
use alooma::core::Operation;
use alooma::{Client, HttpService};
use serde_json::Value;
use std::fmt;

/// How to apply.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// Build every request and report it, rendered, without sending any
    /// write.
    pub dry_run: bool,
    /// After a failed step, go on with the next ones (by default the rest
    /// is not attempted).
    pub keep_going: bool,
    /// Before anything is written, run the desired Code Engine modules
    /// against every stored sample, locally in a real Python interpreter
    /// (`alooma_engine`'s runner, as `alooma code test` does), and apply
    /// nothing if one run fails.
    pub test_code: bool,
    /// How the code test runs the modules (the interpreter, the limits).
    pub code_engine: alooma_engine::code_engine::Config,
}

impl ApplyOptions {
    /// The options of a dry run.
    pub fn dry_run() -> Self {
        ApplyOptions {
            dry_run: true,
            ..ApplyOptions::default()
        }
    }

    /// The same options with `keep_going` set.
    pub fn keep_going(mut self, keep_going: bool) -> Self {
        self.keep_going = keep_going;
        self
    }

    /// The same options with `test_code` set.
    pub fn test_code(mut self, test_code: bool) -> Self {
        self.test_code = test_code;
        self
    }

    /// The same options, the code test running with `config` (another
    /// interpreter, other limits).
    pub fn code_engine(mut self, config: alooma_engine::code_engine::Config) -> Self {
        self.code_engine = config;
        self
    }
}

/// How one step ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum StepOutcome {
    /// Every request of the step succeeded.
    Done,
    /// A dry run: the requests were built, not sent.
    DryRun,
    /// The step failed; later requests of the step were not sent.
    Failed {
        /// What went wrong, in one line.
        message: String,
        /// The SDK's error, when a request failed.
        error: Option<alooma::Error>,
    },
    /// An earlier failure stopped the apply before this step.
    NotAttempted,
}

/// One step of an apply: a change and how it ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct StepReport {
    /// The resource.
    pub id: crate::ResourceId,
    /// What the step does.
    pub action: Action,
    /// How it ended.
    pub outcome: StepOutcome,
    /// The step's requests as [`alooma::core::render`] shows them, secret
    /// values redacted (a dry run's output; the request lines of a real
    /// run).
    pub requests: Vec<String>,
}

/// What an apply did, step by step.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct ApplyReport {
    /// Every step, in order.
    pub steps: Vec<StepReport>,
    /// The Code Engine test (`--test-code`): one line per sample run, and
    /// whether every run passed.
    pub code_tests: Vec<String>,
    /// Why nothing was applied, when the Code Engine test failed.
    pub refused: Option<String>,
    /// How many write requests were sent.
    pub writes_sent: usize,
}

impl ApplyReport {
    /// Whether every step was done (or built, in a dry run).
    pub fn is_success(&self) -> bool {
        self.refused.is_none()
            && self
                .steps
                .iter()
                .all(|s| matches!(s.outcome, StepOutcome::Done | StepOutcome::DryRun))
    }

    /// The machine-readable report: every step with its outcome (and its
    /// error, in one line), the writes sent, the Code Engine test. Holds no
    /// secret value.
    pub fn to_json(&self) -> Value {
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|s| {
                let (outcome, error) = match &s.outcome {
                    StepOutcome::Done => ("done", None),
                    StepOutcome::DryRun => ("dry-run", None),
                    StepOutcome::Failed { message, .. } => ("failed", Some(message.clone())),
                    StepOutcome::NotAttempted => ("not-attempted", None),
                };
                serde_json::json!({
                    "kind": s.id.kind,
                    "name": s.id.name,
                    "action": s.action,
                    "outcome": outcome,
                    "error": error,
                    "requests": s.requests,
                })
            })
            .collect();
        serde_json::json!({
            "success": self.is_success(),
            "steps": steps,
            "writes_sent": self.writes_sent,
            "code_tests": self.code_tests,
            "refused": self.refused,
        })
    }

    /// The steps that failed.
    pub fn failures(&self) -> impl Iterator<Item = &StepReport> {
        self.steps
            .iter()
            .filter(|s| matches!(s.outcome, StepOutcome::Failed { .. }))
    }
}

impl fmt::Display for StepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = format!("{} {}", self.action.as_str(), self.id);
        match &self.outcome {
            StepOutcome::Done => write!(f, "done           {what}"),
            StepOutcome::DryRun => write!(f, "would send     {what}"),
            StepOutcome::Failed { message, .. } => write!(f, "failed         {what}: {message}"),
            StepOutcome::NotAttempted => write!(f, "not attempted  {what}"),
        }
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.code_tests {
            writeln!(f, "{line}")?;
        }
        if let Some(why) = &self.refused {
            writeln!(f, "refused: {why}")?;
        }
        for step in &self.steps {
            writeln!(f, "{step}")?;
            if matches!(step.outcome, StepOutcome::DryRun) {
                for r in &step.requests {
                    for line in r.trim_end().lines() {
                        writeln!(f, "    {line}")?;
                    }
                }
            }
        }
        let count =
            |p: fn(&StepOutcome) -> bool| self.steps.iter().filter(|s| p(&s.outcome)).count();
        writeln!(
            f,
            "Apply: {} done, {} failed, {} not attempted{}.",
            count(|o| matches!(o, StepOutcome::Done)),
            count(|o| matches!(o, StepOutcome::Failed { .. })),
            count(|o| matches!(o, StepOutcome::NotAttempted)),
            if self
                .steps
                .iter()
                .any(|s| matches!(s.outcome, StepOutcome::DryRun))
            {
                format!(
                    ", {} would be sent (dry run: no write sent)",
                    count(|o| matches!(o, StepOutcome::DryRun))
                )
            } else {
                String::new()
            }
        )
    }
}

/// The write requests of one change, in order.
fn writes(change: &Change, plan: &Plan) -> Result<Vec<Op>, String> {
    if !change.missing_secrets.is_empty() {
        return Err(format!(
            "no value for secret reference(s) {} (set {} or pass --secrets FILE); there is no current value to keep",
            change.missing_secrets.join(", "),
            change.missing_secrets.iter().map(|n| format!("{}{n}", crate::ENV_PREFIX)).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(Document::Json(doc)) = &change.send {
        if let Some((pointer, reference)) = references(doc).into_iter().next() {
            return Err(format!(
                "secret reference {reference} at {pointer} has no value"
            ));
        }
    }
    kinds::of(change.id.kind).writes(&Write {
        kind: change.id.kind,
        name: change.id.name.as_str(),
        action: change.action,
        send: change.send.as_ref(),
        server_id: change.server_id.as_deref(),
        output_node: plan.output_node.as_ref(),
    })
}

/// A request as text, with every secret value redacted
/// ([`alooma::core::render_redacted`]).
pub(crate) fn render_redacted(op: &Op) -> Result<String, alooma::Error> {
    Ok(alooma::core::render_redacted(&op.build()?))
}

impl Plan {
    /// Carries out the plan through `client`, step by step (see
    /// [`Plan::changes`] for the order), and reports every step. Never
    /// panics and never stops half-way through a step's bookkeeping: every
    /// step is done, failed (with its error) or not attempted.
    ///
    /// With [`ApplyOptions::dry_run`], the requests are built and rendered
    /// (secret values redacted) and no write is sent. After a failure the
    /// rest is not attempted, unless [`ApplyOptions::keep_going`]. A new
    /// plan afterwards shows exactly what is left.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// # let client = alooma::Client::builder().base_url(emulator.base_url())
    /// #     .account(emulator.account()).api_key(emulator.api_key().unwrap()).build().unwrap();
    /// use alooma_pipeline::{ApplyOptions, Document, Kind, Pipeline, Plan, PlanOptions, ResourceId};
    /// let mut desired = Pipeline::fetch(&client).await.unwrap();
    /// desired.insert(ResourceId::singleton(Kind::MappingMode), Document::Json("STRICT".into()));
    /// let plan = Plan::new(&desired, &Pipeline::fetch(&client).await.unwrap(), &PlanOptions::default()).unwrap();
    ///
    /// let dry = plan.apply(&client, &ApplyOptions::dry_run()).await;
    /// assert_eq!(dry.writes_sent, 0);
    /// assert!(dry.to_string().contains("POST /mapping-mode"));
    ///
    /// let report = plan.apply(&client, &ApplyOptions::default()).await;
    /// assert!(report.is_success() && report.writes_sent == 1, "{report}");
    /// # });
    /// ```
    pub async fn apply<S: HttpService>(
        &self,
        client: &Client<S>,
        options: &ApplyOptions,
    ) -> ApplyReport {
        let mut report = ApplyReport::default();
        if options.test_code && self.changes().iter().any(|c| c.id.kind == Kind::CodeModule) {
            if let Err(why) = self.test_code(client, options, &mut report).await {
                tracing::debug!(reason = %why, "pipeline apply refused: the Code Engine test failed");
                report.refused = Some(why);
                for change in self.changes() {
                    report.steps.push(StepReport {
                        id: change.id.clone(),
                        action: change.action,
                        outcome: StepOutcome::NotAttempted,
                        requests: Vec::new(),
                    });
                }
                return report;
            }
        }
        let mut stopped = false;
        for change in self.changes() {
            let mut step = StepReport {
                id: change.id.clone(),
                action: change.action,
                outcome: StepOutcome::Done,
                requests: Vec::new(),
            };
            if stopped {
                step.outcome = StepOutcome::NotAttempted;
                report.steps.push(step);
                continue;
            }
            match writes(change, self) {
                Err(message) => {
                    step.outcome = StepOutcome::Failed {
                        message,
                        error: None,
                    };
                }
                Ok(ops) => {
                    for op in ops {
                        if options.dry_run {
                            match render_redacted(&op) {
                                Ok(text) => step.requests.push(text),
                                Err(e) => {
                                    step.outcome = StepOutcome::Failed {
                                        message: e.to_string(),
                                        error: Some(e),
                                    };
                                    break;
                                }
                            }
                            step.outcome = StepOutcome::DryRun;
                            continue;
                        }
                        if let Ok(req) = op.build() {
                            step.requests
                                .push(format!("{} {}", req.method(), req.uri()));
                        }
                        report.writes_sent += 1;
                        if let Err(e) = client.send(op).await {
                            step.outcome = StepOutcome::Failed {
                                message: e.to_string(),
                                error: Some(e),
                            };
                            break;
                        }
                    }
                }
            }
            if let StepOutcome::Failed { message, .. } = &step.outcome {
                tracing::debug!(resource = %step.id, %message, "pipeline step failed");
                stopped = !options.keep_going;
            }
            report.steps.push(step);
        }
        report
    }

    /// Runs the desired modules against every stored sample, locally.
    async fn test_code<S: HttpService>(
        &self,
        client: &Client<S>,
        options: &ApplyOptions,
        report: &mut ApplyReport,
    ) -> Result<(), String> {
        use alooma_engine::code_engine::{CodeEngine, Modules, Transformed};
        let samples = client
            .get_samples(None, &[])
            .await
            .map_err(|e| format!("reading the stored samples: {e}"))?;
        if samples.is_empty() {
            report
                .code_tests
                .push("code test: no stored samples to run the modules against".into());
            return Ok(());
        }
        let modules: Modules = self
            .code_modules
            .iter()
            .map(|(n, c)| (n.as_str(), c.as_str()))
            .collect();
        let engine = CodeEngine::new(options.code_engine.clone());
        let deployment = match engine.deploy(&modules) {
            Ok(d) => d,
            Err(e) => {
                let why = match e.code_error() {
                    Some(code) => format!("the Code Engine modules do not load: {code}"),
                    None => format!("the Code Engine modules could not be run: {e}"),
                };
                report.code_tests.push(format!("code test: {why}"));
                return Err(why);
            }
        };
        let events: Vec<Value> = samples.iter().map(|s| s.event().clone()).collect();
        let runs = engine
            .run(&deployment, &events)
            .map_err(|e| format!("the Code Engine modules could not be run: {e}"))?;
        for (n, (sample, run)) in samples.iter().zip(&runs).enumerate() {
            let label = format!(
                "sample {} ({})",
                n + 1,
                sample
                    .event_type
                    .get()
                    .map(String::as_str)
                    .unwrap_or("no event type")
            );
            if let Transformed::Failed(error) = &run.result {
                report
                    .code_tests
                    .push(format!("code test: {label} failed: {error}"));
                return Err(format!(
                    "the Code Engine modules fail on {label}: {error}\n{}",
                    error.error_message().trim_end()
                ));
            }
            report.code_tests.push(format!("code test: {label} passed"));
        }
        Ok(())
    }
}
