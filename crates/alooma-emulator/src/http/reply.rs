//! What a handler receives (`Req`) and answers (`Reply` or `ApiError`).

use http::{HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub(crate) use crate::domain::params::Query;

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
