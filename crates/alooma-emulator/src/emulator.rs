//! The running emulator and how to configure and start it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::future::Future;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::domain::clock::Clock;
use crate::domain::code::CodeExecution;
use crate::domain::data::WarehouseLocation;
use crate::domain::persist::Snapshot;
use crate::domain::seed::Seed;
use crate::domain::state::State;
use crate::domain::transitions::Transitions;
use crate::http::faults::Fault;
use crate::http::journal::{Expect, Journal, JournalFilter, RequestRecord, VerifyError};
use crate::http::server;
use crate::http::shared::{lock, Shared, Tenant};
use crate::EmulatorError;

/// The default account name.
pub const DEFAULT_ACCOUNT: &str = "acme";
/// The default API key.
pub const DEFAULT_API_KEY: &str = "emulator-api-key";
/// The default login username (an email, as the service uses).
pub const DEFAULT_USERNAME: &str = "demo@example.com";
/// The default login password.
pub const DEFAULT_PASSWORD: &str = "emulator-password";
/// The default request body limit: 64 MiB (larger bodies answer 413).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Everything an emulator is started with. `Debug` hides the API key and
/// password.
///
/// ```
/// let mut config = alooma_emulator::EmulatorConfig::default();
/// config.port = 8089;
/// config.account = "demo".into();
/// assert_eq!(config.api_key.as_deref(), Some(alooma_emulator::DEFAULT_API_KEY));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct EmulatorConfig {
    /// The account name served under `/{account}/rest/` (also `/rest/`).
    pub account: String,
    /// The accepted API key (`Authorization: API <key>`); `None` accepts none.
    pub api_key: Option<String>,
    /// The accepted login username; login needs both username and password.
    pub username: Option<String>,
    /// The accepted login password.
    pub password: Option<String>,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The initial content.
    pub seed: Seed,
    /// The largest request body accepted (larger answers 413).
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's headers before the
    /// connection is closed. Default [`DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body (a declared
    /// `Content-Length` that never arrives) before it is answered 408 and
    /// the connection closed. Default [`DEFAULT_BODY_TIMEOUT`].
    pub body_timeout: Duration,
    /// More accounts, each with its own key, login and state (isolated
    /// from the primary one and from each other).
    pub accounts: Vec<AccountConfig>,
    /// The clock (default the system clock; [`Clock::manual`] for tests).
    pub clock: Clock,
    /// How the state moves over time.
    pub transitions: Transitions,
    /// A state file: loaded at start when it exists (instead of the seeds
    /// of the accounts it holds), saved after every write (before it is
    /// answered), at shutdown and on `POST /__emulator/snapshot` (see
    /// [`crate::persist`]).
    pub state_file: Option<PathBuf>,
    /// Whether the journal keeps the events of intake requests
    /// (`/rest/{token}`, `/pysdk/{token}`), secrets redacted by the
    /// journal's key rule. Off by default: they are users' data.
    pub journal_events: bool,
    /// Faults injected from the start.
    pub faults: Vec<Fault>,
    /// Whether test runs execute Code Engine code, and with which engine
    /// (by default a real CPython, `python3` or `ALOOMA_PYTHON`; see
    /// [`CodeExecution`]).
    pub code: CodeExecution,
    /// Where the primary account's warehouse lives (in memory by default).
    /// Each other account has its own beside it (see
    /// [`WarehouseLocation::for_account`]).
    pub warehouse: WarehouseLocation,
}

/// One more account of an emulator: its name, key, login and seed.
/// `Debug` hides the key and password.
///
/// ```
/// let other = alooma_emulator::AccountConfig::new("globex", "GLOBEX-KEY")
///     .seed(alooma_emulator::Seed::empty())
///     .credentials("ops@globex.example", "pw");
/// assert_eq!(other.account, "globex");
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct AccountConfig {
    /// The account name.
    pub account: String,
    /// The accepted API key (each account's own).
    pub api_key: Option<String>,
    /// The accepted login username.
    pub username: Option<String>,
    /// The accepted login password.
    pub password: Option<String>,
    /// The initial content (default empty).
    pub seed: Seed,
}

impl AccountConfig {
    /// An account with this name and key, no login, an empty seed.
    pub fn new(account: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            account: account.into(),
            api_key: Some(api_key.into()),
            username: None,
            password: None,
            seed: Seed::empty(),
        }
    }

    /// Its initial content.
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// Its login.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }
}

impl std::fmt::Debug for AccountConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountConfig")
            .field("account", &self.account)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("seed", &self.seed)
            .finish()
    }
}

/// The default [`EmulatorConfig::header_timeout`]: 60 s, longer than a
/// client's usual idle-connection timeout (30 s) so that an idle
/// keep-alive connection is given up by the client first.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(60);
/// The default [`EmulatorConfig::body_timeout`]: 30 s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            account: DEFAULT_ACCOUNT.into(),
            api_key: Some(DEFAULT_API_KEY.into()),
            username: Some(DEFAULT_USERNAME.into()),
            password: Some(DEFAULT_PASSWORD.into()),
            port: 0,
            seed: Seed::demo(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            accounts: Vec::new(),
            clock: Clock::system(),
            transitions: Transitions::default(),
            state_file: None,
            journal_events: false,
            faults: Vec::new(),
            code: CodeExecution::default(),
            warehouse: WarehouseLocation::default(),
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("account", &self.account)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("port", &self.port)
            .field("seed", &self.seed)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("header_timeout", &self.header_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("accounts", &self.accounts)
            .field("clock", &self.clock)
            .field("transitions", &self.transitions)
            .field("journal_events", &self.journal_events)
            .field("state_file", &self.state_file)
            .field("faults", &self.faults)
            .field("code", &self.code)
            .finish()
    }
}

/// Configures an [`Emulator`] before starting it.
///
/// ```no_run
/// # async fn demo() -> Result<(), alooma_emulator::EmulatorError> {
/// use alooma_emulator::{Emulator, Seed};
/// let emu = Emulator::builder()
///     .account("acme")
///     .api_key("KEY")
///     .credentials("user@example.com", "pw")
///     .seed(Seed::empty())
///     .port(0)
///     .start()
///     .await?;
/// println!("{}", emu.rest_url());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    config: EmulatorConfig,
}

impl EmulatorBuilder {
    /// The account name (default [`DEFAULT_ACCOUNT`]).
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.config.account = account.into();
        self
    }

    /// The accepted API key (default [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_key = Some(key.into());
        self
    }

    /// Accept no API key at all (only login sessions).
    pub fn without_api_key(mut self) -> Self {
        self.config.api_key = None;
        self
    }

    /// The accepted login username and password.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.config.username = Some(username.into());
        self.config.password = Some(password.into());
        self
    }

    /// Refuse every login.
    pub fn without_credentials(mut self) -> Self {
        self.config.username = None;
        self.config.password = None;
        self
    }

    /// The initial content (default [`Seed::demo`]).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.config.seed = seed;
        self
    }

    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// The request body limit (default [`DEFAULT_MAX_BODY_BYTES`]).
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.config.max_body_bytes = max;
        self
    }

    /// How long a client may take to send a request's headers.
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_timeout = timeout;
        self
    }

    /// How long a client may take to send a request's body.
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_timeout = timeout;
        self
    }

    /// Adds an account with its own key, login and state.
    pub fn add_account(mut self, account: AccountConfig) -> Self {
        self.config.accounts.push(account);
        self
    }

    /// The clock ([`Clock::manual`] makes time move only when told).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.config.clock = clock;
        self
    }

    /// Whether test runs execute Code Engine code, and with which engine
    /// ([`CodeExecution::disabled`]: they answer 501).
    pub fn code_execution(mut self, code: CodeExecution) -> Self {
        self.config.code = code;
        self
    }

    /// How the state moves over time.
    pub fn transitions(mut self, transitions: Transitions) -> Self {
        self.config.transitions = transitions;
        self
    }

    /// Loads the state from this file when it exists, and saves it there
    /// after every write (before answering it), at shutdown and on
    /// `POST /__emulator/snapshot`.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }

    /// Keeps the events of intake requests in the journal (secrets
    /// redacted by the journal's key rule); by default an intake request
    /// is journaled without its body.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let emu = alooma_emulator::Emulator::builder().journal_events(true).start().await.unwrap();
    /// # emu.shutdown().await.unwrap(); });
    /// ```
    pub fn journal_events(mut self, keep: bool) -> Self {
        self.config.journal_events = keep;
        self
    }

    /// Where the primary account's warehouse lives: an SQLite file, or a
    /// PostgreSQL server (see [`WarehouseLocation`]).
    pub fn warehouse(mut self, location: WarehouseLocation) -> Self {
        self.config.warehouse = location;
        self
    }

    /// Injects a fault from the start.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.config.faults.push(fault);
        self
    }

    /// The configuration built so far.
    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    /// Binds the port and starts serving.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        Emulator::from_config(self.config).await
    }
}

impl From<EmulatorConfig> for EmulatorBuilder {
    fn from(config: EmulatorConfig) -> Self {
        Self { config }
    }
}

/// A running emulator on 127.0.0.1. The server stops when this is dropped;
/// [`Emulator::shutdown`] stops it gracefully and waits.
///
/// ```no_run
/// # async fn demo() -> Result<(), alooma_emulator::EmulatorError> {
/// use alooma_emulator::{Emulator, Fault};
/// let emu = Emulator::start().await?; // demo seed, account "acme"
/// emu.inject(Fault::status(503).retry_after(1).times(2));
/// let inputs = emu.with_state(|s| s.input_meta.len());
/// assert!(inputs > 0);
/// emu.shutdown().await?;
/// # Ok(()) }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("account", &self.shared.primary().account)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator with every default: the demo seed, account
    /// [`DEFAULT_ACCOUNT`], key [`DEFAULT_API_KEY`], login
    /// [`DEFAULT_USERNAME`]/[`DEFAULT_PASSWORD`], a free port.
    pub async fn start() -> Result<Self, EmulatorError> {
        Self::builder().start().await
    }

    /// A builder with every default.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator from a full configuration.
    pub async fn from_config(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        let primary = AccountConfig {
            account: config.account.clone(),
            api_key: config.api_key.clone(),
            username: config.username.clone(),
            password: config.password.clone(),
            seed: config.seed.clone(),
        };
        let accounts: Vec<AccountConfig> = std::iter::once(primary)
            .chain(config.accounts.iter().cloned())
            .collect();
        check_accounts(&accounts)?;
        for fault in &config.faults {
            fault.validate().map_err(EmulatorError::Config)?;
        }
        let mut loaded: BTreeMap<String, State> = match &config.state_file {
            Some(path) if path.exists() => Snapshot::read(path)?
                .states()?
                .into_iter()
                .map(|s| (s.account.clone(), s))
                .collect(),
            _ => BTreeMap::new(),
        };
        if let Some(unknown) = loaded
            .keys()
            .find(|name| !accounts.iter().any(|a| &a.account == *name))
        {
            return Err(EmulatorError::State(format!(
                "the state file holds the account {unknown:?}, which this emulator is not configured to serve"
            )));
        }
        let mut tenants = Vec::new();
        for (index, a) in accounts.into_iter().enumerate() {
            let state = match loaded.remove(&a.account) {
                Some(mut s) => {
                    s.clock = config.clock.clone();
                    s.transitions = config.transitions.clone();
                    s.code = config.code.clone();
                    s
                }
                None => State::from_seed_with(
                    &a.account,
                    &a.seed,
                    config.clock.clone(),
                    config.transitions.clone(),
                )
                .map(|mut s| {
                    s.code = config.code.clone();
                    s
                })
                .map_err(|e| match e {
                    EmulatorError::Seed(why) if a.account != config.account => {
                        EmulatorError::Seed(format!("account {}: {why}", a.account))
                    }
                    other => other,
                })?,
            };
            let mut state = state;
            state.warehouse = if index == 0 {
                config.warehouse.clone()
            } else {
                config.warehouse.for_account(&a.account)
            };
            let credentials = match (a.username, a.password) {
                (Some(u), Some(p)) => Some((u, p)),
                _ => None,
            };
            tenants.push(Tenant {
                account: a.account,
                api_key: a.api_key,
                credentials,
                state: Mutex::new(state),
                sessions: Mutex::new(HashSet::new()),
            });
        }
        let bind = |source| EmulatorError::Bind {
            port: config.port,
            source,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let shared = Arc::new(Shared {
            tenants,
            max_body_bytes: config.max_body_bytes,
            header_timeout: config.header_timeout,
            body_timeout: config.body_timeout,
            faults: Mutex::new(config.faults),
            journal: Mutex::new(Journal::default()),
            clock: config.clock,
            state_file: config.state_file,
            snapshots: Mutex::new(BTreeMap::new()),
            saving: Mutex::new(()),
            journal_events: config.journal_events,
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::run(listener, Arc::clone(&shared), stopped));
        Ok(Self {
            shared,
            addr,
            base_url: format!("http://{addr}"),
            stop,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash): the SDK's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The REST root, `http://127.0.0.1:PORT/{account}/rest/`.
    pub fn rest_url(&self) -> String {
        let account = percent_encoding::utf8_percent_encode(
            &self.shared.primary().account,
            percent_encoding::NON_ALPHANUMERIC,
        );
        format!("{}/{account}/rest/", self.base_url)
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The account name.
    pub fn account(&self) -> &str {
        &self.shared.primary().account
    }

    /// Every account served, the primary one first.
    pub fn accounts(&self) -> Vec<&str> {
        self.shared
            .tenants
            .iter()
            .map(|t| t.account.as_str())
            .collect()
    }

    /// The accepted API key (`None` for an emulator built
    /// `without_api_key`); [`key`](Self::key) is the form for tests.
    pub fn api_key(&self) -> Option<&str> {
        self.shared.primary().api_key.as_deref()
    }

    /// The API key to give a client: the accepted one, or `""` (which the
    /// emulator refuses) when it was built `without_api_key`. No `Option`
    /// to unwrap in a test.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// assert_eq!(emulator.key(), "emulator-api-key");
    /// # });
    /// ```
    pub fn key(&self) -> &str {
        self.shared.primary().api_key.as_deref().unwrap_or_default()
    }

    /// The accepted login username and password.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.shared
            .primary()
            .credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// Injects a fault (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// The faults still pending, in the order they apply.
    pub fn faults(&self) -> Vec<Fault> {
        lock(&self.shared.faults).clone()
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The request journal (API requests only, oldest first, at most
    /// 10 000), secrets redacted (see [`crate::journal`]).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests_matching(&JournalFilter::default())
    }

    /// The journal's records that match `filter`.
    pub fn requests_matching(&self, filter: &JournalFilter) -> Vec<RequestRecord> {
        lock(&self.shared.journal).list(filter)
    }

    /// Checks an expectation on the journal, WireMock style: an operation
    /// called N times (at least once by default) with a body containing a
    /// JSON subset.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use alooma_emulator::{Emulator, Expect};
    /// let emu = Emulator::start().await.unwrap();
    /// assert!(emu.verify(Expect::operation("set_mapping").never()).is_ok());
    /// let missing = emu.verify(Expect::operation("set_mapping")).unwrap_err();
    /// assert!(missing.to_string().contains("0 matched"));
    /// # });
    /// ```
    pub fn verify(&self, expect: Expect) -> Result<(), VerifyError> {
        expect.check(&self.requests())
    }

    /// Empties the journal.
    pub fn clear_requests(&self) {
        lock(&self.shared.journal).clear();
    }

    /// Forgets every login session of every account: the next request with
    /// a session cookie answers 401, so a client's re-login can be tested.
    pub fn expire_sessions(&self) {
        for t in &self.shared.tenants {
            lock(&t.sessions).clear();
        }
    }

    /// The emulator's clock (a handle: advancing it moves the emulator's time).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Moves the emulator's clock forward (see [`crate::transitions`]).
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Reads the primary account's state (brought up to the clock's time).
    pub fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.shared.primary().state_now())
    }

    /// Changes the primary account's state directly (for test set-up).
    pub fn with_state_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.shared.primary().state_now())
    }

    /// Reads an account's state; `None` for an account not served.
    pub fn with_account_state<R>(&self, account: &str, f: impl FnOnce(&State) -> R) -> Option<R> {
        self.shared.tenant(account).map(|t| f(&t.state_now()))
    }

    /// Changes an account's state; `None` for an account not served.
    pub fn with_account_state_mut<R>(
        &self,
        account: &str,
        f: impl FnOnce(&mut State) -> R,
    ) -> Option<R> {
        self.shared.tenant(account).map(|t| f(&mut t.state_now()))
    }

    /// The primary account's state as JSON (secret values left out), see
    /// [`State::to_json`].
    pub fn state_json(&self) -> serde_json::Value {
        self.with_state(State::to_json)
    }

    /// A snapshot of every account's state (see [`crate::persist`]).
    pub fn snapshot(&self) -> Result<Snapshot, EmulatorError> {
        self.shared.snapshot()
    }

    /// Puts the state of every account in `snapshot` back.
    pub fn restore(&self, snapshot: &Snapshot) -> Result<(), EmulatorError> {
        self.shared.restore(snapshot)
    }

    /// Saves every account's state to `path`, atomically.
    pub fn save_state(&self, path: impl AsRef<Path>) -> Result<(), EmulatorError> {
        self.shared.snapshot()?.write(path)
    }

    /// The state file given at start, if any.
    pub fn state_file(&self) -> Option<&Path> {
        self.shared.state_file.as_deref()
    }

    /// Stops accepting, lets open connections finish (up to 5 s), waits,
    /// and saves the state file (if there is one).
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.await
                .map_err(|e| EmulatorError::Server(e.to_string()))?;
        }
        self.shared.save()?;
        Ok(())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Runs an emulator until `shutdown` completes: what `alooma emulator
/// serve` calls. Prints one line, `listening on http://127.0.0.1:PORT`, to
/// standard output when ready, then stops gracefully.
///
/// ```no_run
/// # async fn demo() -> Result<(), alooma_emulator::EmulatorError> {
/// let mut config = alooma_emulator::EmulatorConfig::default();
/// config.port = 8089;
/// let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// alooma_emulator::serve(config, async { let _ = stopped.await; }).await
/// # }
/// ```
pub async fn serve(
    config: EmulatorConfig,
    shutdown: impl Future<Output = ()>,
) -> Result<(), EmulatorError> {
    serve_with(config, shutdown, |emu| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", emu.base_url());
        let _ = out.flush();
    })
    .await
}

/// Like [`serve`], but calls `on_ready` (instead of printing) once the
/// port is bound.
pub async fn serve_with(
    config: EmulatorConfig,
    shutdown: impl Future<Output = ()>,
    on_ready: impl FnOnce(&Emulator),
) -> Result<(), EmulatorError> {
    let emu = Emulator::from_config(config).await?;
    on_ready(&emu);
    shutdown.await;
    emu.shutdown().await
}

/// Refuses empty or repeated account names and API keys.
fn check_accounts(accounts: &[AccountConfig]) -> Result<(), EmulatorError> {
    let mut names = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for a in accounts {
        if a.account.is_empty() {
            return Err(EmulatorError::Config(
                "the account name must not be empty".into(),
            ));
        }
        if !names.insert(a.account.as_str()) {
            return Err(EmulatorError::Config(format!(
                "the account {:?} is configured twice",
                a.account
            )));
        }
        match a.api_key.as_deref() {
            Some("") => {
                return Err(EmulatorError::Config(
                    "the API key must not be empty".into(),
                ))
            }
            Some(key) if !keys.insert(key) => {
                return Err(EmulatorError::Config(format!(
                "the account {:?} has the API key of another account: each account needs its own",
                a.account
            )))
            }
            _ => {}
        }
    }
    Ok(())
}
