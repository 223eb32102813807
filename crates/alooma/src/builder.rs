//! [`ClientBuilder`]: configure and build a [`Client`] over the default
//! transport (`alooma_http::Transport`), optionally wrapped in your own
//! tower layers.

use crate::settings::ClientSettings;
use crate::{Client, Error, HttpService};
use alooma_http::{Config, Credentials, RateLimit, RetryPolicy, Transport};
use std::time::Duration;
use tower::layer::util::{Identity, Stack};
use tower::Layer;

/// Builds a [`Client`]: where to connect, how to authenticate, timeouts,
/// retries, limits, the composite operations' settings, and extra tower
/// layers around the transport.
///
/// Building never touches the network: the account name (when not set) is
/// resolved on first use by [`Client::get_account_name`], and the first
/// connection (and login) happens with the first call. Every problem that can
/// be found without I/O (an API key together with a password, a malformed
/// base URL, plain HTTP to a remote host, a zero limit) is an
/// [`Error::Config`] from [`build`](Self::build).
///
/// `Debug` never shows the API key or the password.
///
/// ```
/// use std::time::Duration;
/// let client = alooma::Client::builder()
///     .base_url("https://app.alooma.com")
///     .account("acme")
///     .api_key("my-api-key")
///     .attempt_timeout(Duration::from_secs(30))
///     .total_timeout(Duration::from_secs(120))
///     .concurrency_limit(16)
///     .build()?;
/// # drop(client);
/// # Ok::<(), alooma::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<L = Identity> {
    config: Config,
    api_key: Option<Credentials>,
    login: Option<Credentials>,
    settings: ClientSettings,
    layer: L,
}

impl Client {
    /// A builder for a client over the default transport.
    ///
    /// ```
    /// let client = alooma::Client::builder()
    ///     .account("acme")
    ///     .login("ops@example.com", "secret")
    ///     .build()?;
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from the environment: `ALOOMA_BASE_URL`,
    /// `ALOOMA_ACCOUNT`, `ALOOMA_API_KEY`, `ALOOMA_USERNAME` and
    /// `ALOOMA_PASSWORD` (see [`ClientBuilder::from_env`]). No network I/O.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// let client = alooma::Client::from_env()?;
    /// println!("{} inputs", client.get_event_types().await?.len());
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: the hosted service
    /// (`https://app.alooma.com`), no account, no credentials, the
    /// transport's default timeouts and retry policy.
    ///
    /// ```
    /// let builder = alooma::ClientBuilder::new().account("acme");
    /// assert_eq!(builder.config().account.as_deref(), Some("acme"));
    /// ```
    pub fn new() -> Self {
        ClientBuilder::from_config(Config::default())
    }

    /// A builder starting from a transport configuration.
    ///
    /// ```
    /// let config = alooma_http::Config::new().with_account("acme");
    /// let builder = alooma::ClientBuilder::from_config(config);
    /// assert_eq!(builder.config().account.as_deref(), Some("acme"));
    /// ```
    pub fn from_config(mut config: Config) -> Self {
        let (api_key, login) = match std::mem::take(&mut config.credentials) {
            key @ Credentials::ApiKey(_) => (Some(key), None),
            login @ Credentials::Login { .. } => (None, Some(login)),
            _ => (None, None),
        };
        ClientBuilder {
            config,
            api_key,
            login,
            settings: ClientSettings::default(),
            layer: Identity::new(),
        }
    }

    /// A builder configured from the environment, to adjust further: reads
    /// `ALOOMA_BASE_URL`, `ALOOMA_ACCOUNT`, `ALOOMA_API_KEY`,
    /// `ALOOMA_USERNAME` and `ALOOMA_PASSWORD` (with
    /// `alooma_http::Config::from_env`). An API key together with a
    /// password is an [`Error::Config`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// let client = alooma::ClientBuilder::from_env()?
    ///     .attempt_timeout(Duration::from_secs(120))
    ///     .build()?;
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Ok(ClientBuilder::from_config(Config::from_env()?))
    }
}

impl<L> ClientBuilder<L> {
    /// The transport configuration so far (credentials are applied at
    /// [`build`](Self::build)).
    ///
    /// ```
    /// let b = alooma::Client::builder().account("acme");
    /// assert_eq!(b.config().account.as_deref(), Some("acme"));
    /// ```
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The composite operations' settings so far.
    ///
    /// ```
    /// let b = alooma::Client::builder().bulk_concurrency(2);
    /// assert_eq!(b.client_settings().bulk_concurrency, 2);
    /// ```
    pub fn client_settings(&self) -> &ClientSettings {
        &self.settings
    }

    /// The service's base URL (default `https://app.alooma.com`; a trailing
    /// `/` is ignored). Plain `http://` is only accepted to a loopback host
    /// unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    ///
    /// ```
    /// let b = alooma::Client::builder().base_url("http://127.0.0.1:8080/");
    /// assert_eq!(b.config().base_url, "http://127.0.0.1:8080/");
    /// ```
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = base_url.into();
        self
    }

    /// The account name: requests go to `{base}/{account}/rest/`, and
    /// [`Client::get_account_name`] returns it without a request. Without
    /// it, requests go to `{base}/rest/` and the name is fetched on first
    /// use of `get_account_name`.
    ///
    /// ```
    /// let client = alooma::Client::builder().account("acme").build()?;
    /// assert_eq!(client.service().root().prefix(), "https://app.alooma.com/acme/rest");
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.config.account = Some(account.into());
        self
    }

    /// Authenticate with an API key (`Authorization: API <key>`). Setting
    /// both an API key and a login is an [`Error::Config`] at build time.
    ///
    /// ```
    /// let client = alooma::Client::builder().account("acme").api_key("my-key").build()?;
    /// assert!(!format!("{client:?}").contains("my-key"));
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Credentials::api_key(key));
        self
    }

    /// Authenticate with a user name and password (a login session, renewed
    /// once on a 401). Setting both an API key and a login is an
    /// [`Error::Config`] at build time.
    ///
    /// ```
    /// let client = alooma::Client::builder()
    ///     .account("acme")
    ///     .login("ops@example.com", "secret")
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("secret"));
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn login(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.login = Some(Credentials::login(username, password));
        self
    }

    /// The connect timeout (TCP and TLS handshake).
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().connect_timeout(Duration::from_secs(5));
    /// assert_eq!(b.config().timeouts.connect, Duration::from_secs(5));
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.connect = timeout;
        self
    }

    /// The timeout of one attempt (request, headers and the whole body).
    /// `set_mapping` keeps its own longer default; a per-call
    /// [`CallOptions`](crate::CallOptions) timeout overrides both.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().attempt_timeout(Duration::from_secs(30));
    /// assert_eq!(b.config().timeouts.attempt, Duration::from_secs(30));
    /// ```
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.attempt = timeout;
        self
    }

    /// The deadline of a whole call, kept exactly: every attempt, every
    /// backoff and every `Retry-After` wait fit in it. An attempt's timeout
    /// is the smaller of its own ([`attempt_timeout`](Self::attempt_timeout),
    /// an operation's own such as `set_mapping`'s 300 s, or a per-call
    /// override) and what is left of the deadline; a retry whose wait does
    /// not fit is not made, and the call fails at once with
    /// [`Error::RetryAbandoned`](crate::Error::RetryAbandoned), saying why.
    /// Without it, a call's deadline is 180 s, or its attempt timeout when
    /// that is longer.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().total_timeout(Duration::from_secs(300));
    /// assert_eq!(b.config().timeouts.total, Some(Duration::from_secs(300)));
    /// ```
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeouts.total = Some(timeout);
        self
    }

    /// The retry policy (attempts, backoff, `Retry-After` cap, budget).
    ///
    /// ```
    /// let mut policy = alooma::RetryPolicy::default();
    /// policy.max_attempts = 5;
    /// let b = alooma::Client::builder().retry_policy(policy);
    /// assert_eq!(b.config().retry.max_attempts, 5);
    /// let no_retries = alooma::Client::builder().retry_policy(alooma::RetryPolicy::none());
    /// assert_eq!(no_retries.config().retry.max_attempts, 1);
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// How long a refused login is remembered: until it passes (or the
    /// credentials change with `login`), calls fail at once with the same
    /// `Auth` error and the password is not sent again, so a service whose
    /// password changed does not lock the account. Default 5 minutes.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().login_failure_cooldown(Duration::from_secs(60));
    /// assert_eq!(b.config().login_failure_cooldown, Duration::from_secs(60));
    /// ```
    pub fn login_failure_cooldown(mut self, cooldown: Duration) -> Self {
        self.config.login_failure_cooldown = cooldown;
        self
    }

    /// How long an idle pooled connection is kept for reuse. Keep it under
    /// the server's keep-alive timeout (default 30 s), so the client, not
    /// the server, gives an idle connection up.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().pool_idle_timeout(Duration::from_secs(5));
    /// assert_eq!(b.config().pool_idle_timeout, Duration::from_secs(5));
    /// ```
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.pool_idle_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes.
    ///
    /// ```
    /// let b = alooma::Client::builder().max_body_size(16 * 1024 * 1024);
    /// assert_eq!(b.config().max_body_size, 16 * 1024 * 1024);
    /// ```
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config.max_body_size = bytes;
        self
    }

    /// The `User-Agent` header.
    ///
    /// ```
    /// let b = alooma::Client::builder().user_agent("nightly-cleanup/1.0");
    /// assert_eq!(b.config().user_agent, "nightly-cleanup/1.0");
    /// ```
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = user_agent.into();
        self
    }

    /// At most `limit` calls in flight at once, across every clone of the
    /// client.
    ///
    /// ```
    /// let b = alooma::Client::builder().concurrency_limit(8);
    /// assert_eq!(b.config().concurrency_limit, Some(8));
    /// ```
    pub fn concurrency_limit(mut self, limit: usize) -> Self {
        self.config.concurrency_limit = Some(limit);
        self
    }

    /// At most `requests` requests per `per`, across every clone of the client.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().rate_limit(20, Duration::from_secs(1));
    /// assert_eq!(b.config().rate_limit.map(|r| r.requests), Some(20));
    /// ```
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        self.config.rate_limit = Some(RateLimit::new(requests, per));
        self
    }

    /// Allow plain `http://` to a host that is not loopback (credentials
    /// would cross the network in clear text).
    ///
    /// ```
    /// let client = alooma::Client::builder()
    ///     .base_url("http://alooma.internal:8080")
    ///     .allow_insecure_http(true)
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.config.allow_insecure_http = allow;
        self
    }

    /// Sends every request through the proxy at `url`
    /// (`http://user:pw@host:port`; the credentials go to the proxy only),
    /// instead of the one the environment names. `https://` goes through a
    /// `CONNECT` tunnel, so the proxy never sees the API key.
    ///
    /// ```
    /// let b = alooma::Client::builder().proxy("http://proxy.corp:3128");
    /// assert!(matches!(b.config().proxy, alooma::http_transport::Proxy::Url { .. }));
    /// ```
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.config.proxy = alooma_http::Proxy::url(url);
        self
    }

    /// Chooses the proxy: [`Proxy::FromEnv`](alooma_http::Proxy::FromEnv)
    /// (the default: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`,
    /// loopback never proxied), [`Proxy::None`](alooma_http::Proxy::None),
    /// or a URL with its bypass list.
    ///
    /// ```
    /// use alooma::http_transport::Proxy;
    /// let b = alooma::Client::builder().proxy_config(Proxy::None);
    /// assert_eq!(b.config().proxy, Proxy::None);
    /// ```
    pub fn proxy_config(mut self, proxy: alooma_http::Proxy) -> Self {
        self.config.proxy = proxy;
        self
    }

    /// Trusts the CA certificates of this PEM file besides the default
    /// roots (also `ALOOMA_CA_BUNDLE` with [`from_env`](Self::from_env)).
    /// An unreadable file, or one without a certificate, fails
    /// [`build`](Self::build).
    ///
    /// ```
    /// let err = alooma::Client::builder().ca_bundle("/no/such/ca.pem").build().unwrap_err();
    /// assert!(err.to_string().contains("/no/such/ca.pem"));
    /// ```
    pub fn ca_bundle(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.ca_bundle = Some(path.into());
        self
    }

    /// Verifies certificates with the operating system's verifier
    /// (`rustls-platform-verifier`; the feature `platform-verifier`). The CA
    /// bundle, if any, is trusted as well.
    #[cfg(feature = "platform-verifier")]
    #[cfg_attr(docsrs, doc(cfg(feature = "platform-verifier")))]
    pub fn platform_verifier(mut self, on: bool) -> Self {
        self.config.platform_verifier = on;
        self
    }

    /// A dry run: reads are sent, every write fails with
    /// [`Error::DryRun`](crate::Error::DryRun) before it is sent, holding
    /// the request with its secrets redacted.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let client = alooma::Client::builder().api_key("k").dry_run(true).build()?;
    /// let err = client.remove_input("i1").await.unwrap_err();
    /// assert!(err.is_dry_run());
    /// let alooma::Error::DryRun { request, .. } = err else { unreachable!() };
    /// assert!(request.starts_with("POST /plumbing/nodes/remove/i1\n"));
    /// # Ok::<(), alooma::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.config.dry_run = dry_run;
        self
    }

    /// Records every answered call to a cassette at `path` (JSON lines,
    /// appended; secrets redacted before anything is written): replay it
    /// with [`Replay`](crate::replay::Replay), or seed an emulator from it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let emu = alooma_emulator::Emulator::start().await.unwrap();
    /// let path = std::env::temp_dir().join(format!("builder-doc-{}.jsonl", std::process::id()));
    /// let client = alooma::Client::builder()
    ///     .base_url(emu.base_url()).account(emu.account()).api_key(emu.key())
    ///     .record_to(&path)
    ///     .build()?;
    /// client.get_event_types().await?;
    /// let cassette = std::fs::read_to_string(&path).unwrap();
    /// assert!(cassette.contains(r#""operation":"get_event_types""#));
    /// assert!(!cassette.contains(emu.key()));
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), alooma::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn record_to(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.record_to = Some(path.into());
        self
    }

    /// Replaces the composite operations' settings.
    ///
    /// ```
    /// let mut settings = alooma::ClientSettings::default();
    /// settings.bulk_concurrency = 2;
    /// let b = alooma::Client::builder().settings(settings);
    /// assert_eq!(b.client_settings().bulk_concurrency, 2);
    /// ```
    pub fn settings(mut self, settings: ClientSettings) -> Self {
        self.settings = settings;
        self
    }

    /// How long `create_input` waits for the new input to appear.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder().create_input_deadline(Duration::from_secs(120));
    /// assert_eq!(b.client_settings().create_input_deadline, Duration::from_secs(120));
    /// ```
    pub fn create_input_deadline(mut self, deadline: Duration) -> Self {
        self.settings.create_input_deadline = deadline;
        self
    }

    /// The first and the longest delay between two polls of `create_input`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let b = alooma::Client::builder()
    ///     .create_input_poll(Duration::from_millis(500), Duration::from_secs(10));
    /// assert_eq!(b.client_settings().create_input_max_poll, Duration::from_secs(10));
    /// ```
    pub fn create_input_poll(mut self, first: Duration, max: Duration) -> Self {
        self.settings.create_input_first_poll = first;
        self.settings.create_input_max_poll = max;
        self
    }

    /// How many deletes `remove_all_inputs` and `delete_all_event_types`
    /// run at once (at least 1).
    ///
    /// ```
    /// let b = alooma::Client::builder().bulk_concurrency(4);
    /// assert_eq!(b.client_settings().bulk_concurrency, 4);
    /// ```
    pub fn bulk_concurrency(mut self, concurrency: usize) -> Self {
        self.settings.bulk_concurrency = concurrency;
        self
    }

    /// Adds a tower layer around the transport (and around the layers added
    /// before it). Layers see operation-relative requests
    /// (`/event-types`) with [`OperationMeta`](crate::core::OperationMeta)
    /// in their extensions, and fully collected responses.
    ///
    /// ```
    /// use tower::ServiceBuilder;
    /// // Any layer whose service is still an `HttpService` fits, here a
    /// // tower `ConcurrencyLimit` from `tower` itself.
    /// let client = alooma::Client::builder()
    ///     .api_key("k")
    ///     .layer(tower::limit::ConcurrencyLimitLayer::new(4))
    ///     .build()?;
    /// # drop(client);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn layer<T>(self, layer: T) -> ClientBuilder<Stack<L, T>> {
        ClientBuilder {
            config: self.config,
            api_key: self.api_key,
            login: self.login,
            settings: self.settings,
            layer: Stack::new(self.layer, layer),
        }
    }

    /// The transport configuration with the credentials applied, checked.
    fn finish(mut self) -> Result<(Config, ClientSettings, L), Error> {
        self.config.credentials = match (self.api_key, self.login) {
            (Some(_), Some(_)) => return Err(Error::Config {
                reason:
                    "both an API key and a login (user name and password) are set; use one of them"
                        .into(),
            }),
            (Some(key), None) => key,
            (None, Some(login)) => login,
            (None, None) => Credentials::None,
        };
        if self.settings.bulk_concurrency == 0 {
            return Err(Error::Config {
                reason: "bulk_concurrency must be at least 1".into(),
            });
        }
        if self.settings.create_input_first_poll.is_zero() {
            return Err(Error::Config {
                reason: "the first create_input poll delay must be longer than zero".into(),
            });
        }
        self.config.validate()?;
        Ok((self.config, self.settings, self.layer))
    }

    /// Builds the client. No network I/O happens here.
    ///
    /// ```
    /// // Nothing listens on port 9, and that is fine: building does not connect.
    /// let client = alooma::Client::builder().base_url("http://127.0.0.1:9").build()?;
    /// # drop(client);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn build(self) -> Result<Client<L::Service>, Error>
    where
        L: Layer<Transport>,
        L::Service: HttpService,
    {
        let (config, settings, layer) = self.finish()?;
        let account = config.account.clone();
        let transport = Transport::new(config)?;
        Ok(Client::from_parts(
            layer.layer(transport),
            account,
            settings,
        ))
    }

    /// Builds the client over `layer` instead of [`layer`](Self::layer)
    /// followed by [`build`](Self::build).
    ///
    /// ```
    /// let client = alooma::Client::builder()
    ///     .build_with_layer(tower::limit::ConcurrencyLimitLayer::new(4))?;
    /// # drop(client);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn build_with_layer<T>(self, layer: T) -> Result<Client<T::Service>, Error>
    where
        L: Layer<Transport>,
        T: Layer<L::Service>,
        T::Service: HttpService,
    {
        self.layer(layer).build()
    }
}
