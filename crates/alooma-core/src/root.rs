//! [`RestRoot`]: where operation-relative requests go
//! (`{base}/{account}/rest/` or `{base}/rest/`).

use crate::request::encode_component;
use crate::Error;
use bytes::Bytes;
use http::{Request, Uri};

/// The hosted service's base URL, the reference client's default.
pub const DEFAULT_BASE_URL: &str = "https://app.alooma.com";

/// The REST root that operation-relative URIs are joined to.
///
/// ```
/// use alooma_core::RestRoot;
/// let root = RestRoot::new("https://app.alooma.com/", Some("acme")).unwrap();
/// assert_eq!(root.prefix(), "https://app.alooma.com/acme/rest");
/// let uri = root.resolve(&"/event-types?x=1".parse().unwrap()).unwrap();
/// assert_eq!(uri, "https://app.alooma.com/acme/rest/event-types?x=1");
///
/// let no_account = RestRoot::new("http://127.0.0.1:8080", None).unwrap();
/// assert_eq!(no_account.prefix(), "http://127.0.0.1:8080/rest");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestRoot {
    base: String,
    account: Option<String>,
    prefix: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
}

impl RestRoot {
    /// A root from a base URL (`https://host[:port][/path]`, trailing `/`
    /// trimmed) and an optional account name (encoded as one segment).
    pub fn new(base_url: &str, account: Option<&str>) -> Result<Self, Error> {
        let base = base_url.trim_end_matches('/').to_owned();
        let uri: Uri = base.parse().map_err(|e| Error::Config {
            reason: format!("the base URL {base:?} is not a valid URL: {e}"),
        })?;
        let scheme = uri.scheme().cloned().ok_or_else(|| Error::Config {
            reason: format!("the base URL {base:?} needs a scheme (https://…)"),
        })?;
        if scheme != http::uri::Scheme::HTTP && scheme != http::uri::Scheme::HTTPS {
            return Err(Error::Config {
                reason: format!("the base URL {base:?} must use http or https"),
            });
        }
        let authority = uri.authority().cloned().ok_or_else(|| Error::Config {
            reason: format!("the base URL {base:?} needs a host"),
        })?;
        if uri.query().is_some() {
            return Err(Error::Config {
                reason: format!("the base URL {base:?} must not have a query"),
            });
        }
        let account = account.filter(|a| !a.is_empty()).map(str::to_owned);
        let prefix = match &account {
            Some(a) => format!("{base}/{}/rest", encode_component(a)),
            None => format!("{base}/rest"),
        };
        Ok(RestRoot {
            base,
            account,
            prefix,
            scheme,
            authority,
        })
    }

    /// The same base URL with another account.
    pub fn with_account(&self, account: Option<&str>) -> Result<Self, Error> {
        RestRoot::new(&self.base, account)
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The account name, if one is set.
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// `{base}/{account}/rest` or `{base}/rest`, without a trailing `/`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The scheme of the base URL.
    pub fn scheme(&self) -> &http::uri::Scheme {
        &self.scheme
    }

    /// The host and port of the base URL.
    pub fn authority(&self) -> &http::uri::Authority {
        &self.authority
    }

    /// Whether `uri` points at this root's scheme, host and port (credentials
    /// are only ever sent to such URIs).
    pub fn is_same_origin(&self, uri: &Uri) -> bool {
        uri.scheme() == Some(&self.scheme) && uri.authority() == Some(&self.authority)
    }

    /// Joins an operation-relative URI (`/event-types`) to the root.
    /// An absolute URI is returned unchanged.
    pub fn resolve(&self, relative: &Uri) -> Result<Uri, Error> {
        if relative.scheme().is_some() {
            return Ok(relative.clone());
        }
        let pq = relative
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let joined = format!("{}{}", self.prefix, pq);
        joined.parse().map_err(|e| Error::Config {
            reason: format!(
                "could not join {pq:?} to the REST root {}: {e}",
                self.prefix
            ),
        })
    }

    /// Rewrites a request's URI with [`resolve`](Self::resolve).
    pub fn apply(&self, mut request: Request<Bytes>) -> Result<Request<Bytes>, Error> {
        let uri = self.resolve(request.uri())?;
        *request.uri_mut() = uri;
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_is_one_segment() {
        let root = RestRoot::new("https://h", Some("a/b")).unwrap();
        assert_eq!(root.prefix(), "https://h/a%2Fb/rest");
    }

    #[test]
    fn rejects_bad_base_urls() {
        for bad in [
            "app.alooma.com",
            "ftp://h",
            "",
            "https://h/?q=1",
            "not a url",
        ] {
            assert!(
                matches!(RestRoot::new(bad, None), Err(Error::Config { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn same_origin() {
        let root = RestRoot::new("https://h:8443", None).unwrap();
        assert!(root.is_same_origin(&"https://h:8443/x".parse().unwrap()));
        assert!(!root.is_same_origin(&"https://evil/x".parse().unwrap()));
        assert!(!root.is_same_origin(&"http://h:8443/x".parse().unwrap()));
    }
}
