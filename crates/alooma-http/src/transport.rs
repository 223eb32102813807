//! [`Transport`]: the whole layer stack as one cheaply cloned service.

use crate::auth::AuthLayer;
use crate::base_url::BaseUrlLayer;
use crate::body::CollectBodyLayer;
use crate::client::HyperClient;
use crate::config::Config;
use crate::dry_run::DryRunLayer;
use crate::limit::{ConcurrencyLimitLayer, RateLimitLayer};
use crate::record::RecordLayer;
use crate::retry::{RetryBudget, RetryLayer};
use crate::timeout::{AttemptTimeoutLayer, TotalTimeoutLayer};
use crate::trace::TraceLayer;
use crate::BoxFuture;
use alooma_core::{BoxError, Error, RestRoot};
use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::{Service, ServiceBuilder, ServiceExt};

/// The Alooma HTTP transport: a `tower::Service<http::Request<Bytes>>`
/// taking operation-relative requests (with [`alooma_core::OperationMeta`]
/// in their extensions) and answering with fully collected bodies.
///
/// Cloning is cheap and clones share everything: the connection pool, the
/// login session, the retry budget and the limits. Non-2xx answers come back
/// as answers (the operation's decoder turns them into errors), except a 401
/// the auth layer turns into [`Error::Auth`]. See the [crate docs](crate)
/// for the layer order.
///
/// ```no_run
/// use alooma_core::{Operation, event_types::GetEventTypes};
/// use alooma_http::{Config, Transport};
/// use tower::ServiceExt;
/// # async fn run() -> Result<(), alooma_core::Error> {
/// let transport = Transport::new(Config::from_env()?)?;
/// let op = GetEventTypes;
/// let answer = transport.oneshot(op.build()?).await?;
/// let event_types = op.decode(answer)?;
/// # Ok(()) }
/// ```
///
/// A clone costs one reference count; a call clones the layer stack (a few
/// reference counts, no allocation) and returns the outermost layer's
/// future as it is.
#[derive(Clone)]
pub struct Transport {
    shared: Arc<Shared>,
}

/// What every clone of a [`Transport`] shares.
struct Shared {
    stack: Box<dyn Stack>,
    config: Config,
    root: RestRoot,
    budget: RetryBudget,
    auth: AuthLayer,
}

/// The layer stack with its type erased.
///
/// Every layer is always ready (limits wait inside the call), so over
/// hyper-util's client a call is a clone of the stack and its `call`. Over
/// another innermost service ([`Transport::with_service`]), which may not
/// be ready at once, the call first waits for it.
trait Stack: Send + Sync {
    fn call(&self, req: Request<Bytes>) -> BoxFuture<Response<Bytes>>;
}

/// The layer stack behind [`Stack`].
struct Erased<S> {
    svc: S,
    /// Every service in it is always ready: it is called at once, not
    /// first made ready.
    always_ready: bool,
}

impl<S> Stack for Erased<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    fn call(&self, req: Request<Bytes>) -> BoxFuture<Response<Bytes>> {
        // The call's one box: the layers' futures nest inside it.
        let mut svc = self.svc.clone();
        if self.always_ready {
            Box::pin(svc.call(req))
        } else {
            Box::pin(svc.oneshot(req))
        }
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("root", &self.shared.root.prefix())
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// The full stack over hyper-util's pooled client. Validates the
    /// configuration; does no network I/O.
    ///
    /// ```
    /// use alooma_http::{Config, Transport};
    /// let t = Transport::new(Config::new().with_base_url("http://127.0.0.1:8080")).unwrap();
    /// assert_eq!(t.root().prefix(), "http://127.0.0.1:8080/rest");
    /// assert!(Transport::new(Config::new().with_base_url("http://example.com")).is_err());
    /// ```
    pub fn new(config: Config) -> Result<Self, Error> {
        let client = HyperClient::new(&config)?;
        Transport::build(config, client, true)
    }

    /// The same stack over any innermost service that sends one request
    /// with an absolute URI and answers with a streaming body (a mock in
    /// tests, another HTTP client, a recording proxy).
    ///
    /// ```
    /// use alooma_http::{Config, Transport};
    /// use tower::ServiceExt;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let mock = tower::service_fn(|req: http::Request<bytes::Bytes>| async move {
    ///     let body = http_body_util::Full::new(bytes::Bytes::from(req.uri().to_string()));
    ///     Ok::<_, alooma_core::Error>(http::Response::new(body))
    /// });
    /// let config = Config::new().with_account("acme");
    /// let t = Transport::with_service(config, mock).unwrap();
    /// let answer = t.oneshot(http::Request::get("/inputs").body(bytes::Bytes::new()).unwrap()).await.unwrap();
    /// assert_eq!(answer.body(), "https://app.alooma.com/acme/rest/inputs");
    /// # });
    /// ```
    pub fn with_service<S, B>(config: Config, inner: S) -> Result<Self, Error>
    where
        S: Service<Request<Bytes>, Response = Response<B>, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Transport::build(config, inner, false)
    }

    /// The stack over `inner`; `always_ready` when `inner` needs no
    /// `poll_ready` (hyper-util's client).
    fn build<S, B>(config: Config, inner: S, always_ready: bool) -> Result<Self, Error>
    where
        S: Service<Request<Bytes>, Response = Response<B>, Error = Error>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let root = config.validate()?;
        let auth = AuthLayer::with_cooldown(
            root.clone(),
            &config.credentials,
            config.login_failure_cooldown,
        )?;
        let retry = RetryLayer::new(config.retry.clone());
        let budget = retry.budget().clone();
        // The fixed layer order, outermost first; see the crate docs.
        let record = match &config.record_to {
            Some(path) => Some(RecordLayer::append_to(path).map_err(|e| Error::Config {
                reason: format!("cannot record to the cassette {}: {e}", path.display()),
            })?),
            None => None,
        };
        let stack = ServiceBuilder::new()
            .layer(TraceLayer::new())
            .option_layer(record)
            .option_layer(config.dry_run.then(DryRunLayer::new))
            .layer({
                let total = TotalTimeoutLayer::new(config.timeouts.total, config.timeouts.attempt);
                // Over hyper-util's client every wait below knows the
                // deadline: no second timer per call.
                if always_ready {
                    total.enforced_below()
                } else {
                    total
                }
            })
            .layer(BaseUrlLayer::new(root.clone()))
            .option_layer(config.concurrency_limit.map(ConcurrencyLimitLayer::new))
            .layer(retry)
            .option_layer(config.rate_limit.map(RateLimitLayer::new))
            .layer(auth.clone())
            .layer(AttemptTimeoutLayer::new(config.timeouts.attempt))
            .layer(CollectBodyLayer::new(config.max_body_size))
            .service(inner);
        let stack: Box<dyn Stack> = Box::new(Erased {
            svc: stack,
            always_ready,
        });
        Ok(Transport {
            shared: Arc::new(Shared {
                stack,
                config,
                root,
                budget,
                auth,
            }),
        })
    }

    /// The REST root requests are joined to.
    pub fn root(&self) -> &RestRoot {
        &self.shared.root
    }

    /// The configuration this transport was built from.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Retry-budget tokens left (shared by every clone).
    pub fn retry_budget_available(&self) -> u32 {
        self.shared.budget.available()
    }

    /// Logins attempted so far by the shared session (0 with an API key).
    pub fn logins(&self) -> u64 {
        self.shared.auth.logins()
    }

    /// Changes the login's user name and password for every clone (a
    /// rotated password): the next call logs in with them, and a refusal
    /// remembered for the old ones is forgotten.
    pub fn set_login(&self, username: impl Into<String>, password: impl Into<String>) {
        self.shared.auth.set_login(username, password);
    }
}

impl Service<Request<Bytes>> for Transport {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    /// Always ready: the stack's limits wait inside the call, and an
    /// innermost service that is not ready at once is waited for there.
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        self.shared.stack.call(req)
    }
}
