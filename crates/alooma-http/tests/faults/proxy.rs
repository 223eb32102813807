//! Proxies and CA bundles over loopback: a TLS server signed by a test CA,
//! a CONNECT proxy, a forward proxy for plain HTTP.

use crate::*;
use alooma_http::{Credentials, Proxy};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A test CA and a `localhost` certificate it signed.
struct TestCa {
    ca_pem: String,
    server: rustls::ServerConfig,
}

fn test_ca() -> TestCa {
    test_ca_serving(0)
}

/// The same, the server sending `fillers` unrelated certificates after its
/// own and the CA's (a long chain: its handshake flight takes several
/// reads).
fn test_ca_serving(fillers: usize) -> TestCa {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "alooma-rs test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf_params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let mut chain = vec![rustls::pki_types::CertificateDer::from(leaf.der().to_vec())];
    if fillers > 0 {
        chain.push(rustls::pki_types::CertificateDer::from(ca.der().to_vec()));
    }
    for i in 0..fillers {
        let key = rcgen::KeyPair::generate().unwrap();
        let filler = rcgen::CertificateParams::new(vec![format!("filler-{i}.invalid")])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        chain.push(rustls::pki_types::CertificateDer::from(
            filler.der().to_vec(),
        ));
    }
    let server = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        chain,
        rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
    )
    .unwrap();
    TestCa {
        ca_pem: ca.pem(),
        server,
    }
}

/// Reads one HTTP/1.1 head (up to the blank line).
async fn read_head(stream: &mut (impl AsyncReadExt + Unpin)) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// An HTTPS server answering `{}` to everything; records request heads.
async fn tls_server(ca: &TestCa) -> (u16, Arc<Mutex<Vec<String>>>) {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(ca.server.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let head = read_head(&mut tls).await;
                log.lock().unwrap().push(head);
                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, seen)
}

/// A proxy on loopback: CONNECT is tunnelled to the target; any other
/// request is answered `{}` by the proxy itself (a forward proxy). Records
/// every head it reads and every byte it tunnels.
async fn proxy_server() -> (u16, Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let tunnelled = Arc::new(Mutex::new(Vec::new()));
    let (h, t) = (heads.clone(), tunnelled.clone());
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (h, t) = (h.clone(), t.clone());
            tokio::spawn(async move {
                let head = read_head(&mut client).await;
                h.lock().unwrap().push(head.clone());
                if let Some(target) = head
                    .strip_prefix("CONNECT ")
                    .and_then(|r| r.split(' ').next())
                {
                    let Ok(mut upstream) =
                        TcpStream::connect(target.replace("localhost", "127.0.0.1")).await
                    else {
                        let _ = client
                            .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                            .await;
                        return;
                    };
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                    // Copy both ways, keeping what the client sent.
                    let (mut cr, mut cw) = client.into_split();
                    let (mut ur, mut uw) = upstream.split();
                    let up = async {
                        let mut buf = [0u8; 4096];
                        loop {
                            match cr.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => {
                                    t.lock().unwrap().extend_from_slice(&buf[..n]);
                                    if uw.write_all(&buf[..n]).await.is_err() {
                                        break;
                                    }
                                }
                            }
                        }
                    };
                    let down = async {
                        let _ = tokio::io::copy(&mut ur, &mut cw).await;
                    };
                    tokio::join!(up, down);
                } else {
                    let _ = client.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").await;
                }
            });
        }
    });
    (port, heads, tunnelled)
}

fn tls_config(port: u16, bundle: Option<&std::path::Path>) -> Config {
    let mut c = Config::new().with_base_url(format!("https://localhost:{port}"));
    c.retry = fast_retry(1);
    c.proxy = Proxy::None;
    c.ca_bundle = bundle.map(ToOwned::to_owned);
    c.credentials = Credentials::ApiKey("proxy-test-api-key".to_owned().into());
    c
}

#[tokio::test]
async fn a_ca_bundle_is_trusted_and_a_bad_one_is_a_configuration_error() {
    let ca = test_ca();
    let (port, seen) = tls_server(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, &ca.ca_pem).unwrap();

    let without = Transport::new(tls_config(port, None)).unwrap();
    let err = call(&without, get_inputs()).await.unwrap_err();
    assert!(err.to_string().contains("unknown issuer"), "{err}");

    let with = Transport::new(tls_config(port, Some(&bundle))).unwrap();
    let resp = call(&with, get_inputs()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|h| h.starts_with("GET /") && h.contains("/inputs ")),
        "{:?}",
        seen.lock().unwrap()
    );

    std::fs::write(&bundle, "not a certificate").unwrap();
    let err = Transport::new(tls_config(port, Some(&bundle))).unwrap_err();
    assert!(
        matches!(err, Error::Config { .. }) && err.to_string().contains("ca.pem"),
        "{err}"
    );
    let err = Transport::new(tls_config(port, Some(&dir.path().join("missing.pem")))).unwrap_err();
    assert!(err.to_string().contains("missing.pem"), "{err}");
}

/// A server whose handshake flight is long (a certificate chain of 16 KB
/// and more, as real chains can be): the client reads it in several
/// pieces, and writes its own handshake messages in between while the rest
/// of the flight is still in the socket. The stale-connection guard, which
/// refuses a request on a connection the server has spoken on, must not
/// take that for a server going away.
#[tokio::test]
async fn a_long_certificate_chain_is_no_stale_connection() {
    let ca = test_ca_serving(40);
    let (port, seen) = tls_server(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, &ca.ca_pem).unwrap();
    let t = Transport::new(tls_config(port, Some(&bundle))).unwrap();
    for _ in 0..3 {
        let resp = call(&t, get_inputs()).await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel_with_the_proxy_credentials_only_to_the_proxy() {
    let ca = test_ca();
    let (port, seen) = tls_server(&ca).await;
    let (proxy_port, heads, tunnelled) = proxy_server().await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, &ca.ca_pem).unwrap();
    let mut c = tls_config(port, Some(&bundle));
    c.proxy = Proxy::url(format!("http://puser:ppass@127.0.0.1:{proxy_port}"));
    let t = Transport::new(c).unwrap();
    let resp = call(&t, get_inputs()).await.unwrap();
    assert_eq!(resp.status(), 200);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{port} HTTP/1.1")),
        "{heads:?}"
    );
    // base64("puser:ppass")
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("proxy-authorization: basic chvzzxi6chbhc3m="),
        "{heads:?}"
    );
    assert!(!heads[0].contains("proxy-test-api-key"));
    // The tunnel carried TLS: the proxy never saw the API key or the path.
    let bytes = String::from_utf8_lossy(&tunnelled.lock().unwrap()).into_owned();
    assert!(
        !bytes.contains("proxy-test-api-key") && !bytes.contains("/inputs"),
        "{bytes}"
    );
    // The server got the request, with the API key and no proxy credentials.
    let server_heads = seen.lock().unwrap().clone();
    assert!(
        server_heads[0].contains("proxy-test-api-key")
            && !server_heads[0]
                .to_ascii_lowercase()
                .contains("proxy-authorization"),
        "{server_heads:?}"
    );
}

#[tokio::test]
async fn plain_http_is_forwarded_in_absolute_form_and_no_proxy_bypasses() {
    let (proxy_port, heads, _) = proxy_server().await;
    let mut c = Config::new().with_base_url("http://127.0.0.1:9");
    c.retry = fast_retry(1);
    c.proxy = Proxy::url(format!("http://puser:ppass@127.0.0.1:{proxy_port}"));
    let t = Transport::new(c).unwrap();
    let resp = call(&t, get_inputs()).await.unwrap();
    assert_eq!(resp.status(), 200);
    let head = heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("GET http://127.0.0.1:9/") && head.contains("/inputs HTTP/1.1"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("proxy-authorization: basic"),
        "{head}"
    );

    // The same proxy bypassed for this host: a direct (refused) connection.
    let mut c = Config::new().with_base_url("http://127.0.0.1:9");
    c.retry = fast_retry(1);
    c.proxy = Proxy::url(format!("http://127.0.0.1:{proxy_port}")).no_proxy("127.0.0.1");
    let t = Transport::new(c).unwrap();
    let err = call(&t, get_inputs()).await.unwrap_err();
    assert!(err.is_connect(), "{err}");
    assert_eq!(heads.lock().unwrap().len(), 1);
    // A proxy that is down is a connect error naming the cause.
    let mut c = Config::new().with_base_url("http://127.0.0.1:9");
    c.retry = fast_retry(1);
    c.proxy = Proxy::url("http://127.0.0.1:9");
    let err = call(&Transport::new(c).unwrap(), get_inputs())
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
}

#[cfg(feature = "platform-verifier")]
#[tokio::test]
async fn the_platform_verifier_trusts_the_ca_bundle_too() {
    let ca = test_ca();
    let (port, _) = tls_server(&ca).await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, &ca.ca_pem).unwrap();
    let mut c = tls_config(port, Some(&bundle));
    c.platform_verifier = true;
    let resp = call(&Transport::new(c).unwrap(), get_inputs())
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut c = tls_config(port, None);
    c.platform_verifier = true;
    let err = call(&Transport::new(c).unwrap(), get_inputs())
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err}");
}
