//! A tiny HTTP/1.1 client over loopback for the emulator's tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use alooma_emulator::Emulator;
use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

/// An answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a JSON error body with this status.
    pub fn assert_error(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        assert_eq!(v["status"], status);
        assert!(v["message"].is_string());
    }
}

/// Auth to send.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Key(&'a str),
    Cookie(&'a str),
}

/// Sends one request on a fresh connection. `target` is an absolute path.
pub async fn raw(
    emu: &Emulator,
    method: Method,
    target: &str,
    body: Option<Vec<u8>>,
    auth: Auth<'_>,
) -> Resp {
    try_raw(emu, method, target, body, auth)
        .await
        .expect("request failed")
}

/// Like `raw`, but returns transport errors.
pub async fn try_raw(
    emu: &Emulator,
    method: Method,
    target: &str,
    body: Option<Vec<u8>>,
    auth: Auth<'_>,
) -> Result<Resp, Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(emu.addr()).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut req = Request::builder()
        .method(method)
        .uri(target)
        .header("host", emu.addr().to_string());
    match auth {
        Auth::None => {}
        Auth::Key(k) => req = req.header("authorization", format!("API {k}")),
        Auth::Cookie(c) => req = req.header("cookie", c),
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    let resp = tokio::time::timeout(Duration::from_secs(10), sender.send_request(req)).await??;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = tokio::time::timeout(Duration::from_secs(10), resp.into_body().collect())
        .await??
        .to_bytes();
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// A REST call with the emulator's API key; `path` is relative to the REST root.
pub async fn call(emu: &Emulator, method: Method, path: &str, body: Option<Value>) -> Resp {
    let key = emu.api_key().expect("emulator has a key").to_owned();
    let target = format!("/{}/rest/{path}", emu.account());
    raw(
        emu,
        method,
        &target,
        body.map(|b| b.to_string().into_bytes()),
        Auth::Key(&key),
    )
    .await
}

pub async fn get(emu: &Emulator, path: &str) -> Resp {
    call(emu, Method::GET, path, None).await
}

/// GET that must answer 200 with JSON.
pub async fn get_ok(emu: &Emulator, path: &str) -> Value {
    let r = get(emu, path).await;
    assert_eq!(
        r.status,
        200,
        "GET {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    r.json()
}

/// A call that must answer 200; returns the body as JSON (Null if empty).
pub async fn ok(emu: &Emulator, method: Method, path: &str, body: Option<Value>) -> Value {
    let r = call(emu, method.clone(), path, body).await;
    assert_eq!(
        r.status,
        200,
        "{method} {path}: {}",
        String::from_utf8_lossy(&r.body)
    );
    if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

/// An admin call (`/__emulator/{path}`) with the emulator's API key.
pub async fn admin(emu: &Emulator, method: Method, path: &str, body: Option<Value>) -> Resp {
    let key = emu.key().to_owned();
    raw(
        emu,
        method,
        &format!("/__emulator/{path}"),
        body.map(|b| b.to_string().into_bytes()),
        Auth::Key(&key),
    )
    .await
}

/// A REST call for another account of the emulator, with its key.
pub async fn call_as(
    emu: &Emulator,
    account: &str,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Resp {
    raw(
        emu,
        method,
        &format!("/{account}/rest/{path}"),
        body.map(|b| b.to_string().into_bytes()),
        Auth::Key(key),
    )
    .await
}
