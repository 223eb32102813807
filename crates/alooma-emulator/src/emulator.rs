//! The running emulator and how to configure and start it.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::faults::Fault;
use crate::request_log::RequestRecord;
use crate::seed::Seed;
use crate::server::{self, lock, Shared};
use crate::state::State;
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
            .field("account", &self.shared.account)
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
        if config.account.is_empty() {
            return Err(EmulatorError::Config(
                "the account name must not be empty".into(),
            ));
        }
        if config.api_key.as_deref() == Some("") {
            return Err(EmulatorError::Config(
                "the API key must not be empty".into(),
            ));
        }
        let state = State::from_seed(&config.account, &config.seed)?;
        let bind = |source| EmulatorError::Bind {
            port: config.port,
            source,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let credentials = match (config.username, config.password) {
            (Some(u), Some(p)) => Some((u, p)),
            _ => None,
        };
        let shared = Arc::new(Shared {
            account: config.account,
            api_key: config.api_key,
            credentials,
            max_body_bytes: config.max_body_bytes,
            header_timeout: config.header_timeout,
            body_timeout: config.body_timeout,
            state: Mutex::new(state),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(VecDeque::new()),
            sessions: Mutex::new(HashSet::new()),
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
            &self.shared.account,
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
        &self.shared.account
    }

    /// The accepted API key (`None` for an emulator built
    /// `without_api_key`); [`key`](Self::key) is the form for tests.
    pub fn api_key(&self) -> Option<&str> {
        self.shared.api_key.as_deref()
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
        self.shared.api_key.as_deref().unwrap_or_default()
    }

    /// The accepted login username and password.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.shared
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

    /// The request log (API requests only, oldest first, at most 10 000).
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Forgets every login session: the next request with a session cookie
    /// answers 401, so a client's re-login can be tested.
    pub fn expire_sessions(&self) {
        lock(&self.shared.sessions).clear();
    }

    /// Reads the state.
    pub fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&lock(&self.shared.state))
    }

    /// Changes the state directly (for test set-up).
    pub fn with_state_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut lock(&self.shared.state))
    }

    /// The state as JSON (secret values left out), see [`State::to_json`].
    pub fn state_json(&self) -> serde_json::Value {
        self.with_state(State::to_json)
    }

    /// Stops accepting, lets open connections finish (up to 5 s), and waits.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        let _ = self.stop.send(true);
        match self.task.take() {
            Some(task) => task.await.map_err(|e| EmulatorError::Server(e.to_string())),
            None => Ok(()),
        }
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
