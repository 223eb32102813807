//! [`RequestSpec`]: how operations assemble their requests, with every
//! caller-supplied path segment and query value percent-encoded as exactly
//! one component.

use crate::{Error, OperationMeta};
use bytes::Bytes;
use http::{header, HeaderValue, Method, Request};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

/// Bytes left as they are in a path segment or query value: RFC 3986's
/// unreserved characters. Everything else (`/ ? # % & = + ,` space,
/// non-ASCII …) is percent-encoded.
/// `application/json`, the `Accept` of every request and the
/// `Content-Type` of every body.
const JSON: HeaderValue = HeaderValue::from_static("application/json");

const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` as one path segment or query value.
///
/// A segment made only of dots (`.`, `..`) is encoded as `%2E…` so that no
/// URL normaliser can read it as a relative path step.
///
/// ```
/// use alooma_core::encode_component;
/// assert_eq!(encode_component("web/clicks v2"), "web%2Fclicks%20v2");
/// assert_eq!(encode_component("a?b#c%d"), "a%3Fb%23c%25d");
/// assert_eq!(encode_component(".."), "%2E%2E");
/// assert_eq!(encode_component("événement"), "%C3%A9v%C3%A9nement");
/// ```
pub fn encode_component(value: &str) -> String {
    if !value.is_empty() && value.bytes().all(|b| b == b'.') {
        return "%2E".repeat(value.len());
    }
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// The first secret key of a JSON body whose value is the redaction
/// placeholder. The common case (the placeholder text is nowhere in the
/// body) costs one substring scan; only a body that contains it is parsed.
fn redacted_secret(body: &[u8]) -> Option<String> {
    let needle = alooma_types::REDACTED.as_bytes();
    let mut found = false;
    let mut rest = body;
    // `<` is rare in JSON: look for the placeholder only where one starts.
    while let Some(i) = rest.iter().position(|&b| b == b'<') {
        if rest[i..].starts_with(needle) {
            found = true;
            break;
        }
        rest = &rest[i + 1..];
    }
    if !found {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    alooma_types::redacted_paths(&value).into_iter().next()
}

/// A marker in a request's extensions: the body holds a credential and must
/// never be logged (also `alooma_core::auth::SensitiveBody`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveBody;

/// A request under construction: method, path, query, body and metadata.
///
/// Literal path parts come from the operation ([`lit`](Self::lit)); caller
/// data goes through [`seg`](Self::seg) and [`query`](Self::query), which
/// encode it. Errors (an empty name, a body that fails to serialize) are kept
/// and returned by [`finish`](Self::finish), so building reads as one chain.
///
/// ```
/// use alooma_core::{OperationMeta, RetrySafety, RequestSpec};
/// let meta = OperationMeta::new("drop_table", RetrySafety::Idempotent);
/// let req = RequestSpec::delete(meta)
///     .lit("tables").seg("public").seg("my/table")
///     .query("cascade", "true")
///     .finish().unwrap();
/// assert_eq!(req.uri(), "/tables/public/my%2Ftable?cascade=true");
/// ```
#[derive(Debug)]
#[must_use]
pub struct RequestSpec {
    method: Method,
    meta: OperationMeta,
    path: String,
    query: String,
    body: Option<Bytes>,
    error: Option<Error>,
    sensitive: bool,
}

impl RequestSpec {
    /// A request with the given method.
    pub fn new(method: Method, meta: OperationMeta) -> Self {
        RequestSpec {
            method,
            meta,
            path: String::with_capacity(64),
            query: String::new(),
            body: None,
            error: None,
            sensitive: false,
        }
    }

    /// A `GET` request.
    pub fn get(meta: OperationMeta) -> Self {
        Self::new(Method::GET, meta)
    }

    /// A `POST` request.
    pub fn post(meta: OperationMeta) -> Self {
        Self::new(Method::POST, meta)
    }

    /// A `PUT` request.
    pub fn put(meta: OperationMeta) -> Self {
        Self::new(Method::PUT, meta)
    }

    /// A `DELETE` request.
    pub fn delete(meta: OperationMeta) -> Self {
        Self::new(Method::DELETE, meta)
    }

    /// Appends literal path segments written by the SDK (`"v2/consolidation"`;
    /// a trailing `/`, as in `"plumbing/"`, is kept); never use it for
    /// caller data.
    pub fn lit(mut self, literal: &'static str) -> Self {
        for part in literal.split('/').filter(|p| !p.is_empty()) {
            self.path.push('/');
            self.path.push_str(part);
        }
        if literal.ends_with('/') {
            self.path.push('/');
        }
        self
    }

    /// Appends caller data as exactly one percent-encoded path segment.
    /// An empty value is a build error (it would change the path's meaning).
    pub fn seg(mut self, value: &str) -> Self {
        if value.is_empty() && self.error.is_none() {
            self.error = Some(Error::build(
                self.meta.name,
                "a name or id in the request path must not be empty",
            ));
        }
        self.path.push('/');
        self.path.push_str(&encode_component(value));
        self
    }

    /// Ends the path with `/` (the service's spelling of some collections:
    /// `schemas/`, `settings/`, `user/`, `plumbing/`).
    pub fn trailing_slash(mut self) -> Self {
        self.path.push('/');
        self
    }

    /// Appends `key=value`, both percent-encoded.
    pub fn query(mut self, key: &str, value: impl AsRef<str>) -> Self {
        self.push_query_key(key);
        self.query.push_str(&encode_component(value.as_ref()));
        self
    }

    /// Appends `key=v1,v2,…`: each value percent-encoded, joined by a literal comma.
    pub fn query_list<I, V>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: AsRef<str>,
    {
        self.push_query_key(key);
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.query.push(',');
            }
            self.query.push_str(&encode_component(v.as_ref()));
        }
        self
    }

    /// Appends `key=value` once for each value, in order.
    pub fn query_each<I, V>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: AsRef<str>,
    {
        for v in values {
            self = self.query(key, v);
        }
        self
    }

    /// Marks the body as holding credentials
    /// ([`SensitiveBody`](crate::auth::SensitiveBody)(crate::auth::SensitiveBody) in the request's
    /// extensions): no layer logs or records it in clear.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Appends `key=value` only when `value` is `Some`.
    pub fn query_opt(self, key: &str, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    fn push_query_key(&mut self, key: &str) {
        self.query
            .push(if self.query.is_empty() { '?' } else { '&' });
        self.query.push_str(&encode_component(key));
        self.query.push('=');
    }

    /// Sets a JSON body (and `Content-Type: application/json`).
    ///
    /// A body that carries the redaction placeholder
    /// ([`REDACTED`](alooma_types::REDACTED)) as the value of a secret key is
    /// refused: printed output redacts secrets, and sending that output
    /// back would overwrite the real value (see
    /// [`restore_redacted`](alooma_types::restore_redacted)).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                if let Some(path) = redacted_secret(&bytes) {
                    return self.fail(format!(
                        "`{path}` holds the redaction placeholder {:?} instead of a value; put back the real value (alooma_types::restore_redacted, or print it with --show-secrets) or leave the key out",
                        alooma_types::REDACTED
                    ));
                }
                self.body = Some(Bytes::from(bytes));
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(Error::build(
                        self.meta.name,
                        format!("the request body could not be serialized: {e}"),
                    ));
                }
            }
        }
        self
    }

    /// Records a validation failure; `finish` will return it.
    pub fn fail(mut self, reason: impl Into<String>) -> Self {
        if self.error.is_none() {
            self.error = Some(Error::build(self.meta.name, reason));
        }
        self
    }

    /// The finished request, with [`OperationMeta`] in its extensions, or the
    /// first error met while building it.
    pub fn finish(self) -> Result<Request<Bytes>, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut uri = self.path;
        if uri.is_empty() {
            uri.push('/');
        }
        uri.push_str(&self.query);
        let name = self.meta.name;
        let has_body = self.body.is_some();
        // Built in place (no builder moving the parts through closures);
        // the header values are static, and the URI is parsed once, as the
        // path and query it is.
        let path_and_query = http::uri::PathAndQuery::from_maybe_shared(Bytes::from(uri))
            .map_err(|e| Error::build(name, format!("invalid request: {e}")))?;
        let mut req = Request::new(self.body.unwrap_or_default());
        *req.method_mut() = self.method;
        *req.uri_mut() = http::Uri::from(path_and_query);
        // Room for what the transport adds (credentials, user agent).
        let headers = req.headers_mut();
        headers.reserve(6);
        if has_body {
            headers.insert(header::CONTENT_TYPE, JSON);
        }
        headers.insert(header::ACCEPT, JSON);
        req.extensions_mut().insert(self.meta);
        if self.sensitive {
            req.extensions_mut().insert(SensitiveBody);
        }
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RetrySafety;

    const META: OperationMeta = OperationMeta::new("t", RetrySafety::Idempotent);

    #[test]
    fn empty_segment_is_a_build_error() {
        let err = RequestSpec::get(META)
            .lit("inputs")
            .seg("")
            .finish()
            .unwrap_err();
        assert!(matches!(err, Error::Build { operation: "t", .. }), "{err}");
    }

    #[test]
    fn query_values_are_encoded_and_lists_keep_commas() {
        let req = RequestSpec::get(META)
            .lit("metrics")
            .query_list("metrics", ["A", "B"])
            .query("from", "-10min")
            .query("x", "a&b=c")
            .finish()
            .unwrap();
        assert_eq!(req.uri(), "/metrics?metrics=A,B&from=-10min&x=a%26b%3Dc");
    }

    #[test]
    fn a_redaction_placeholder_at_a_secret_key_is_refused() {
        let meta = OperationMeta::new("edit_input", RetrySafety::Idempotent);
        let body = serde_json::json!({"configuration": {"password": "<redacted>"}});
        let err = RequestSpec::put(meta)
            .lit("inputs")
            .json(&body)
            .finish()
            .unwrap_err();
        assert!(matches!(err, Error::Build { .. }), "{err}");
        assert!(err.to_string().contains("configuration.password"), "{err}");
        // The same text anywhere else (a sample event, a description) is data.
        let body = serde_json::json!({"description": "<redacted>", "sample": {"x": "<redacted>"}});
        assert!(RequestSpec::post(meta)
            .lit("n")
            .json(&body)
            .finish()
            .is_ok());
    }

    #[test]
    fn body_sets_content_type() {
        let req = RequestSpec::post(META)
            .lit("x")
            .json(&serde_json::json!({"a":1}))
            .finish()
            .unwrap();
        assert_eq!(req.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(&req.body()[..], br#"{"a":1}"#);
        assert!(req.extensions().get::<OperationMeta>().is_some());
    }
}
