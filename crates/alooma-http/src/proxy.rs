//! Proxies: which requests go through one ([`Proxy`], hyper-util's
//! `Matcher` for the curl rules of `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`
//! and `NO_PROXY`), and the connector that goes through it: an `https://`
//! destination through a `CONNECT` tunnel (hyper-util's `Tunnel`; TLS then
//! runs end to end with the destination, so the proxy sees neither the API
//! key nor the data), a plain `http://` one by sending the request in
//! absolute form to the proxy. Proxy credentials come from the proxy URL
//! only and go only to the proxy (`Proxy-Authorization`).

use crate::config::{is_loopback, Proxy};
use crate::connection::Guarded;
use alooma_core::{BoxError, Error};
use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower::Service;

/// Which destinations go through which proxy.
#[derive(Clone)]
pub(crate) struct Route {
    matcher: Option<Arc<Matcher>>,
    /// Loopback destinations bypass an environment-configured proxy.
    skip_loopback: bool,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("proxied", &self.matcher.is_some())
            .finish()
    }
}

/// Whether a proxy variable (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, in
/// either case) is set to something: without one, hyper-util's matcher
/// sends nothing through a proxy.
fn env_names_a_proxy() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

impl Route {
    /// The route for `proxy`; a proxy URL that does not parse is a
    /// configuration error.
    pub(crate) fn new(proxy: &Proxy) -> Result<Self, Error> {
        match proxy {
            Proxy::None => Ok(Route {
                matcher: None,
                skip_loopback: false,
            }),
            Proxy::FromEnv => Ok(Route {
                // Without a proxy variable nothing is ever proxied: no
                // matcher to consult on every request.
                matcher: env_names_a_proxy().then(|| Arc::new(Matcher::from_env())),
                skip_loopback: true,
            }),
            Proxy::Url { url, no_proxy } => {
                let uri: Uri = url.parse().map_err(|_| Error::Config {
                    reason: "the proxy URL does not parse (expected http://host:port)".into(),
                })?;
                if uri.host().is_none() {
                    return Err(Error::Config {
                        reason: "the proxy URL has no host".into(),
                    });
                }
                let matcher = Matcher::builder()
                    .all(url.clone())
                    .no(no_proxy.clone())
                    .build();
                Ok(Route {
                    matcher: Some(Arc::new(matcher)),
                    skip_loopback: false,
                })
            }
        }
    }

    /// The proxy for `dst`, with its `Proxy-Authorization` value.
    pub(crate) fn proxy_for(&self, dst: &Uri) -> Option<(Uri, Option<HeaderValue>)> {
        let matcher = self.matcher.as_ref()?;
        if self.skip_loopback && dst.host().is_some_and(is_loopback) {
            return None;
        }
        let intercept = matcher.intercept(dst)?;
        let mut auth = intercept.basic_auth().cloned();
        if let Some(a) = auth.as_mut() {
            a.set_sensitive(true);
        }
        Some((intercept.uri().clone(), auth))
    }
}

/// The TCP connector with the proxy route in front of it.
#[derive(Clone)]
pub struct ProxyConnector<C> {
    inner: C,
    route: Route,
}

impl<C> fmt::Debug for ProxyConnector<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConnector")
            .field("route", &self.route)
            .finish_non_exhaustive()
    }
}

impl<C> ProxyConnector<C> {
    pub(crate) fn new(inner: C, route: Route) -> Self {
        ProxyConnector { inner, route }
    }
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<Guarded>, BoxError>> + Send>>;

impl<C> Service<Uri> for ProxyConnector<C>
where
    C: Service<Uri, Response = TokioIo<Guarded>> + Clone + Send + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = TokioIo<Guarded>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Connecting {
        match self.route.proxy_for(&dst) {
            None => {
                let fut = self.inner.call(dst);
                Box::pin(async move { fut.await.map_err(Into::into) })
            }
            Some((proxy, auth)) if dst.scheme_str() == Some("https") => {
                let mut tunnel = Tunnel::new(proxy.clone(), self.inner.clone());
                if let Some(auth) = auth {
                    tunnel = tunnel.with_auth(auth);
                }
                tracing::debug!(proxy = %proxy.authority().map(|a| a.host()).unwrap_or_default(), "connecting through the proxy's CONNECT tunnel");
                let fut = tunnel.call(dst);
                Box::pin(async move { fut.await.map_err(|e| Box::new(e) as BoxError) })
            }
            Some((proxy, _)) => {
                let fut = self.inner.call(proxy);
                Box::pin(async move {
                    let io = fut.await.map_err(Into::into)?;
                    Ok(TokioIo::new(io.into_inner().proxied()))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_proxies_and_bypasses() {
        let route =
            Route::new(&Proxy::url("http://u:p@proxy.corp:3128").no_proxy("internal.example"))
                .unwrap();
        let (proxy, auth) = route
            .proxy_for(&"https://app.alooma.com/x".parse().unwrap())
            .unwrap();
        assert_eq!(proxy.host(), Some("proxy.corp"));
        assert!(auth.is_some_and(|a| a.is_sensitive()));
        assert!(route
            .proxy_for(&"https://internal.example/x".parse().unwrap())
            .is_none());
        // An explicit proxy is used for loopback too (tests go through one).
        assert!(route
            .proxy_for(&"http://127.0.0.1:1/x".parse().unwrap())
            .is_some());
        let none = Route::new(&Proxy::None).unwrap();
        assert!(none
            .proxy_for(&"https://app.alooma.com/".parse().unwrap())
            .is_none());
        assert!(Route::new(&Proxy::url("not a url")).is_err());
        assert!(is_loopback("[::1]") && is_loopback("LOCALHOST") && is_loopback("127.0.0.2"));
    }
}
