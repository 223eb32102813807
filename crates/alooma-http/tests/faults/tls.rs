//! Certificate failures are not retried and say why; so does a refused
//! connection.

use crate::support::TestServer;
use crate::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A TLS server on loopback with a self-signed certificate for
/// `localhost`: counts the TCP connections (each is one handshake).
async fn self_signed_server() -> (u16, Arc<AtomicUsize>) {
    let key = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert = rustls::pki_types::CertificateDer::from(key.cert.der().to_vec());
    let private =
        rustls::pki_types::PrivateKeyDer::try_from(key.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], private)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let count = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    (port, handshakes)
}

#[tokio::test]
async fn an_unknown_issuer_is_not_retried_and_named_in_the_message() {
    let (port, handshakes) = self_signed_server().await;
    let mut c = Config::new().with_base_url(format!("https://localhost:{port}"));
    c.retry = fast_retry(3);
    let t = Transport::new(c).unwrap();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(err.is_connect() && !err.is_retryable(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("unknown issuer"), "{text}");
    assert!(!text.contains("client error (Connect)"), "{text}");
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        1,
        "one handshake, no retry"
    );
}

#[tokio::test]
async fn a_refused_connection_names_the_address() {
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let mut c = Config::new().with_base_url(format!("http://{addr}"));
    c.retry = fast_retry(2);
    let err = call(&Transport::new(c).unwrap(), get_inputs())
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!("connection refused by {addr}")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(err.is_connect() && err.is_retryable());
}

#[tokio::test]
async fn an_unknown_host_is_not_retried() {
    let mut c = Config::new().with_base_url("https://no-such-host.invalid");
    c.retry = fast_retry(5);
    c.retry.base_delay = Duration::from_millis(200);
    let start = std::time::Instant::now();
    let err = call(&Transport::new(c).unwrap(), get_inputs())
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
    // Resolvers without a network may answer "temporary failure"; only a
    // definite "no such host" is never retried.
    if err.to_string().contains("no such host") {
        assert!(!err.is_retryable());
        assert!(start.elapsed() < Duration::from_millis(200), "not retried");
    }
}

#[allow(dead_code)]
fn unused(_: TestServer) {}
