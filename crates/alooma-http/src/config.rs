//! [`Config`]: everything the transport needs, from code or from the
//! environment ([`Config::from_env`]).

use alooma_core::retry::{DefaultClassifier, RetryClassifier};
use alooma_core::{Error, RestRoot, DEFAULT_BASE_URL};
use secrecy::SecretString;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The default connect timeout (TCP and TLS handshake): 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default per-attempt timeout (headers and the whole body): 60 s, the
/// reference client's default.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default deadline of a whole call, retries and waits included: 180 s.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(180);
/// The default maximum response body size: 256 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 256 * 1024 * 1024;

/// How the transport authenticates.
///
/// `Debug` never shows the API key or the password.
///
/// ```
/// use alooma_http::Credentials;
/// let c = Credentials::api_key("k-123");
/// assert!(!format!("{c:?}").contains("k-123"));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials (a local emulator, or a proxy that adds them).
    #[default]
    None,
    /// `Authorization: API <key>` on every request to the configured host.
    ApiKey(SecretString),
    /// A login session: `POST login` on first use, the session cookie on
    /// later requests, one re-login on a 401.
    Login {
        /// The user's e-mail address.
        username: String,
        /// The password.
        password: SecretString,
    },
}

impl Credentials {
    /// API-key credentials.
    pub fn api_key(key: impl Into<String>) -> Self {
        Credentials::ApiKey(SecretString::from(key.into()))
    }

    /// Login-session credentials.
    pub fn login(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Login {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Credentials::Login { username, .. } => f
                .debug_struct("Login")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
        }
    }
}

/// The three client-side timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Establishing a connection (TCP connect and TLS handshake).
    pub connect: Duration,
    /// One attempt: sending the request, the answer's headers and its whole
    /// body. An operation's own timeout ([`alooma_core::OperationMeta::timeout`],
    /// `set_mapping`: 300 s) and a per-call [`alooma_core::TimeoutOverride`]
    /// replace it, in that order of preference.
    pub attempt: Duration,
    /// The whole call: every attempt, every backoff and every
    /// `Retry-After` wait. When set, it is a deadline no call passes: an
    /// attempt's timeout is cut to what is left of it, and a retry whose
    /// wait does not fit is not made ([`Error::RetryAbandoned`]). When
    /// `None` (the default), calls get [`DEFAULT_TOTAL_TIMEOUT`], or their
    /// attempt timeout when that is longer (so `set_mapping`'s own 300 s
    /// attempt is never cut by a default).
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: DEFAULT_CONNECT_TIMEOUT,
            attempt: DEFAULT_ATTEMPT_TIMEOUT,
            total: None,
        }
    }
}

/// The retry budget: a token bucket shared by every clone of a transport,
/// after AWS's standard retry quota. Each retry withdraws tokens; a call
/// that succeeds first time deposits [`success_reward`](Self::success_reward);
/// a call that succeeds after retries gives back what it withdrew. When the
/// bucket cannot pay for a retry the call fails with
/// [`Error::RetryBudgetExhausted`], so a long outage does not turn into a
/// retry storm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryBudgetPolicy {
    /// Tokens in a full bucket (and at start). Default 500.
    pub capacity: u32,
    /// Tokens one retry after an error or a retryable status costs. Default 5.
    pub retry_cost: u32,
    /// Tokens one retry after a timeout costs. Default 10.
    pub timeout_retry_cost: u32,
    /// Tokens a first-time success deposits. Default 1.
    pub success_reward: u32,
}

impl Default for RetryBudgetPolicy {
    fn default() -> Self {
        RetryBudgetPolicy {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_reward: 1,
        }
    }
}

/// When and how long to wait before trying a call again.
///
/// Defaults follow AWS's standard retry mode: at most 3 attempts, the wait
/// before retry `n` (1-based) drawn uniformly ("full jitter") from
/// `0..=min(base_delay · 2ⁿ⁻¹, max_delay)` with a 1 s base and a 20 s cap.
/// A `Retry-After` answer (seconds, or an HTTP date) is honoured, but
/// never waits longer than [`retry_after_cap`](Self::retry_after_cap)
/// (30 s). Which outcomes are retried is the
/// [`classifier`](Self::classifier)'s decision
/// ([`alooma_core::retry::DefaultClassifier`] unless replaced).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// The backoff's base. Default 1 s.
    pub base_delay: Duration,
    /// The backoff's cap. Default 20 s.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured. Default 30 s.
    pub retry_after_cap: Duration,
    /// The shared retry budget.
    pub budget: RetryBudgetPolicy,
    /// Which outcomes are worth another attempt.
    pub classifier: Arc<dyn RetryClassifier>,
    /// Where in `[0, cap]` the backoff's wait falls: drawn at random
    /// ([`Jitter::Full`], the default), or pinned to an end (for tests that
    /// must see the same waits every run).
    pub jitter: Jitter,
}

/// How the backoff picks its wait within `[0, cap]`.
///
/// ```
/// let mut policy = alooma_http::RetryPolicy::default();
/// policy.jitter = alooma_http::Jitter::Max;
/// assert_ne!(policy, alooma_http::RetryPolicy::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Jitter {
    /// Uniformly at random ("full jitter").
    #[default]
    Full,
    /// No wait at all.
    Zero,
    /// The whole cap.
    Max,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(20),
            retry_after_cap: Duration::from_secs(30),
            budget: RetryBudgetPolicy::default(),
            classifier: Arc::new(DefaultClassifier),
            jitter: Jitter::Full,
        }
    }
}

impl PartialEq for RetryPolicy {
    /// Equal settings and the same classifier object.
    fn eq(&self, other: &Self) -> bool {
        self.max_attempts == other.max_attempts
            && self.base_delay == other.base_delay
            && self.max_delay == other.max_delay
            && self.retry_after_cap == other.retry_after_cap
            && self.budget == other.budget
            && Arc::ptr_eq(&self.classifier, &other.classifier)
            && self.jitter == other.jitter
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }
}

/// A request-rate limit shared by every clone of a transport: at most
/// `requests` attempts per `per`, in bursts of at most `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period.
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        RateLimit { requests, per }
    }
}

/// The transport's configuration.
///
/// Build it with [`Config::new`] or [`Config::from_env`] and adjust the
/// public fields or use the `with_*` methods. `Debug` never shows a secret.
///
/// ```
/// use alooma_http::{Config, Credentials};
/// use std::time::Duration;
/// let mut config = Config::new()
///     .with_account("acme")
///     .with_credentials(Credentials::api_key("k-123"));
/// config.timeouts.attempt = Duration::from_secs(30);
/// assert!(!format!("{config:?}").contains("k-123"));
/// assert_eq!(config.rest_root().unwrap().prefix(), "https://app.alooma.com/acme/rest");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The service's base URL. Default [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// The account name (`{base}/{account}/rest/`), if any.
    pub account: Option<String>,
    /// How to authenticate.
    pub credentials: Credentials,
    /// The timeouts.
    pub timeouts: Timeouts,
    /// The retry policy.
    pub retry: RetryPolicy,
    /// The largest response body accepted, in bytes. Default 256 MiB.
    pub max_body_size: usize,
    /// At most this many calls in flight at once, across every clone.
    pub concurrency_limit: Option<usize>,
    /// At most this many requests per period, across every clone.
    pub rate_limit: Option<RateLimit>,
    /// The `User-Agent` header. Default `alooma-rs/<version>`.
    pub user_agent: String,
    /// Allow plain `http://` to a host other than a loopback address.
    /// Off by default: credentials would cross the network in clear text.
    pub allow_insecure_http: bool,
    /// How long an idle keep-alive connection stays in the pool. Keep it
    /// under the server's own keep-alive timeout, so the client drops an
    /// idle connection before the server does. Default
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`].
    pub pool_idle_timeout: Duration,
    /// How long a login refused for its credentials is remembered: calls
    /// in that time fail at once with the same [`Error::Auth`], without
    /// sending the password again, so a service whose password changed does
    /// not lock the account. Default [`DEFAULT_LOGIN_FAILURE_COOLDOWN`].
    pub login_failure_cooldown: Duration,
    /// A dry run: every request but `GET` and `HEAD` is stopped before it
    /// is sent and fails with [`Error::DryRun`], which holds the request
    /// with its secrets redacted. Reads still go out. Off by default.
    pub dry_run: bool,
    /// A cassette file every answered call is appended to, secrets
    /// redacted (see [`crate::record`]). `None` by default.
    pub record_to: Option<std::path::PathBuf>,
    /// Which proxy requests go through. Default [`Proxy::FromEnv`].
    pub proxy: Proxy,
    /// A PEM file of CA certificates trusted besides the roots of the
    /// enabled features (a company's TLS-inspecting proxy, a private
    /// deployment). `None` by default.
    pub ca_bundle: Option<std::path::PathBuf>,
    /// Verify certificates with the operating system's verifier
    /// (`rustls-platform-verifier`: the OS trust settings, revocation where
    /// the OS checks it) instead of a root store. Needs the
    /// `platform-verifier` feature; off by default.
    pub platform_verifier: bool,
}

/// Which proxy requests go through.
///
/// ```
/// use alooma_http::Proxy;
/// let p = Proxy::url("http://user:pw@proxy.corp:3128").no_proxy("localhost,.internal");
/// assert!(matches!(p, Proxy::Url { .. }));
/// assert!(!format!("{p:?}").contains("pw")); // credentials never printed
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Proxy {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either
    /// case), as curl reads them; loopback hosts are never proxied.
    #[default]
    FromEnv,
    /// No proxy, whatever the environment says.
    None,
    /// Every request through this proxy (credentials in its URL, sent only
    /// to the proxy), except the hosts of a `NO_PROXY`-style list.
    Url {
        /// The proxy's URL (`http://host:port`, `http://user:pw@host:port`).
        url: String,
        /// Hosts that bypass it (`localhost,.internal,10.0.0.0/8`).
        no_proxy: String,
    },
}

impl Proxy {
    /// Every request through `url`.
    pub fn url(url: impl Into<String>) -> Self {
        Proxy::Url {
            url: url.into(),
            no_proxy: String::new(),
        }
    }

    /// The same proxy, bypassed for the hosts of `list` (a `NO_PROXY`
    /// value). No effect on the other variants.
    pub fn no_proxy(self, list: impl Into<String>) -> Self {
        match self {
            Proxy::Url { url, .. } => Proxy::Url {
                url,
                no_proxy: list.into(),
            },
            other => other,
        }
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proxy::FromEnv => f.write_str("FromEnv"),
            Proxy::None => f.write_str("None"),
            Proxy::Url { url, no_proxy } => {
                let shown = match url.parse::<http::Uri>() {
                    Ok(u) if u.authority().is_some_and(|a| a.as_str().contains('@')) => format!(
                        "{}://<redacted>@{}{}",
                        u.scheme_str().unwrap_or("http"),
                        u.host().unwrap_or_default(),
                        u.port_u16().map(|p| format!(":{p}")).unwrap_or_default()
                    ),
                    Ok(_) => url.clone(),
                    Err(_) => "<not a URL>".to_owned(),
                };
                f.debug_struct("Url")
                    .field("url", &shown)
                    .field("no_proxy", no_proxy)
                    .finish()
            }
        }
    }
}

/// The default [`Config::pool_idle_timeout`]: 30 s, under the keep-alive
/// timeout of common servers and load balancers (60 s and more).
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The default [`Config::login_failure_cooldown`]: 5 minutes.
pub const DEFAULT_LOGIN_FAILURE_COOLDOWN: Duration = Duration::from_secs(300);

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_owned(),
            account: None,
            credentials: Credentials::None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            concurrency_limit: None,
            rate_limit: None,
            user_agent: concat!("alooma-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            allow_insecure_http: false,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            login_failure_cooldown: DEFAULT_LOGIN_FAILURE_COOLDOWN,
            dry_run: false,
            record_to: None,
            proxy: Proxy::FromEnv,
            ca_bundle: None,
            platform_verifier: false,
        }
    }
}

impl Config {
    /// The defaults: the hosted service, no account, no credentials.
    pub fn new() -> Self {
        Config::default()
    }

    /// Reads `ALOOMA_BASE_URL`, `ALOOMA_ACCOUNT`, `ALOOMA_API_KEY`,
    /// `ALOOMA_USERNAME` and `ALOOMA_PASSWORD` (unset or empty variables
    /// keep the defaults). An API key together with a password, or a user
    /// without a password (or the reverse), is an [`Error::Config`].
    ///
    /// ```no_run
    /// let config = alooma_http::Config::from_env()?;
    /// # Ok::<(), alooma_core::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let mut config = Config::default();
        if let Some(base) = get("ALOOMA_BASE_URL") {
            config.base_url = base;
        }
        config.account = get("ALOOMA_ACCOUNT");
        config.ca_bundle = get("ALOOMA_CA_BUNDLE").map(std::path::PathBuf::from);
        let key = get("ALOOMA_API_KEY");
        let user = get("ALOOMA_USERNAME");
        let password = get("ALOOMA_PASSWORD");
        config.credentials = match (key, user, password) {
            (Some(_), _, Some(_)) => {
                return Err(Error::Config {
                    reason: "both ALOOMA_API_KEY and ALOOMA_PASSWORD are set; unset one of them"
                        .into(),
                })
            }
            (Some(key), _, None) => Credentials::ApiKey(SecretString::from(key)),
            (None, Some(username), Some(password)) => Credentials::Login {
                username,
                password: SecretString::from(password),
            },
            (None, Some(_), None) => {
                return Err(Error::Config {
                    reason: "ALOOMA_USERNAME is set but ALOOMA_PASSWORD is not; set both".into(),
                })
            }
            (None, None, Some(_)) => {
                return Err(Error::Config {
                    reason: "ALOOMA_PASSWORD is set but ALOOMA_USERNAME is not; set both".into(),
                })
            }
            (None, None, None) => Credentials::None,
        };
        config.rest_root()?;
        Ok(config)
    }

    /// The same configuration with another base URL.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The same configuration with an account name.
    pub fn with_account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The same configuration with other credentials.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The same configuration with other timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The same configuration with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The REST root this configuration points at.
    pub fn rest_root(&self) -> Result<RestRoot, Error> {
        RestRoot::new(&self.base_url, self.account.as_deref())
    }

    /// Checks everything that can be checked without I/O: the base URL, the
    /// plain-HTTP rule, the limits and the credentials.
    pub fn validate(&self) -> Result<RestRoot, Error> {
        let root = self.rest_root()?;
        if root.scheme() == &http::uri::Scheme::HTTP
            && !self.allow_insecure_http
            && !is_loopback(root.authority().host())
        {
            return Err(Error::Config {
                reason: format!(
                    "the base URL {} uses plain http to a host that is not loopback, which would send credentials in clear text; use https, or set allow_insecure_http if you really mean it",
                    root.base_url()
                ),
            });
        }
        if self.max_body_size == 0 {
            return Err(Error::Config {
                reason: "max_body_size must be at least 1 byte".into(),
            });
        }
        if self.concurrency_limit == Some(0) {
            return Err(Error::Config {
                reason: "concurrency_limit must be at least 1 (or unset)".into(),
            });
        }
        if let Some(rate) = self.rate_limit {
            if rate.requests == 0 || rate.per.is_zero() {
                return Err(Error::Config {
                    reason: "rate_limit needs at least 1 request per non-zero period (or unset)"
                        .into(),
                });
            }
        }
        if let Credentials::Login { username, .. } = &self.credentials {
            if username.is_empty() {
                return Err(Error::Config {
                    reason: "the login user name is empty".into(),
                });
            }
        }
        http::HeaderValue::from_str(&self.user_agent).map_err(|_| Error::Config {
            reason: "the user agent is not a valid header value".into(),
        })?;
        Ok(root)
    }
}

/// Whether `host` is `localhost` or a loopback IP address.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<Config, Error> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn env_reads_every_variable() {
        let c = env(&[
            ("ALOOMA_BASE_URL", "http://127.0.0.1:9"),
            ("ALOOMA_ACCOUNT", "acme"),
            ("ALOOMA_USERNAME", "ops@example.com"),
            ("ALOOMA_PASSWORD", "hunter2"),
        ])
        .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:9");
        assert_eq!(c.account.as_deref(), Some("acme"));
        assert!(
            matches!(&c.credentials, Credentials::Login { username, .. } if username == "ops@example.com")
        );
        assert!(!format!("{c:?}").contains("hunter2"));

        let c = env(&[("ALOOMA_API_KEY", "k-1")]).unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert!(matches!(c.credentials, Credentials::ApiKey(_)));
        assert!(!format!("{c:?}").contains("k-1"));
        assert!(matches!(env(&[]).unwrap().credentials, Credentials::None));
    }

    #[test]
    fn env_rejects_key_and_password_together() {
        let err = env(&[
            ("ALOOMA_API_KEY", "k-1"),
            ("ALOOMA_USERNAME", "u"),
            ("ALOOMA_PASSWORD", "pw-secret"),
        ])
        .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        let msg = err.to_string();
        assert!(!msg.contains("pw-secret") && !msg.contains("k-1"), "{msg}");
        assert!(matches!(
            env(&[("ALOOMA_USERNAME", "u")]),
            Err(Error::Config { .. })
        ));
        assert!(matches!(
            env(&[("ALOOMA_PASSWORD", "p")]),
            Err(Error::Config { .. })
        ));
        assert!(matches!(
            env(&[("ALOOMA_BASE_URL", "nope")]),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:1",
            "https://h",
        ] {
            assert!(Config::new().with_base_url(ok).validate().is_ok(), "{ok}");
        }
        let remote = Config::new().with_base_url("http://example.com");
        assert!(matches!(remote.validate(), Err(Error::Config { .. })));
        let mut allowed = remote;
        allowed.allow_insecure_http = true;
        assert!(allowed.validate().is_ok());
    }

    #[test]
    fn limits_must_be_positive() {
        let mut c = Config::new();
        c.concurrency_limit = Some(0);
        assert!(c.validate().is_err());
        let mut c = Config::new();
        c.rate_limit = Some(RateLimit::new(0, Duration::from_secs(1)));
        assert!(c.validate().is_err());
        let mut c = Config::new();
        c.max_body_size = 0;
        assert!(c.validate().is_err());
    }
}
