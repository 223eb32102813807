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
    /// The path part of `prefix` (`/acme/rest`, or `/base/path/acme/rest`).
    path_prefix: String,
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
        // `{scheme}://{authority}` is where the path starts.
        let origin_len = scheme.as_str().len() + 3 + authority.as_str().len();
        let path_prefix = prefix.get(origin_len..).unwrap_or_default().to_owned();
        Ok(RestRoot {
            base,
            account,
            prefix,
            path_prefix,
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
        let same_authority = match uri.authority() {
            // A URI made by `resolve` shares the root's authority: the
            // same bytes, so no comparison is needed.
            Some(a) => std::ptr::eq(a.as_str(), self.authority.as_str()) || *a == self.authority,
            None => false,
        };
        same_authority && uri.scheme() == Some(&self.scheme)
    }

    /// Joins an operation-relative URI (`/event-types`) to the root.
    /// An absolute URI is returned unchanged.
    ///
    /// The root's scheme and authority were parsed once, when the root was
    /// made: only the joined path and query are checked here, and they take
    /// one allocation.
    pub fn resolve(&self, relative: &Uri) -> Result<Uri, Error> {
        if relative.scheme().is_some() {
            return Ok(relative.clone());
        }
        let pq = relative
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let mut joined = Vec::with_capacity(self.path_prefix.len() + pq.len());
        joined.extend_from_slice(self.path_prefix.as_bytes());
        joined.extend_from_slice(pq.as_bytes());
        let fail = |e: &dyn std::fmt::Display| Error::Config {
            reason: format!(
                "could not join {pq:?} to the REST root {}: {e}",
                self.prefix
            ),
        };
        let path_and_query = http::uri::PathAndQuery::from_maybe_shared(Bytes::from(joined))
            .map_err(|e| fail(&e))?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        Uri::from_parts(parts).map_err(|e| fail(&e))
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
    fn joins_without_reparsing_the_root() {
        for (base, account, rel, want) in [
            (
                "https://h",
                Some("acme"),
                "/event-types?x=1",
                "https://h/acme/rest/event-types?x=1",
            ),
            (
                "https://h:8443/",
                None,
                "/inputs/a%2Fb",
                "https://h:8443/rest/inputs/a%2Fb",
            ),
            (
                "http://127.0.0.1:9/base/path",
                Some("my acct"),
                "/",
                "http://127.0.0.1:9/base/path/my%20acct/rest/",
            ),
            (
                "https://h",
                Some("a"),
                "/settings/?q=a,b",
                "https://h/a/rest/settings/?q=a,b",
            ),
        ] {
            let root = RestRoot::new(base, account).unwrap();
            let uri = root.resolve(&rel.parse().unwrap()).unwrap();
            assert_eq!(uri.to_string(), want);
            // The same URI a full parse gives, part for part.
            let parsed: Uri = want.parse().unwrap();
            assert_eq!(uri, parsed);
            assert_eq!(uri.host(), parsed.host());
            assert_eq!(uri.port_u16(), parsed.port_u16());
            assert_eq!(uri.path(), parsed.path());
            assert_eq!(uri.query(), parsed.query());
        }
        // An absolute URI passes unchanged.
        let root = RestRoot::new("https://h", None).unwrap();
        let abs: Uri = "https://other/x".parse().unwrap();
        assert_eq!(root.resolve(&abs).unwrap(), abs);
    }

    #[test]
    fn same_origin() {
        let root = RestRoot::new("https://h:8443", None).unwrap();
        assert!(root.is_same_origin(&"https://h:8443/x".parse().unwrap()));
        assert!(!root.is_same_origin(&"https://evil/x".parse().unwrap()));
        assert!(!root.is_same_origin(&"http://h:8443/x".parse().unwrap()));
    }
}
