//! 404/400/413 answers, and garbage never crashes the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use crate::common::*;
use alooma_emulator::{Emulator, Seed};
use http::Method;
use proptest::prelude::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn unknown_paths_are_404_with_json() {
    let emu = Emulator::start().await.unwrap();
    get(&emu, "no/such/thing").await.assert_error(404);
    // A known path under a method it does not take: 405 with `Allow`.
    let r = call(&emu, Method::PATCH, "inputs", None).await;
    r.assert_error(405);
    assert_eq!(r.headers["allow"], "GET, POST");
    let r = call(&emu, Method::PUT, "event-types/clicks/mapping", None).await;
    r.assert_error(405);
    assert_eq!(r.headers["allow"], "POST");
    let r = call(
        &emu,
        Method::DELETE,
        "tables/public/orders/dependencies",
        None,
    )
    .await;
    r.assert_error(405);
    assert_eq!(r.headers["allow"], "GET");
    let key = emu.api_key().unwrap().to_owned();
    raw(&emu, Method::GET, "/nowhere", None, Auth::Key(&key))
        .await
        .assert_error(404);
    // `GET /` is the Python SDK's connection check (see `intake`).
    let check = raw(&emu, Method::GET, "/", None, Auth::Key(&key)).await;
    assert_eq!(check.status, 200);
    raw(
        &emu,
        Method::GET,
        "/acme/notrest/inputs",
        None,
        Auth::Key(&key),
    )
    .await
    .assert_error(404);
    raw(
        &emu,
        Method::GET,
        "/__emulator/nothing",
        None,
        Auth::Key(&key),
    )
    .await
    .assert_error(404);
    // A segment that is not UTF-8 once decoded.
    raw(
        &emu,
        Method::GET,
        "/acme/rest/event-types/%FF%FE",
        None,
        Auth::Key(&key),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn malformed_and_misshapen_json_is_400() {
    let emu = Emulator::start().await.unwrap();
    let key = emu.api_key().unwrap().to_owned();
    for (method, path) in [
        (Method::PUT, "secrets"),
        (Method::POST, "plumbing/inputs"),
        (Method::POST, "tables/t"),
        (Method::POST, "event-types/page_view/mapping"),
        (Method::POST, "v2/consolidation/custom"),
        (Method::POST, "notifications/custom"),
        (Method::POST, "settings/email-notifications"),
        (Method::POST, "transform/v2/functions"),
    ] {
        let target = format!("/acme/rest/{path}");
        for body in [
            &b"{not json"[..],
            b"",
            b"\xff\xfe",
            b"[1,2",
            b"null",
            b"42",
            b"\"s\"",
        ] {
            let r = raw(
                &emu,
                method.clone(),
                &target,
                Some(body.to_vec()),
                Auth::Key(&key),
            )
            .await;
            r.assert_error(400);
        }
    }
    // Right JSON, wrong shape.
    call(&emu, Method::PUT, "secrets", Some(json!(["a"])))
        .await
        .assert_error(400);
    call(&emu, Method::POST, "tables/t", Some(json!({"a": 1})))
        .await
        .assert_error(400);
    call(
        &emu,
        Method::POST,
        "schemas",
        Some(json!({"schemaName": 7})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let emu = Emulator::builder()
        .max_body_bytes(1024)
        .seed(Seed::empty())
        .start()
        .await
        .unwrap();
    let key = emu.api_key().unwrap().to_owned();
    let big = vec![b' '; 4096];
    raw(
        &emu,
        Method::PUT,
        "/acme/rest/secrets",
        Some(big),
        Auth::Key(&key),
    )
    .await
    .assert_error(413);
    // The server still answers afterwards.
    let r = raw(
        &emu,
        Method::GET,
        "/acme/rest/secrets",
        None,
        Auth::Key(&key),
    )
    .await;
    assert_eq!(r.status, 200);

    // A chunked body (no Content-Length) over the limit is 413 too.
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    let mut req = format!(
        "PUT /acme/rest/secrets HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..4 {
        req.extend_from_slice(b"200\r\n");
        req.extend_from_slice(&[b' '; 0x200]);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    s.write_all(&req).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
}

/// Writes raw bytes, reads whatever comes back (bounded), and closes.
async fn poke(emu: &Emulator, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    let _ = s.write_all(bytes).await;
    let _ = s.shutdown().await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    buf
}

async fn still_alive(emu: &Emulator) {
    let r = get(emu, "repository").await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn nasty_inputs_never_crash() {
    let emu = Emulator::start().await.unwrap();
    let key = emu.api_key().unwrap().to_owned();
    let nasty: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\r\n\r\n".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /acme/rest/inputs HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n".to_vec(),
        b"GET /acme/rest/inputs HTTP/1.1\r\nhost: x\r\ncontent-length: 99999999999999999999999\r\n\r\n".to_vec(),
        b"POST /acme/rest/login HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"email\"".to_vec(),
        b"POST /acme/rest/login HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n".to_vec(),
        format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a/".repeat(20_000)).into_bytes(),
        format!("GET /acme/rest/inputs HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n", "v".repeat(200_000)).into_bytes(),
        format!("GET /acme/rest/%%%%/%2/%zz HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\r\n").into_bytes(),
        format!("PUT /acme/rest/inputSleepTime/%00 HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\ncontent-length: 3\r\n\r\n1e9").into_bytes(),
        format!("GET /acme/rest/metrics?metrics=%FF&from=-1min&resolution=0min HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\r\n").into_bytes(),
        b"GET /acme/rest/samples?status&&=&eventType HTTP/1.1\r\nhost: x\r\nauthorization: API\r\ncookie: ;;=;alooma_session\r\n\r\n".to_vec(),
        (0u8..=255).cycle().take(10_000).collect(),
    ];
    for bytes in &nasty {
        let answer = poke(&emu, bytes).await;
        if !answer.is_empty() {
            assert!(
                answer.starts_with(b"HTTP/1.1 "),
                "{:?}",
                String::from_utf8_lossy(&answer)
            );
        }
        still_alive(&emu).await;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_requests_never_crash(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "BREW"]),
        path in "[a-zA-Z0-9%/._?&=-]{0,60}",
        body in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let emu = Emulator::start().await.unwrap();
            let key = emu.api_key().unwrap().to_owned();
            let mut req = format!(
                "{method} /acme/rest/{path} HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            req.extend_from_slice(&body);
            let answer = poke(&emu, &req).await;
            if !answer.is_empty() {
                prop_assert!(answer.starts_with(b"HTTP/1.1 "));
                prop_assert!(!answer.starts_with(b"HTTP/1.1 5"), "{}", String::from_utf8_lossy(&answer));
            }
            still_alive(&emu).await;
            Ok(())
        })?;
    }
}

/// Reads from `s` until the server closes it or `limit` passes; returns
/// what arrived and how long it took.
async fn read_until_closed(s: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(limit, s.read_to_end(&mut buf)).await;
    (
        String::from_utf8_lossy(&buf).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_body_that_never_arrives_is_408_and_closed() {
    let emu = Emulator::builder()
        .body_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let key = emu.api_key().unwrap().to_owned();
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    // Declares 60 MB (under the 64 MiB limit) and sends 7 bytes.
    s.write_all(
        format!(
            "PUT /acme/rest/secrets HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\
             content-type: application/json\r\ncontent-length: 60000000\r\n\r\n{{\"a\": 1"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (text, took) = read_until_closed(&mut s, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("did not arrive"), "{text}");
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    // Nothing of the partial body was stored, and the server serves others.
    let secrets = get(&emu, "secrets").await;
    assert_eq!(secrets.status, 200);
    assert!(secrets.json().get("a").is_none(), "{:?}", secrets.json());
    still_alive(&emu).await;
}

#[tokio::test]
async fn a_head_that_never_ends_is_closed() {
    let emu = Emulator::builder()
        .header_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(b"GET /acme/rest/inputs HTTP/1.1\r\nhost: x\r\nx-slow: ")
        .await
        .unwrap();
    // Other clients are served while this one stalls.
    still_alive(&emu).await;
    let (_, took) = read_until_closed(&mut s, Duration::from_secs(10)).await;
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
    still_alive(&emu).await;
}

#[tokio::test]
async fn the_timeouts_are_configurable_and_default_sensibly() {
    let config = alooma_emulator::EmulatorConfig::default();
    assert_eq!(
        config.header_timeout,
        alooma_emulator::DEFAULT_HEADER_TIMEOUT
    );
    assert_eq!(config.body_timeout, alooma_emulator::DEFAULT_BODY_TIMEOUT);
    // A body that arrives slowly but within the limit is accepted.
    let emu = Emulator::builder()
        .body_timeout(Duration::from_secs(5))
        .start()
        .await
        .unwrap();
    let key = emu.api_key().unwrap().to_owned();
    let mut s = TcpStream::connect(emu.addr()).await.unwrap();
    let body = br#"{"slow": "value"}"#;
    s.write_all(
        format!(
            "PUT /acme/rest/secrets HTTP/1.1\r\nhost: x\r\nauthorization: API {key}\r\n\
             content-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    for chunk in body.chunks(4) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        s.write_all(chunk).await.unwrap();
    }
    let (text, _) = read_until_closed(&mut s, Duration::from_secs(10)).await;
    assert!(text.starts_with("HTTP/1.1 2"), "{text}");
}

/// Found by Schemathesis: a huge sleep time made `GET inputs/{id}`
/// overflow computing the next pull, and the connection closed unanswered.
#[tokio::test]
async fn extreme_numbers_never_crash_a_handler() {
    let emu = Emulator::start().await.unwrap();
    let id = "7f0e2a10-3c55-4b8d-a2f4-0000000000a1";
    let r = call(
        &emu,
        Method::PUT,
        &format!("inputSleepTime/{id}"),
        Some(serde_json::json!(1e300)),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = call(&emu, Method::GET, &format!("inputs/{id}"), None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let q = call(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(serde_json::json!({"event_type": "orders", "custom_query": "select 1", "frequency": 1e300})),
    )
    .await;
    assert_eq!(q.status, 200, "{}", String::from_utf8_lossy(&q.body));
    let id = q.json()["id"].to_string();
    assert_eq!(
        call(
            &emu,
            Method::POST,
            &format!("v2/consolidation/{id}/run"),
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        call(&emu, Method::GET, "v2/consolidation", None)
            .await
            .status,
        200
    );
}

/// Found by Schemathesis: digest settings of the wrong kind were stored,
/// and then no client could read the settings back.
#[tokio::test]
async fn digest_settings_of_the_wrong_kind_are_refused_and_the_rest_kept_as_sent() {
    let emu = Emulator::start().await.unwrap();
    for bad in [
        json!({"digestInfo": 3}),
        json!({"digestSendHour": 24}),
        json!({"recipientsChanged": "maybe"}),
    ] {
        call(
            &emu,
            Method::POST,
            "settings/email-notifications",
            Some(bad.clone()),
        )
        .await
        .assert_error(400);
    }
    let good = json!({"digestInfo": "True", "digestWarning": false, "digestSendHour": "7", "digestError": null});
    assert_eq!(
        call(
            &emu,
            Method::POST,
            "settings/email-notifications",
            Some(good)
        )
        .await
        .status,
        200
    );
    let settings = get_ok(&emu, "settings").await;
    let n = &settings["email-notifications"];
    assert_eq!(
        (
            n["digestInfo"].clone(),
            n["digestSendHour"].clone(),
            n["digestError"].clone()
        ),
        (json!("True"), json!("7"), json!(null))
    );
}
