//! Fault injection through the Rust API and the admin endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use crate::common::*;
use alooma_emulator::{Emulator, Fault, Seed};
use http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn emulator() -> Emulator {
    Emulator::builder()
        .seed(Seed::demo())
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn status_fault_with_retry_after_and_count() {
    let emu = emulator().await;
    emu.inject(Fault::status(503).retry_after(7).times(2));
    for _ in 0..2 {
        let r = get(&emu, "inputs").await;
        r.assert_error(503);
        assert_eq!(r.headers["retry-after"], "7");
    }
    assert_eq!(get(&emu, "inputs").await.status, 200);
    assert!(emu.faults().is_empty());
    let log = emu.requests();
    assert_eq!(
        log.iter()
            .filter(|r| r.fault.as_deref() == Some("status"))
            .count(),
        2
    );
    assert_eq!(log[0].status, Some(503));
}

#[tokio::test]
async fn path_and_method_matching() {
    let emu = emulator().await;
    emu.inject(Fault::status(429).path("secrets").method("PUT"));
    assert_eq!(get(&emu, "secrets").await.status, 200);
    assert_eq!(get(&emu, "inputs").await.status, 200);
    call(&emu, Method::PUT, "secrets", Some(json!({"a": "b"})))
        .await
        .assert_error(429);
    // Consumed: the same request now succeeds and changes state.
    assert_eq!(
        call(&emu, Method::PUT, "secrets", Some(json!({"a": "b"})))
            .await
            .status,
        200
    );
    assert!(emu.with_state(|s| s.secrets.contains_key("a")));
    // A status fault never reaches the handler.
    emu.inject(Fault::status(500).path("secrets"));
    call(&emu, Method::DELETE, "secrets/a", None)
        .await
        .assert_error(500);
    assert!(emu.with_state(|s| s.secrets.contains_key("a")));
}

#[tokio::test]
async fn delay_fault() {
    let emu = emulator().await;
    emu.inject(Fault::delay(Duration::from_millis(400)).path("repository"));
    let start = Instant::now();
    let r = get(&emu, "repository").await;
    assert_eq!(r.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(400));
    let start = Instant::now();
    assert_eq!(get(&emu, "repository").await.status, 200);
    assert!(start.elapsed() < Duration::from_millis(400));
}

#[tokio::test]
async fn drop_fault_closes_without_answer() {
    let emu = emulator().await;
    emu.inject(Fault::drop_connection().path("plumbing"));
    let key = emu.api_key().unwrap().to_owned();
    let r = try_raw(
        &emu,
        Method::GET,
        "/acme/rest/plumbing/",
        None,
        Auth::Key(&key),
    )
    .await;
    assert!(r.is_err(), "expected a transport error, got {r:?}");
    // Raw view: the socket closes with no bytes.
    emu.inject(Fault::drop_connection());
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(
        format!("GET /acme/rest/inputs HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(buf.is_empty());
    assert_eq!(get(&emu, "plumbing/").await.status, 200);
    let log = emu.requests();
    assert_eq!(
        log.iter()
            .filter(|r| r.fault.as_deref() == Some("drop") && r.status.is_none())
            .count(),
        2
    );
}

#[tokio::test]
async fn truncated_body_fault() {
    let emu = emulator().await;
    emu.inject(Fault::truncated_body().path("event-types"));
    let key = emu.api_key().unwrap().to_owned();
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(
        format!(
            "GET /acme/rest/event-types HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"));
    let declared: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(body.len() < declared, "sent {} of {declared}", body.len());
    assert!(!body.is_empty());
    // A client sees an error reading the body.
    emu.inject(Fault::truncated_body());
    let r = try_raw(
        &emu,
        Method::GET,
        "/acme/rest/inputs",
        None,
        Auth::Key(&key),
    )
    .await;
    assert!(r.is_err());
    assert_eq!(get(&emu, "event-types").await.status, 200);
}

#[tokio::test]
async fn admin_endpoint_injects_lists_and_clears() {
    let emu = emulator().await;
    let key = emu.api_key().unwrap().to_owned();
    let body = json!([{"kind": "status", "status": 502, "times": 3, "path": "samples"},
                      {"kind": "delay", "delay_ms": 10}]);
    let r = raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(body.to_string().into_bytes()),
        Auth::Key(&key),
    )
    .await;
    assert_eq!(r.json(), json!({"injected": 2}));
    let one = json!({"kind": "drop", "method": "DELETE"});
    raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(one.to_string().into_bytes()),
        Auth::Key(&key),
    )
    .await;
    let listed = raw(
        &emu,
        Method::GET,
        "/__emulator/faults",
        None,
        Auth::Key(&key),
    )
    .await
    .json();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert_eq!(listed[0]["times"], 3);
    // Admin calls are neither faulted nor logged.
    assert!(emu.requests().is_empty());
    get(&emu, "samples").await.assert_error(502);
    assert_eq!(emu.faults()[0].remaining(), Some(2));

    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "status", "status": 42}),
        json!({"kind": "status"}),
    ] {
        raw(
            &emu,
            Method::POST,
            "/__emulator/faults",
            Some(bad.to_string().into_bytes()),
            Auth::Key(&key),
        )
        .await
        .assert_error(400);
    }
    raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(b"{".to_vec()),
        Auth::Key(&key),
    )
    .await
    .assert_error(400);
    raw(
        &emu,
        Method::POST,
        "/__emulator/faults",
        Some(b"{}".to_vec()),
        Auth::None,
    )
    .await
    .assert_error(401);
    let r = raw(
        &emu,
        Method::DELETE,
        "/__emulator/faults",
        None,
        Auth::Key(&key),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(emu.faults().is_empty());
    assert_eq!(get(&emu, "samples").await.status, 200);

    let state = raw(
        &emu,
        Method::GET,
        "/__emulator/state",
        None,
        Auth::Key(&key),
    )
    .await
    .json();
    assert_eq!(state["account"], "acme");
    assert!(state["secrets"]
        .as_array()
        .unwrap()
        .contains(&json!("db_password")));
    assert!(!state.to_string().contains("s3cr3t-demo"));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = emulator().await;
    let addr = emu.addr();
    assert_eq!(get(&emu, "repository").await.status, 200);
    emu.shutdown().await.unwrap();
    assert!(TcpStream::connect(addr).await.is_err());

    let emu = emulator().await;
    let addr = emu.addr();
    drop(emu);
    let mut refused = false;
    for _ in 0..50 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        refused,
        "the server should stop when the Emulator is dropped"
    );
}
