//! `alooma emulator serve`: runs the in-memory Alooma emulator until
//! Ctrl-C or SIGTERM; `alooma emulator journal`: what it was asked.

use crate::cli::GlobalArgs;
use crate::context::Ctx;
use crate::exit::CliError;
use alooma::core::{Operation, OperationMeta, RetrySafety};
use alooma_emulator::{AccountConfig, Clock, EmulatorConfig, Fault, Seed, Transitions};
use bytes::Bytes;
use clap::{Args, Subcommand};
use serde_json::Value;
use std::path::PathBuf;

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCmd {
    /// Serve the emulator on 127.0.0.1 until Ctrl-C or SIGTERM.
    ///
    /// The account and user name are the global --account and --username
    /// (defaults: acme, demo@example.com); the API key it accepts is --key
    /// (default emulator-api-key), never ALOOMA_API_KEY, so a real key in
    /// the environment is not used. Once ready it prints, on standard
    /// output, the base URL and the `export …` line that points alooma at
    /// it.
    Serve(ServeArgs),
    /// Print a running emulator's request journal (oldest first), with
    /// secrets redacted: time, operation, request, status, fault, body.
    ///
    /// It asks the emulator at the base URL in use (--base-url,
    /// ALOOMA_BASE_URL or the profile's) with the API key in use.
    Journal(JournalArgs),
    /// Build an emulator seed from a cassette (`alooma --record FILE …`,
    /// the SDK's `record_to`): the structure, inputs, event types and
    /// mappings, Code Engine, tables, queries and settings its answers
    /// show. Serve it with `alooma emulator serve --seed SEED`.
    SeedFrom(SeedFromArgs),
}

/// Arguments of `alooma emulator seed-from`.
#[derive(Debug, Args)]
pub struct SeedFromArgs {
    /// The cassette (JSON lines).
    pub cassette: PathBuf,
    /// Write the seed here instead of standard output.
    #[arg(id = "seed_file", long = "out-file", short = 'O', value_name = "FILE")]
    pub out_file: Option<PathBuf>,
}

/// Arguments of `alooma emulator journal`.
#[derive(Debug, Args)]
pub struct JournalArgs {
    /// Only this operation (`set_mapping`, `get_inputs` …).
    #[arg(long, value_name = "NAME")]
    pub operation: Option<String>,
    /// Only requests at or after this time: epoch seconds or
    /// milliseconds, or 2024-05-01T08:00:00.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only requests after this sequence number.
    #[arg(long, value_name = "SEQ")]
    pub after: Option<u64>,
    /// Only this account.
    #[arg(long = "of-account", value_name = "ACCOUNT")]
    pub of_account: Option<String>,
    /// Only requests answered with this status.
    #[arg(long)]
    pub status: Option<u16>,
    /// Only the newest N.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Empty the journal instead (after printing nothing).
    #[arg(long)]
    pub clear: bool,
}

/// Arguments of `alooma emulator serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The API key the emulator accepts (its own test credential).
    #[arg(long, value_name = "KEY", default_value = "emulator-api-key")]
    pub key: String,
    /// The emulated user's password (with --username). This is the
    /// emulator's own test credential, not a real account's.
    #[arg(long)]
    pub password: Option<String>,
    /// Start from this seed file (JSON) instead of the demo seed.
    #[arg(long, value_name = "FILE", conflicts_with = "empty")]
    pub seed: Option<PathBuf>,
    /// Start with an empty account instead of the demo seed.
    #[arg(long)]
    pub empty: bool,
    /// Start from the state a cassette's answers show (see `alooma
    /// emulator seed-from`).
    #[arg(long, value_name = "CASSETTE", conflicts_with_all = ["seed", "empty"])]
    pub from_cassette: Option<PathBuf>,
    /// Close a connection whose request head has not fully arrived after
    /// this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = alooma_emulator::DEFAULT_HEADER_TIMEOUT.as_secs())]
    pub header_timeout: u64,
    /// Answer 408 when a request body has not fully arrived after this many
    /// seconds.
    #[arg(long, value_name = "SECS", default_value_t = alooma_emulator::DEFAULT_BODY_TIMEOUT.as_secs())]
    pub body_timeout: u64,
    /// Answer 413 to request bodies larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = alooma_emulator::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Load the state from FILE when it exists (instead of the seed), and
    /// save it there, atomically: after every request that changed
    /// something (an API write, events taken in) before it is answered, at
    /// shutdown (Ctrl-C, SIGTERM) and on `POST /__emulator/snapshot`. What
    /// the emulator answered 2xx outlives a kill. The file holds secret
    /// values: keep it private (it is written with mode 0600).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Keep the events of intake requests (`POST /rest/{token}`, the Python
    /// SDK) in the journal, secrets redacted; by default they are journaled
    /// without their events, which are users' data.
    #[arg(long)]
    pub journal_events: bool,
    /// Inject a fault from the start (repeatable): JSON, or
    /// KIND[:key=value,…], e.g.
    /// `status:status=503,operation=get_inputs,probability=0.2,seed=7,times=forever`
    /// or `latency:median_ms=80,sigma=0.6,times=forever`.
    #[arg(long = "fault", value_name = "SPEC", value_parser = parse_fault)]
    pub faults: Vec<Fault>,
    /// Serve one more account, with its own key and state (repeatable):
    /// NAME:KEY, or NAME:KEY:SEED_FILE (empty when no seed file).
    #[arg(long = "add-account", value_name = "NAME:KEY[:SEED]")]
    pub add_accounts: Vec<String>,
    /// New inputs stay `starting` until read this many times.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub input_start_reads: u32,
    /// New inputs stay `starting` for this many seconds.
    #[arg(long, value_name = "SECS")]
    pub input_start_secs: Option<f64>,
    /// The restream queue drains this many events a second while streaming.
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub restream_drain_per_sec: f64,
    /// Every Nth run of a scheduled query fails.
    #[arg(long, value_name = "N")]
    pub query_fail_every: Option<u32>,
    /// Use a test clock that stands still until moved with
    /// `POST /__emulator/clock` (`{"advance_secs": 60}`).
    #[arg(long)]
    pub test_clock: bool,
    /// Never run Code Engine code: test runs answer 501, deploys store
    /// code unchecked. (By default test runs execute the code in a real
    /// Python interpreter, as the service did for whoever held the key; the
    /// emulator listens on 127.0.0.1 only.)
    #[arg(long)]
    pub no_code_execution: bool,
    /// The Python interpreter that runs Code Engine code [default: python3]
    #[arg(long, value_name = "PATH", env = "ALOOMA_PYTHON")]
    pub python: Option<PathBuf>,
    /// Where events pushed to the inputs load: sqlite:PATH,
    /// postgres://user@host:port/db, or sqlite::memory: [default: an
    /// SQLite file beside --state, else in memory]. Each --add-account has
    /// its own beside it (PATH.account-NAME; in memory with PostgreSQL).
    #[arg(long, value_name = "URL")]
    pub warehouse: Option<String>,
}

fn parse_fault(spec: &str) -> Result<Fault, String> {
    Fault::parse(spec)
}

/// `NAME:KEY[:SEED_FILE]`.
fn parse_account(spec: &str) -> Result<AccountConfig, CliError> {
    let mut parts = spec.splitn(3, ':');
    let (Some(name), Some(key)) = (parts.next(), parts.next()) else {
        return Err(CliError::usage(format!(
            "--add-account {spec:?}: give NAME:KEY or NAME:KEY:SEED_FILE"
        )));
    };
    if name.is_empty() || key.is_empty() {
        return Err(CliError::usage(format!(
            "--add-account {spec:?}: the name and the key must not be empty"
        )));
    }
    let seed = match parts.next() {
        Some(path) if !path.is_empty() => Seed::from_file(path).map_err(|e| {
            CliError::usage(format!(
                "--add-account {name}: cannot use the seed {path}: {e}"
            ))
        })?,
        _ => Seed::empty(),
    };
    Ok(AccountConfig::new(name, key).seed(seed))
}

/// Runs an emulator command.
pub async fn run(cmd: EmulatorCmd, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        EmulatorCmd::Serve(args) => serve(args, &ctx.global).await,
        EmulatorCmd::Journal(args) => journal(args, ctx).await,
        EmulatorCmd::SeedFrom(args) => seed_from(&args),
    }
}

fn seed_from(args: &SeedFromArgs) -> Result<(), CliError> {
    let seed = Seed::from_cassette_file(&args.cassette).map_err(|e| {
        CliError::usage(format!("cannot seed from {}: {e}", args.cassette.display()))
    })?;
    let text = seed.to_json();
    match &args.out_file {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
            eprintln!(
                "alooma: wrote the seed to {} (serve it with `alooma emulator serve --seed {}`)",
                path.display(),
                path.display()
            );
        }
        None => crate::output::write_line(text.trim_end())?,
    }
    Ok(())
}

/// A request to the emulator's admin API (an absolute URI, which the
/// client's base-URL layer leaves as it is).
struct AdminCall {
    method: http::Method,
    url: String,
}

impl Operation for AdminCall {
    type Output = Option<Value>;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("emulator_journal", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<http::Request<Bytes>, alooma::Error> {
        let mut req = http::Request::new(Bytes::new());
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.url.parse().map_err(|e| alooma::Error::Build {
            operation: "emulator_journal",
            reason: format!("not a URL: {e}"),
        })?;
        req.extensions_mut().insert(self.meta());
        Ok(req)
    }

    fn decode(&self, response: http::Response<Bytes>) -> Result<Self::Output, alooma::Error> {
        alooma::core::decode::json_or_empty("emulator_journal", response)
    }
}

async fn journal(args: JournalArgs, ctx: &Ctx) -> Result<(), CliError> {
    let client = ctx.client()?;
    let base = ctx
        .global
        .base_url
        .clone()
        .or_else(|| {
            ctx.profile()
                .ok()
                .flatten()
                .and_then(|(_, p)| p.base_url.clone())
        })
        .ok_or_else(|| {
            CliError::usage(
                "which emulator? give --base-url or ALOOMA_BASE_URL (the URL `alooma emulator serve` printed)",
            )
        })?;
    let mut query = Vec::new();
    let encode = alooma::core::encode_component;
    if let Some(op) = &args.operation {
        query.push(format!("operation={}", encode(op)));
    }
    if let Some(t) = &args.since {
        query.push(format!("since={}", encode(t)));
    }
    if let Some(n) = args.after {
        query.push(format!("after={n}"));
    }
    if let Some(a) = &args.of_account {
        query.push(format!("account={}", encode(a)));
    }
    if let Some(s) = args.status {
        query.push(format!("status={s}"));
    }
    if let Some(n) = args.limit {
        query.push(format!("limit={n}"));
    }
    let mut url = format!("{}/__emulator/requests", base.trim_end_matches('/'));
    if !query.is_empty() {
        url = format!("{url}?{}", query.join("&"));
    }
    let method = if args.clear {
        http::Method::DELETE
    } else {
        http::Method::GET
    };
    let answer = client.send(AdminCall { method, url }).await?;
    if args.clear {
        ctx.out.done("the journal is empty")?;
        return Ok(());
    }
    let records = answer.unwrap_or(Value::Array(Vec::new()));
    ctx.out.columns(
        &records,
        &[
            "seq",
            "time",
            "operation",
            "method",
            "path",
            "status",
            "fault",
        ],
    )
}

async fn serve(args: ServeArgs, global: &GlobalArgs) -> Result<(), CliError> {
    let mut config = EmulatorConfig::default();
    config.port = args.port;
    config.header_timeout = std::time::Duration::from_secs(args.header_timeout.max(1));
    config.body_timeout = std::time::Duration::from_secs(args.body_timeout.max(1));
    config.max_body_bytes = args.max_body_bytes;
    config.state_file = args.state.clone();
    config.journal_events = args.journal_events;
    config.faults = args.faults.clone();
    for spec in &args.add_accounts {
        config.accounts.push(parse_account(spec)?);
    }
    let mut transitions = Transitions::default()
        .input_start_reads(args.input_start_reads)
        .restream_drain_per_sec(args.restream_drain_per_sec.max(0.0));
    if let Some(secs) = args.input_start_secs {
        transitions = transitions.input_start_secs(secs.max(0.0));
    }
    if let Some(n) = args.query_fail_every {
        transitions = transitions.query_fail_every(n);
    }
    config.transitions = transitions;
    config.code = if args.no_code_execution {
        alooma_emulator::CodeExecution::disabled()
    } else {
        let mut engine = alooma_engine::code_engine::Config::default();
        if let Some(python) = &args.python {
            engine = engine.python(python);
        }
        alooma_emulator::CodeExecution::with_config(engine)
    };
    config.warehouse = match (&args.warehouse, &config.state_file) {
        (Some(url), _) => alooma_emulator::domain::data::WarehouseLocation::parse(url).ok_or_else(|| {
            CliError::usage(format!(
                "--warehouse {url:?}: give sqlite:PATH, sqlite::memory: or postgres://user@host:port/db"
            ))
        })?,
        (None, Some(state)) => {
            let mut file = state.as_os_str().to_owned();
            file.push(".warehouse.sqlite");
            alooma_emulator::domain::data::WarehouseLocation::File(file.into())
        }
        (None, None) => alooma_emulator::domain::data::WarehouseLocation::Memory,
    };
    if args.test_clock {
        config.clock = Clock::manual(Clock::system().now_millis());
    }
    if let Some(account) = &global.account {
        config.account = account.clone();
    }
    config.api_key = Some(args.key.clone());
    match (&global.username, &args.password) {
        (Some(user), Some(password)) => {
            config.username = Some(user.clone());
            config.password = Some(password.clone());
        }
        (None, None) => {}
        _ => {
            return Err(CliError::usage(
                "give --username and --password together (the emulated login)",
            ))
        }
    }
    config.seed = match (&args.seed, args.empty, &args.from_cassette) {
        (Some(path), _, _) => Seed::from_file(path)
            .map_err(|e| CliError::usage(format!("cannot use the seed {}: {e}", path.display())))?,
        (None, _, Some(path)) => Seed::from_cassette_file(path)
            .map_err(|e| CliError::usage(format!("cannot seed from {}: {e}", path.display())))?,
        (None, true, None) => Seed::empty(),
        (None, false, None) => Seed::demo(),
    };
    let account = config.account.clone();
    let key = args.key.clone();
    alooma_emulator::serve_with(config, shutdown_signal(), |emu| {
        let _ = crate::output::write_line(emu.base_url());
        let _ = crate::output::write_line(&format!(
            "export ALOOMA_BASE_URL={} ALOOMA_ACCOUNT={} ALOOMA_API_KEY={}",
            shell_word(emu.base_url()),
            shell_word(&account),
            shell_word(&key)
        ));
        eprintln!(
            "alooma emulator: account {account} at {} (REST root {}); web page {}/__emulator/; Ctrl-C to stop",
            emu.base_url(),
            emu.rest_url(),
            emu.base_url()
        );
        if let Some(path) = emu.state_file() {
            eprintln!(
                "alooma emulator: state file {} (saved at shutdown and on POST /__emulator/snapshot)",
                path.display()
            );
        }
    })
    .await
    .map_err(|e| {
        CliError::failed(format!(
            "the emulator failed: {e} (is the port free? try --port 0)"
        ))
    })?;
    match &args.state {
        Some(path) => eprintln!(
            "alooma emulator: stopped; state saved to {}",
            path.display()
        ),
        None => eprintln!("alooma emulator: stopped"),
    }
    Ok(())
}

/// A word as a POSIX shell reads it back: as is when it is plain, in
/// single quotes otherwise.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Resolves on Ctrl-C (SIGINT), or on SIGTERM on Unix. The listeners are armed
/// when this is called, before the caller says it is ready: a signal sent
/// as soon as the ready line is read is never lost (nor does it kill the
/// process with the default action).
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            if term.is_none() && interrupt.is_none() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            tokio::select! {
                () = wait(term) => {}
                () = wait(interrupt) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        let ctrl_c = tokio::signal::ctrl_c();
        async move {
            let _ = ctrl_c.await;
        }
    }
}
