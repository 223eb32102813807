//! Response decoders shared by every operation: status checks and JSON
//! decoding that names the JSON path which failed.

use crate::error::snippet;
use crate::Error;
use bytes::Bytes;
use http::{Response, StatusCode};
use serde::de::DeserializeOwned;

/// Maps a non-success status to its error: 401/403 → [`Error::Auth`],
/// 504 → [`Error::ServerTimeout`], anything else → [`Error::Api`].
///
/// ```
/// use alooma_core::{decode, Error};
/// let resp = http::Response::builder().status(503).body(bytes::Bytes::from("busy")).unwrap();
/// let err = decode::check_status("get_inputs", &resp).unwrap_err();
/// assert!(matches!(err, Error::Api { .. }) && err.is_retryable());
/// ```
pub fn check_status(operation: &'static str, response: &Response<Bytes>) -> Result<(), Error> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let snippet = snippet(response.body());
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Error::Auth {
            operation,
            status: Some(status),
            user: None,
            reason: format!(
                "the server refused the credentials (check the API key, the user and password, and the account name){}",
                if snippet.is_empty() { String::new() } else { format!("; body: {snippet}") }
            ),
        },
        StatusCode::GATEWAY_TIMEOUT => Error::ServerTimeout { operation, snippet },
        _ => Error::Api {
            operation,
            status,
            snippet,
        },
    })
}

/// Decodes a JSON body into `T` after checking the status; a failure names
/// the JSON path that did not fit (`[2].fields[0].mapping.columnName`).
///
/// ```
/// use alooma_core::{decode, Error};
/// let resp = http::Response::builder().status(200)
///     .body(bytes::Bytes::from(r#"[{"name":"a"},{"name":7}]"#)).unwrap();
/// let err = decode::json::<Vec<alooma_types::EventType>>("get_event_types", resp).unwrap_err();
/// match err { Error::Decode { path, .. } => assert_eq!(path, "[1].name"), _ => unreachable!() }
/// ```
pub fn json<T: DeserializeOwned>(
    operation: &'static str,
    response: Response<Bytes>,
) -> Result<T, Error> {
    check_status(operation, &response)?;
    from_body(operation, response.into_body())
}

/// Answers at least this big are decoded sharing their body: the text the
/// models keep as read (a node's configuration) slices the body instead of
/// copying it, and the body lives as long as they do. A big structure is
/// mostly such text, so its peak memory is one copy of it, not two. Small
/// answers copy, and their body goes at once. (A body read in one piece is
/// a slice of the connection's read buffer, which it keeps; the transport
/// joins a body of several pieces without slack.) `Structure::unshare`
/// lets a kept structure's body go.
pub const SHARE_BODY_FROM: usize = 64 * 1024;

/// A body the decoded models may slice.
struct SharedBytes(Bytes);

impl alooma_types::SharedBody for SharedBytes {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// [`from_slice`] of a whole body, shared when it is big.
fn from_body<T: DeserializeOwned>(operation: &'static str, body: Bytes) -> Result<T, Error> {
    if body.len() >= SHARE_BODY_FROM {
        alooma_types::decode_sharing(SharedBytes(body), |bytes| from_slice(operation, bytes))
    } else {
        from_slice(operation, &body)
    }
}

/// Decodes JSON bytes into `T`, with the failing path in the error.
///
/// The common case (the body fits) runs plain serde at full speed: the
/// body's UTF-8 is checked once, as a whole, instead of string by string.
/// Only a body that fails is decoded a second time with path tracking, to
/// name the JSON path in the error. The error is the same either way.
pub fn from_slice<T: DeserializeOwned>(operation: &'static str, body: &[u8]) -> Result<T, Error> {
    match std::str::from_utf8(body).map(serde_json::from_str) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) | Err(_) => from_slice_tracked(operation, body),
    }
}

fn from_slice_tracked<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value =
        serde_path_to_error::deserialize(&mut de).map_err(|e| decode_error(operation, body, e))?;
    de.end().map_err(|e| Error::Decode {
        operation,
        path: ".".into(),
        snippet: snippet(body),
        source: e,
    })?;
    Ok(value)
}

fn decode_error(
    operation: &'static str,
    body: &[u8],
    e: serde_path_to_error::Error<serde_json::Error>,
) -> Error {
    let path = e.path().to_string();
    Error::Decode {
        operation,
        path,
        snippet: snippet(body),
        source: e.into_inner(),
    }
}

/// Checks the status and ignores the body (for calls whose answer carries
/// nothing the caller needs).
pub fn empty(operation: &'static str, response: Response<Bytes>) -> Result<(), Error> {
    check_status(operation, &response)
}

/// Like [`json`], but an empty (or whitespace-only) body decodes to `None`.
pub fn json_or_empty<T: DeserializeOwned>(
    operation: &'static str,
    response: Response<Bytes>,
) -> Result<Option<T>, Error> {
    check_status(operation, &response)?;
    if response.body().iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    from_body(operation, response.into_body()).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A big answer's configurations slice its body; a small one's copy.
    #[test]
    fn big_answers_share_their_body() {
        let structure = |pad: usize| {
            format!(
                r#"{{"nodes":[{{"id":"a","configuration":{{"k":"v"}}}}],"pad":"{}"}}"#,
                "x".repeat(pad)
            )
        };
        for (pad, shared) in [(10, false), (SHARE_BODY_FROM, true)] {
            let body = Bytes::from(structure(pad));
            let s: alooma_types::Structure = json("get_structure", Response::new(body)).unwrap();
            let c = s.nodes()[0].configuration.get().unwrap();
            assert_eq!(c.is_shared(), shared, "{pad}");
            assert_eq!(c.to_json(), r#"{"k":"v"}"#);
        }
    }

    fn resp(status: u16, body: &'static str) -> Response<Bytes> {
        Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn malformed_json_is_a_decode_error_not_a_panic() {
        for body in [
            "",
            "{",
            "[1,2",
            "<html>502 Bad Gateway</html>",
            "{\"a\":1} trailing",
        ] {
            let err = json::<serde_json::Value>("op", resp(200, body)).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Decode {
                        operation: "op",
                        ..
                    }
                ),
                "{body}: {err}"
            );
        }
    }

    #[test]
    fn wrong_type_names_the_path() {
        let err = json::<Vec<u32>>("op", resp(200, "[1, \"x\"]")).unwrap_err();
        match err {
            Error::Decode { path, snippet, .. } => {
                assert_eq!(path, "[1]");
                assert_eq!(snippet, "[1, \"x\"]");
            }
            e => panic!("{e}"),
        }
    }

    #[test]
    fn statuses_map_to_their_variants() {
        assert!(matches!(
            json::<()>("op", resp(401, "")),
            Err(Error::Auth { .. })
        ));
        assert!(matches!(
            json::<()>("op", resp(504, "")),
            Err(Error::ServerTimeout { .. })
        ));
        assert!(matches!(
            json::<()>("op", resp(500, "<html>oops</html>")),
            Err(Error::Api { status, ref snippet, .. }) if status == 500 && snippet.contains("oops")
        ));
    }

    #[test]
    fn empty_body_is_none() {
        assert_eq!(json_or_empty::<u8>("op", resp(200, " ")).unwrap(), None);
        assert_eq!(json_or_empty::<u8>("op", resp(200, "7")).unwrap(), Some(7));
    }
}
