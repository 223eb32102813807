//! The read-only web page at `/__emulator/`.

use crate::common::{get_ok, ok, raw, Auth};
use alooma_emulator::Emulator;
use http::Method;
use serde_json::json;

#[tokio::test]
async fn the_page_shows_state_and_journal_as_escaped_html() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::POST,
        "event-types/%3Cb%3Eodd%20%26%20name%3C%2Fb%3E/mapping",
        Some(json!({"name": "<b>odd & name</b>"})),
    )
    .await;
    get_ok(&emu, "inputs").await;
    let page = raw(
        &emu,
        Method::GET,
        &format!("/__emulator/?key={}", emu.key()),
        None,
        Auth::None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    let html = String::from_utf8_lossy(&page.body);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(html.contains("id=\"account-acme\""));
    assert!(html.contains("web_events"), "inputs listed");
    assert!(
        html.contains("&lt;b&gt;odd &amp; name&lt;/b&gt;"),
        "names escaped"
    );
    assert!(!html.contains("<b>odd"), "never raw");
    assert!(html.contains("get_inputs"), "the journal");
    assert!(html.contains("id=\"journal\""));
    // Credentials are needed, as for the rest of the admin API.
    let r = raw(&emu, Method::GET, "/__emulator/", None, Auth::None).await;
    r.assert_error(401);
    let r = raw(
        &emu,
        Method::GET,
        "/__emulator/?key=wrong",
        None,
        Auth::None,
    )
    .await;
    r.assert_error(401);
    let r = raw(&emu, Method::GET, "/__emulator", None, Auth::Key(emu.key())).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn the_openapi_description_is_served_without_credentials() {
    let emu = Emulator::start().await.unwrap();
    let r = raw(
        &emu,
        Method::GET,
        "/__emulator/openapi.json",
        None,
        Auth::None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "application/json");
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/event-types/{name}/mapping"]["post"].is_object());
}

#[tokio::test]
async fn the_openapi_description_is_sent_compressed_to_a_client_that_takes_gzip() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start().await.unwrap();
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    s.write_all(
        b"GET /__emulator/openapi.json HTTP/1.1\r\nHost: x\r\n\
          Accept-Encoding: br;q=0, gzip, deflate\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    let at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..at]).to_ascii_lowercase();
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(&answer[at + 4..]),
        &mut text,
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}
