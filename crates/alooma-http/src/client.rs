//! The innermost service: pooled HTTP/1.1 connections over rustls. The
//! REST root's origin has a pool of its own (`root_pool`, answering with [`AnswerBody`]); requests to
//! any other origin, and all of them when a proxy carries the root's, go
//! through hyper-util's pooled client.
//!
//! - TLS: rustls with certificate verification on and exactly one crypto
//!   provider, *ring*, passed explicitly to the `ClientConfig` (the process
//!   default provider is never consulted, so another crate installing one
//!   cannot make this panic). Trusted roots: the operating system's
//!   (feature `native-roots`, the default) and/or the webpki-roots bundle
//!   (feature `webpki-roots`).
//! - Plain HTTP is refused for hosts other than loopback unless
//!   [`Config::allow_insecure_http`] is set (checked by [`Config::validate`]).
//! - Connect timeout: DNS, TCP and the TLS handshake together, by
//!   [`ConnectTimeout`] around the connector; expiry is
//!   [`Error::Timeout`] with [`TimeoutKind::Connect`].
//! - Errors: a failure to connect (nothing was sent) is [`Error::Connect`];
//!   any other failure (the request may have reached the server) is
//!   [`Error::Transport`].
//! - Redirects are not followed (hyper does not): a 3xx comes back as an
//!   answer, so credentials can never be forwarded to another host by one.
//! - Keep-alive: a pooled connection that the server closed is detected by
//!   the pool when its close has been read, by [`crate::connection`] when
//!   it has arrived but not been read yet (nothing of the request is
//!   written then), and by hyper-util when the connection died before the
//!   request was handed to it. In each case nothing reached the server:
//!   the call fails as [`Error::Connect`] with [`ConnectFailure::NotSent`],
//!   and the retry layer, which keeps the one copy of the request, sends it
//!   again at once on another connection, whatever the operation, without
//!   counting an attempt ([`crate::retry`]). `Connection: close` is honoured, and an idle connection is
//!   dropped after [`Config::pool_idle_timeout`], which should stay under
//!   the server's own keep-alive timeout.
//! - A request that was written and then got no answer may have been
//!   processed: it is an [`Error::Transport`] ([`Error::is_maybe_sent`]),
//!   which only the retry layer may retry, and only for an idempotent
//!   operation.

mod root_pool;

pub use root_pool::AnswerBody;
use root_pool::{Failure, RootPool, Sending};

use crate::config::Config;
use crate::connection::{Armable, Guarded, Habits};
use crate::meta::operation_name;
use crate::proxy::{ProxyConnector, Route};
use alooma_core::{BoxError, ConnectCause, ConnectFailure, Error, TimeoutKind};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::{Client, ResponseFuture};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tower::Service;

/// The connect timeout expired (the `source` of an [`Error::Timeout`]'s
/// underlying hyper error; matched by type).
#[derive(Debug)]
struct ConnectTimedOut(Duration);

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connecting took longer than {:?}", self.0)
    }
}

impl std::error::Error for ConnectTimedOut {}

/// A connector wrapper bounding the whole connection setup (DNS, TCP, TLS).
#[derive(Debug, Clone)]
pub struct ConnectTimeout<C> {
    inner: C,
    timeout: Duration,
}

impl<C> ConnectTimeout<C> {
    /// Wraps `inner` with `timeout`.
    pub fn new(inner: C, timeout: Duration) -> Self {
        ConnectTimeout { inner, timeout }
    }
}

impl<C> Service<Uri> for ConnectTimeout<C>
where
    C: Service<Uri>,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
    C::Response: Send + 'static,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let timeout = self.timeout;
        let fut = self.inner.call(uri);
        Box::pin(async move {
            match tokio::time::timeout(timeout, fut).await {
                Ok(result) => result.map_err(Into::into),
                Err(_) => Err(Box::new(ConnectTimedOut(timeout)) as BoxError),
            }
        })
    }
}

/// hyper-util's TCP connector with every stream [`Guarded`].
#[derive(Debug, Clone)]
pub struct GuardedConnector {
    inner: HttpConnector,
    habits: Arc<Habits>,
}

impl Service<Uri> for GuardedConnector {
    type Response = TokioIo<Guarded>;
    type Error = <HttpConnector as Service<Uri>>::Error;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<TokioIo<Guarded>, Self::Error>> + Send>,
    >;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let fut = self.inner.call(uri);
        let habits = self.habits.clone();
        // Armed once the connection is ready for requests: a TLS
        // handshake or a proxy's tunnel goes over it first.
        Box::pin(async move {
            Ok(TokioIo::new(
                Guarded::new(fut.await?.into_inner(), habits).disarmed(),
            ))
        })
    }
}

/// Arms the [`Guarded`] stream under each new connection once the
/// connection is ready for requests ([`Armable`]).
#[derive(Debug, Clone)]
struct ArmWhenReady<C> {
    inner: C,
}

impl<C> Service<Uri> for ArmWhenReady<C>
where
    C: Service<Uri>,
    C::Response: Armable + Send + 'static,
    C::Future: Send + 'static,
{
    type Response = C::Response;
    type Error = C::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<C::Response, C::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), C::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let fut = self.inner.call(uri);
        Box::pin(async move {
            let mut io = fut.await?;
            io.arm();
            Ok(io)
        })
    }
}

type Connector = ConnectTimeout<ArmWhenReady<HttpsConnector<ProxyConnector<GuardedConnector>>>>;

/// Whether the request behind `e` never reached the server: the guarded
/// connection refused to start it, or hyper gave it back unsent.
fn never_sent(e: &(dyn std::error::Error + 'static)) -> bool {
    crate::connection::is_stale(e)
        || chain(e).iter().any(|s| {
            s.downcast_ref::<hyper::Error>()
                .is_some_and(hyper::Error::is_canceled)
        })
}

/// The pooled hyper client as a `tower::Service<Request<Bytes>>` answering
/// `Response<Incoming>` (wrap it in [`crate::body::CollectBodyLayer`]).
/// Requests must carry absolute URIs ([`crate::base_url::BaseUrlLayer`]).
///
/// Cloning costs one reference count: every clone shares one pool, and a
/// call clones nothing of the client itself.
///
/// On its own it does not send a request again: one that never reached the
/// server fails as [`Error::Connect`] with [`ConnectFailure::NotSent`], and
/// [`crate::retry::RetryLayer`] above it (as in [`crate::Transport`]) sends
/// it again from its copy.
#[derive(Clone)]
pub struct HyperClient {
    shared: Arc<Shared>,
}

/// What every clone of a [`HyperClient`] shares.
struct Shared {
    client: Client<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
    habits: Arc<Habits>,
    route: Route,
    host: RootHost,
    /// The REST root's own pool; none when a proxy carries its requests.
    root_pool: Option<Arc<RootPool<Connector>>>,
}

/// The `Host` header of the REST root's origin, made once: hyper-util
/// would format it for every request that comes without one.
struct RootHost {
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    value: Option<HeaderValue>,
}

impl RootHost {
    /// The header for `scheme` and `authority`, as hyper-util writes it:
    /// the host, and the port unless it is the scheme's default (80 for
    /// `http`, 443 for `https`).
    fn new(scheme: &http::uri::Scheme, authority: &http::uri::Authority) -> Self {
        let secure = scheme == &http::uri::Scheme::HTTPS;
        let text = match authority.port() {
            Some(p) if (p.as_u16() == 443 && secure) || (p.as_u16() == 80 && !secure) => {
                authority.host().to_owned()
            }
            Some(p) => format!("{}:{p}", authority.host()),
            None => authority.host().to_owned(),
        };
        RootHost {
            scheme: scheme.clone(),
            authority: authority.clone(),
            value: HeaderValue::from_str(&text).ok(),
        }
    }

    /// The header for `uri` when it is for the root's origin.
    fn for_uri(&self, uri: &Uri) -> Option<&HeaderValue> {
        let same = uri.authority() == Some(&self.authority) && uri.scheme() == Some(&self.scheme);
        self.value.as_ref().filter(|_| same)
    }
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("user_agent", &self.shared.user_agent)
            .finish_non_exhaustive()
    }
}

/// The certificates of a PEM bundle (`Config::ca_bundle`); a file that
/// cannot be read, or holds none, is a configuration error.
fn bundle_certs(
    path: &std::path::Path,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, Error> {
    use rustls::pki_types::pem::PemObject;
    let fail = |why: String| Error::Config {
        reason: format!("the CA bundle {}: {why}", path.display()),
    };
    let certs: Vec<_> = rustls::pki_types::CertificateDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if certs.is_empty() {
        return Err(fail("holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// rustls's client configuration: verification on, the *ring* provider
/// passed explicitly; roots by feature plus `config.ca_bundle`, or the
/// platform's verifier (`config.platform_verifier`).
fn tls_config(https: bool, config: &Config) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match &config.ca_bundle {
        Some(path) => bundle_certs(path)?,
        None => Vec::new(),
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config {
            reason: format!("TLS setup failed: {e}"),
        })?;
    if config.platform_verifier {
        #[cfg(feature = "platform-verifier")]
        {
            let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
                extra, provider,
            )
            .map_err(|e| Error::Config {
                reason: format!("the platform's certificate verifier: {e}"),
            })?;
            return Ok(builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth());
        }
        #[cfg(not(feature = "platform-verifier"))]
        return Err(Error::Config {
            reason: "the platform verifier needs the `platform-verifier` feature of alooma-http"
                .into(),
        });
    }
    #[allow(unused_mut)]
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "native-roots")]
    {
        let found = rustls_native_certs::load_native_certs();
        for e in &found.errors {
            tracing::debug!(error = %e, "the OS certificate store could not be read in full");
        }
        let (added, skipped) = roots.add_parsable_certificates(found.certs);
        if skipped > 0 {
            // A certificate the OS store holds but rustls cannot parse is
            // skipped, as browsers do.
            tracing::debug!(
                added,
                skipped,
                "OS root certificates rustls cannot parse were skipped"
            );
        }
    }
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra {
        roots.add(cert).map_err(|e| Error::Config {
            reason: format!("a certificate of the CA bundle is not usable: {e}"),
        })?;
    }
    if https && roots.is_empty() {
        return Err(Error::Config {
            reason: "no trusted root certificates were found (install the OS CA bundle, set a CA bundle, or enable the `webpki-roots` feature)".into(),
        });
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

impl HyperClient {
    /// A client for `config` (its connect timeout, user agent, TLS roots).
    /// No network I/O; reads the OS certificate store with `native-roots`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        let root = config.validate()?;
        let https = root.scheme() == &http::uri::Scheme::HTTPS;
        let habits = Arc::new(Habits::default());
        let route = Route::new(&config.proxy)?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https_connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(https, config)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(ProxyConnector::new(
                GuardedConnector {
                    inner: http,
                    habits: habits.clone(),
                },
                route.clone(),
            ));
        let connector = ConnectTimeout::new(
            ArmWhenReady {
                inner: https_connector,
            },
            config.timeouts.connect,
        );
        let origin = Uri::builder()
            .scheme(root.scheme().clone())
            .authority(root.authority().clone())
            .path_and_query("/")
            .build()
            .map_err(|e| Error::Config {
                reason: format!("the REST root's origin is not a URI: {e}"),
            })?;
        let root_pool = route.proxy_for(&origin).is_none().then(|| {
            Arc::new(RootPool::new(
                connector.clone(),
                origin,
                config.pool_idle_timeout,
            ))
        });
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(config.pool_idle_timeout)
            .build(connector);
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| Error::Config {
            reason: "the user agent is not a valid header value".into(),
        })?;
        Ok(HyperClient {
            shared: Arc::new(Shared {
                client,
                user_agent,
                habits,
                route,
                host: RootHost::new(root.scheme(), root.authority()),
                root_pool,
            }),
        })
    }
}

/// The errors of a chain, outermost first. `io::Error::source` skips its
/// own payload, so an I/O error's payload is listed after it.
fn chain<'e>(
    e: &'e (dyn std::error::Error + 'static),
) -> Vec<&'e (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        out.push(err);
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            // The payload, whose own source comes next in its turn.
            Some(payload) => Some(payload as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    out
}

/// The host and port a request went to, for messages (`127.0.0.1:9`).
fn authority(uri: &Uri) -> String {
    let host = uri.host().unwrap_or("the server");
    match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None if uri.scheme() == Some(&http::uri::Scheme::HTTPS) => format!("{host}:443"),
        None => format!("{host}:80"),
    }
}

/// Why a connection could not carry the request, in one line.
fn connect_cause(e: &(dyn std::error::Error + 'static), unsent: bool, uri: &Uri) -> ConnectCause {
    let errors = chain(e);
    let authority = authority(uri);
    for err in &errors {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            let (failure, detail) = match tls {
                rustls::Error::InvalidCertificate(cert) => (
                    ConnectFailure::Certificate,
                    match cert {
                        rustls::CertificateError::UnknownIssuer => {
                            format!("certificate of {authority} signed by an unknown issuer")
                        }
                        rustls::CertificateError::NotValidForName
                        | rustls::CertificateError::NotValidForNameContext { .. } => {
                            format!("certificate of {authority} is not valid for that name")
                        }
                        rustls::CertificateError::Expired
                        | rustls::CertificateError::ExpiredContext { .. } => {
                            format!("certificate of {authority} has expired")
                        }
                        other => format!("certificate of {authority} refused: {other:?}"),
                    },
                ),
                other => (
                    ConnectFailure::Tls,
                    format!("TLS handshake with {authority} failed: {other}"),
                ),
            };
            return ConnectCause::new(failure, detail);
        }
    }
    if unsent {
        return ConnectCause::new(
            ConnectFailure::NotSent,
            format!("{authority} closed every usable connection before the request could be written (it was not sent)"),
        );
    }
    for err in &errors {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return ConnectCause::new(
                    ConnectFailure::Refused,
                    format!("connection refused by {authority}"),
                );
            }
        }
    }
    // hyper-util reports a failed lookup as "dns error" around the
    // resolver's I/O error.
    if errors.iter().any(|err| err.to_string() == "dns error") {
        let text = errors.last().map(|err| err.to_string()).unwrap_or_default();
        let unknown = [
            "not known",
            "No address associated",
            "nodename nor servname",
            "No such host",
        ]
        .iter()
        .any(|m| text.contains(m));
        let host = uri.host().unwrap_or("the server");
        return if unknown {
            ConnectCause::new(ConnectFailure::NoSuchHost, format!("no such host {host}"))
        } else {
            ConnectCause::new(
                ConnectFailure::Other,
                format!("could not look up {host}: {text}"),
            )
        };
    }
    let root = errors.last().map(|err| err.to_string()).unwrap_or_default();
    ConnectCause::new(
        ConnectFailure::Other,
        format!("connecting to {authority} failed: {root}"),
    )
}

/// The innermost message of a chain: what actually went wrong.
#[derive(Debug)]
struct RootCause {
    summary: String,
    source: BoxError,
}

impl fmt::Display for RootCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary)
    }
}

impl std::error::Error for RootCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Maps a failed request: one that was never sent (a connect failure,
/// `connect`; a connection that gave it back or closed before it was
/// written, `unsent` or found in the chain) to [`Error::Connect`] (or a
/// connect [`Error::Timeout`]), with its root cause in one line; anything
/// else (the request may have been processed) to [`Error::Transport`], with
/// its root cause.
fn map_failure(
    operation: &'static str,
    e: BoxError,
    connect: bool,
    unsent: bool,
    uri: &Uri,
) -> Error {
    for err in chain(&*e) {
        if let Some(ConnectTimedOut(after)) = err.downcast_ref::<ConnectTimedOut>() {
            return Error::Timeout {
                operation,
                kind: TimeoutKind::Connect,
                after: *after,
            };
        }
    }
    let unsent = unsent || never_sent(&*e);
    if connect || unsent {
        let cause = connect_cause(&*e, unsent, uri);
        return Error::Connect {
            operation,
            source: Box::new(cause.with_source(e)),
        };
    }
    let summary = chain(&*e)
        .last()
        .map(|err| err.to_string())
        .unwrap_or_else(|| e.to_string());
    Error::Transport {
        operation,
        source: Box::new(RootCause { summary, source: e }),
    }
}

pin_project_lite::pin_project! {
    /// The future of [`HyperClient`], with its error mapped to the SDK's:
    /// a request to the REST root's origin goes through the client's own
    /// pool (one box), any other through hyper-util's (its box). No copy of
    /// the request: it moves into hyper. A request a closing pooled
    /// connection never took fails as [`Error::Connect`] with
    /// [`ConnectFailure::NotSent`]; the retry layer above, which holds the
    /// one copy of each request, sends it again.
    pub struct HyperFuture {
        #[pin]
        call: Call,
        operation: &'static str,
        // For the error's message (the host and port).
        uri: Uri,
    }
}

pin_project_lite::pin_project! {
    #[project = CallProj]
    enum Call {
        Root { call: Sending },
        Other { #[pin] call: ResponseFuture },
    }
}

impl fmt::Debug for HyperFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperFuture")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl std::future::Future for HyperFuture {
    type Output = Result<Response<AnswerBody>, Error>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let (operation, uri) = (*this.operation, &*this.uri);
        Poll::Ready(match this.call.project() {
            CallProj::Root { call } => match std::task::ready!(call.as_mut().poll(cx)) {
                Ok(resp) => Ok(resp),
                Err(Failure::Connect(e)) => Err(map_failure(operation, e, true, false, uri)),
                Err(Failure::Send { error, unsent }) => {
                    Err(map_failure(operation, Box::new(error), false, unsent, uri))
                }
            },
            CallProj::Other { call } => match std::task::ready!(call.poll(cx)) {
                Ok(resp) => Ok(resp.map(AnswerBody::plain)),
                Err(e) => {
                    let connect = e.is_connect();
                    Err(map_failure(operation, Box::new(e), connect, false, uri))
                }
            },
        })
    }
}

impl Service<Request<Bytes>> for HyperClient {
    type Response = Response<AnswerBody>;
    type Error = Error;
    type Future = HyperFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let shared = &self.shared;
        let headers = req.headers_mut();
        if !headers.contains_key(http::header::USER_AGENT) {
            headers.insert(http::header::USER_AGENT, shared.user_agent.clone());
        }
        let to_root = match shared.host.for_uri(req.uri()) {
            Some(host) => {
                req.headers_mut()
                    .entry(http::header::HOST)
                    .or_insert_with(|| host.clone());
                true
            }
            None => false,
        };
        // A plain-HTTP request forwarded by a proxy carries the proxy's
        // credentials (an https one gets them on its CONNECT only).
        if req.uri().scheme_str() == Some("http") {
            if let Some((_, Some(auth))) = shared.route.proxy_for(req.uri()) {
                req.headers_mut()
                    .insert(http::header::PROXY_AUTHORIZATION, auth);
            }
        }
        if shared.habits.closes_after_answers() {
            // The server closes its connections right after answering: one
            // connection per request, so none is reused as it closes.
            req.headers_mut()
                .entry(http::header::CONNECTION)
                .or_insert(HeaderValue::from_static("close"));
        }
        let uri = req.uri().clone();
        let call = match &shared.root_pool {
            Some(pool) if to_root => Call::Root {
                call: pool.send(req.map(Full::new)),
            },
            _ => Call::Other {
                call: shared.client.request(req.map(Full::new)),
            },
        };
        HyperFuture {
            call,
            operation,
            uri,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(uri: &str) -> Option<String> {
        let uri: Uri = uri.parse().unwrap();
        let root = RootHost::new(uri.scheme().unwrap(), uri.authority().unwrap());
        root.for_uri(&uri).map(|v| v.to_str().unwrap().to_owned())
    }

    /// The header hyper-util would write: the port unless it is the
    /// scheme's default.
    #[test]
    fn the_root_host_is_written_as_hyper_util_writes_it() {
        assert_eq!(
            host("http://127.0.0.1:8080/rest").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host("http://h:80/").as_deref(), Some("h"));
        assert_eq!(host("https://h:443/").as_deref(), Some("h"));
        assert_eq!(host("https://h:80/").as_deref(), Some("h:80"));
        assert_eq!(host("http://h:443/").as_deref(), Some("h:443"));
        assert_eq!(
            host("https://app.alooma.com/x").as_deref(),
            Some("app.alooma.com")
        );
        assert_eq!(host("http://[::1]:9000/").as_deref(), Some("[::1]:9000"));
    }

    /// Another origin (another host, port or scheme) gets no header from
    /// the root: hyper-util writes its own.
    #[test]
    fn only_the_roots_origin_gets_it() {
        let root = RootHost::new(&http::uri::Scheme::HTTP, &"127.0.0.1:8080".parse().unwrap());
        for other in [
            "http://127.0.0.1:8081/x",
            "https://127.0.0.1:8080/x",
            "http://localhost:8080/x",
            "/relative",
        ] {
            assert!(root.for_uri(&other.parse().unwrap()).is_none(), "{other}");
        }
        assert!(root
            .for_uri(&"http://127.0.0.1:8080/x".parse().unwrap())
            .is_some());
    }
}
