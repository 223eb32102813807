//! The innermost service: hyper-util's pooled HTTP/1.1 client over rustls.
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
//! - A pooled keep-alive connection that the server closed is detected by
//!   the pool, and a request that failed on a reused connection before it
//!   was written is re-sent by hyper-util on a new one.

use crate::config::Config;
use crate::meta::operation_name;
use crate::BoxFuture;
use alooma_core::{BoxError, Error, TimeoutKind};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
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

type Connector = ConnectTimeout<HttpsConnector<HttpConnector>>;

/// The pooled hyper client as a `tower::Service<Request<Bytes>>` answering
/// `Response<Incoming>` (wrap it in [`crate::body::CollectBodyLayer`]).
/// Requests must carry absolute URIs ([`crate::base_url::BaseUrlLayer`]).
#[derive(Clone)]
pub struct HyperClient {
    client: Client<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// rustls's client configuration: verification on, the *ring* provider
/// passed explicitly, roots by feature.
fn tls_config(https: bool) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    #[allow(unused_mut)]
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "native-roots")]
    {
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            // A certificate the OS store holds but rustls cannot parse is
            // skipped, as browsers do.
            let _ = roots.add(cert);
        }
    }
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if https && roots.is_empty() {
        return Err(Error::Config {
            reason: "no trusted root certificates were found (install the OS CA bundle, or enable the `webpki-roots` feature)".into(),
        });
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config {
            reason: format!("TLS setup failed: {e}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

impl HyperClient {
    /// A client for `config` (its connect timeout, user agent, TLS roots).
    /// No network I/O; reads the OS certificate store with `native-roots`.
    pub fn new(config: &Config) -> Result<Self, Error> {
        let root = config.validate()?;
        let https = root.scheme() == &http::uri::Scheme::HTTPS;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let https_connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(https)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let connector = ConnectTimeout::new(https_connector, config.timeouts.connect);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        let user_agent = HeaderValue::from_str(&config.user_agent).map_err(|_| Error::Config {
            reason: "the user agent is not a valid header value".into(),
        })?;
        Ok(HyperClient { client, user_agent })
    }
}

/// Maps hyper-util's error: connect failures (nothing sent) to
/// [`Error::Connect`] or a connect [`Error::Timeout`], the rest to
/// [`Error::Transport`].
fn map_error(operation: &'static str, e: hyper_util::client::legacy::Error) -> Error {
    if e.is_connect() {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(s) = source {
            if let Some(ConnectTimedOut(after)) = s.downcast_ref::<ConnectTimedOut>() {
                return Error::Timeout {
                    operation,
                    kind: TimeoutKind::Connect,
                    after: *after,
                };
            }
            source = s.source();
        }
        Error::Connect {
            operation,
            source: Box::new(e),
        }
    } else {
        Error::Transport {
            operation,
            source: Box::new(e),
        }
    }
}

impl Service<Request<Bytes>> for HyperClient {
    type Response = Response<Incoming>;
    type Error = Error;
    type Future = BoxFuture<Response<Incoming>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let (mut parts, body) = req.into_parts();
        parts
            .headers
            .entry(http::header::USER_AGENT)
            .or_insert_with(|| self.user_agent.clone());
        let req = Request::from_parts(parts, Full::new(body));
        let fut = self.client.request(req);
        Box::pin(async move { fut.await.map_err(|e| map_error(operation, e)) })
    }
}
