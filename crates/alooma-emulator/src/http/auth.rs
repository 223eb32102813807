//! Authentication like the service: `Authorization: API <key>`, or a
//! session cookie obtained from `POST login`.
//!
//! The session cookie is named [`SESSION_COOKIE`], has `Path=/`, and stays
//! valid until [`Emulator::expire_sessions`](crate::Emulator::expire_sessions)
//! (or `DELETE /__emulator/sessions`) forgets every session, which lets a
//! client's re-login path be tested.

use std::collections::HashSet;

use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};
use serde_json::json;

use crate::http::reply::{ApiError, Outcome, Reply, Req};

/// The name of the session cookie set by `POST login`.
pub const SESSION_COOKIE: &str = "alooma_session";

/// The API key presented in the `Authorization` header, if any.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("API").then(|| key.trim())
}

/// Session tokens presented in `Cookie` headers.
fn presented_sessions(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then_some(value)
        })
}

/// Whether the request carries any credentials at all (for the request log).
pub(crate) fn has_credentials(headers: &HeaderMap) -> bool {
    presented_key(headers).is_some() || presented_sessions(headers).next().is_some()
}

/// Whether the request carries the configured API key.
pub(crate) fn api_key_ok(headers: &HeaderMap, api_key: Option<&str>) -> bool {
    match (presented_key(headers), api_key) {
        (Some(given), Some(expected)) => constant_time_eq(given.as_bytes(), expected.as_bytes()),
        _ => false,
    }
}

/// Whether a presented key is the expected one (in constant time).
pub(crate) fn keys_match(expected: &str, given: &str) -> bool {
    constant_time_eq(given.as_bytes(), expected.as_bytes())
}

/// Whether the request carries a live session cookie.
pub(crate) fn session_ok(headers: &HeaderMap, sessions: &HashSet<String>) -> bool {
    presented_sessions(headers).any(|token| sessions.contains(token))
}

/// `POST login` with `{"email","password"}`: on a match, a new session and
/// its `Set-Cookie`; otherwise 401.
pub(crate) fn login(
    req: &Req<'_>,
    credentials: Option<(&str, &str)>,
    sessions: &mut HashSet<String>,
) -> Outcome {
    let body: Login = req.body()?;
    let (email, password) = (body.email.as_str(), body.password.as_str());
    let ok = credentials.is_some_and(|(user, pw)| {
        constant_time_eq(email.as_bytes(), user.as_bytes())
            & constant_time_eq(password.as_bytes(), pw.as_bytes())
    });
    if !ok {
        return Err(ApiError::unauthorized("wrong username or password"));
    }
    let token: String = (0..32)
        .map(|_| char::from(b"0123456789abcdef"[fastrand::usize(0..16)]))
        .collect();
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly");
    let value = HeaderValue::from_str(&cookie)
        .map_err(|_| ApiError::new(http::StatusCode::INTERNAL_SERVER_ERROR, "cookie encoding"))?;
    sessions.insert(token);
    Ok(Reply::json(json!({"status": "ok", "email": email})).header(SET_COOKIE, value))
}

/// The body of `POST login`.
#[derive(serde::Deserialize)]
struct Login {
    email: String,
    password: String,
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_and_cookie() {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("API k1"));
        h.insert(COOKIE, HeaderValue::from_static("a=b; alooma_session=t1"));
        assert!(api_key_ok(&h, Some("k1")));
        assert!(!api_key_ok(&h, Some("k2")));
        assert!(!api_key_ok(&h, None));
        let sessions: HashSet<String> = ["t1".to_owned()].into();
        assert!(session_ok(&h, &sessions));
        assert!(!session_ok(&h, &HashSet::new()));
        assert!(has_credentials(&h));
        assert!(!has_credentials(&HeaderMap::new()));
    }
}
