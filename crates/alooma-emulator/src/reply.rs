//! What a handler receives (`Req`) and answers (`Reply` or `ApiError`).

use http::{HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// The parsed query string: decoded `name=value` pairs in request order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses a raw query string; `+` is a space and `%XX` is decoded once.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode_query_part(k), decode_query_part(v))
            })
            .collect();
        Self { pairs }
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every pair, in request order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `name` read as a boolean flag (`true`/`True`/`1` are true).
    pub(crate) fn flag(&self, name: &str) -> bool {
        matches!(self.get(name), Some("true" | "True" | "TRUE" | "1"))
    }
}

fn decode_query_part(part: &str) -> String {
    let spaced = part.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// One API request as the handlers see it.
pub(crate) struct Req<'a> {
    /// The decoded query string.
    pub(crate) query: &'a Query,
    /// The raw request body.
    pub(crate) body: &'a [u8],
}

impl Req<'_> {
    /// The body read into `T`: an empty body, malformed JSON, or JSON that
    /// does not fit `T` is a 400 that says which, with the JSON path of a
    /// misfit (`` `fields[0].fieldName` ``).
    pub(crate) fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("a JSON request body is required"));
        }
        let mut de = serde_json::Deserializer::from_slice(self.body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                ApiError::bad_request(format!("malformed JSON body: {inner}"))
            } else if path == "." {
                ApiError::bad_request(format!("the request body does not fit: {inner}"))
            } else {
                ApiError::bad_request(format!(
                    "the request body does not fit at `{path}`: {inner}"
                ))
            }
        })?;
        de.end()
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        Ok(value)
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn json(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// 200 with an empty body (actions whose answer carries nothing).
    pub(crate) fn empty() -> Self {
        Self {
            status: StatusCode::OK,
            body: None,
            headers: Vec::new(),
        }
    }

    /// 204 No Content (actions the service answered without a body).
    pub(crate) fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            body: None,
            headers: Vec::new(),
        }
    }

    /// Adds a response header.
    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A failed answer: a status and a message, sent as a JSON error body
/// (with headers of its own, such as a 405's `Allow`).
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    /// An error with any status.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// 405 Method Not Allowed, with the `Allow` header listing `allowed`.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        let allow = allowed.join(", ");
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not allowed on {path}; allowed: {allow}"),
        );
        if let Ok(value) = HeaderValue::from_str(&allow) {
            e.headers.push((http::header::ALLOW, value));
        }
        e
    }

    /// 400 Bad Request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 401 Unauthorized.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }
}

/// The JSON body of every error answer.
pub(crate) fn error_body(status: StatusCode, message: &str) -> Value {
    json!({
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
        "message": message,
    })
}

/// The outcome of a handler.
pub(crate) type Outcome = Result<Reply, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decodes_plus_and_percent_and_keeps_repeats() {
        let q = Query::parse(Some("eventType=a%2Fb+c&status=VALID&status=DROP&flag"));
        assert_eq!(q.get("eventType"), Some("a/b c"));
        assert_eq!(q.all("status"), vec!["VALID", "DROP"]);
        assert_eq!(q.get("flag"), Some(""));
        assert!(!q.flag("flag"));
        assert!(Query::parse(Some("all=True")).flag("all"));
    }
}
