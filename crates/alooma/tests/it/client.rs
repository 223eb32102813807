//! `Client::builder`, `Client::from_env`, layers, and what clones share.
// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]

use alooma::mock::MockService;
use alooma::{CallOptions, Client, ClientBuilder, ClientSettings, Error};
use alooma_http::{RetryPolicy, Transport};
use bytes::Bytes;
use http::Request;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}

#[test]
fn clients_and_builders_are_clone_send_sync() {
    assert_clone_send_sync::<Client>();
    assert_clone_send_sync::<Client<Transport>>();
    assert_clone_send_sync::<Client<MockService>>();
    assert_clone_send_sync::<ClientBuilder>();
    assert_clone_send_sync::<Client<CountRequests<Transport>>>();
    // `Client` is `Client<Transport>`.
    fn takes_default(_: Option<Client>) {}
    takes_default(None::<Client<Transport>>);
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn building_does_no_network_io() {
    // Defect 10: the reference constructor calls the server. Here nothing
    // listens, and building (with or without an account, with a login)
    // still succeeds; the first call is what fails to connect.
    let base = format!("http://127.0.0.1:{}", closed_port());
    let client = Client::builder()
        .base_url(&base)
        .login("ops@example.com", "hunter2")
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let err = client.get_event_types().await.unwrap_err();
    assert!(
        matches!(err, Error::Connect { .. }) || err.is_retryable(),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("hunter2"));

    let with_account = Client::builder()
        .base_url(&base)
        .account("acme")
        .api_key("k-123")
        .build()
        .unwrap();
    // A configured account name is answered without a request.
    assert_eq!(with_account.get_account_name().await.unwrap(), "acme");
}

#[test]
fn an_api_key_and_a_login_together_are_a_config_error() {
    let err = Client::builder()
        .api_key("key-secret-1")
        .login("ops@example.com", "pw-secret-2")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("key-secret-1") && !text.contains("pw-secret-2"),
        "{text}"
    );
}

#[test]
fn builder_debug_redacts_secrets() {
    let builder = Client::builder()
        .api_key("key-secret-1")
        .login("ops@example.com", "pw-secret-2");
    let text = format!("{builder:?}");
    assert!(
        !text.contains("key-secret-1") && !text.contains("pw-secret-2"),
        "{text}"
    );
    assert!(text.contains("ops@example.com"));
}

#[test]
fn invalid_settings_are_config_errors() {
    let cases: Vec<(&str, ClientBuilder)> = vec![
        ("no scheme", Client::builder().base_url("app.alooma.com")),
        (
            "remote http",
            Client::builder().base_url("http://example.com"),
        ),
        ("zero concurrency", Client::builder().concurrency_limit(0)),
        (
            "zero rate",
            Client::builder().rate_limit(0, Duration::from_secs(1)),
        ),
        ("zero body", Client::builder().max_body_size(0)),
        ("zero bulk", Client::builder().bulk_concurrency(0)),
        (
            "zero poll",
            Client::builder().create_input_poll(Duration::ZERO, Duration::from_secs(1)),
        ),
        ("bad user agent", Client::builder().user_agent("a\nb")),
    ];
    for (what, builder) in cases {
        assert!(
            matches!(builder.build(), Err(Error::Config { .. })),
            "{what} should be a config error"
        );
    }
    assert!(Client::builder()
        .base_url("http://example.com")
        .allow_insecure_http(true)
        .build()
        .is_ok());
}

#[test]
fn builder_records_every_setting() {
    let settings = ClientSettings::default();
    let b = Client::builder()
        .base_url("https://alooma.example.org/")
        .account("acme")
        .connect_timeout(Duration::from_secs(3))
        .attempt_timeout(Duration::from_secs(4))
        .total_timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .max_body_size(1024)
        .user_agent("my-script/1.0")
        .concurrency_limit(7)
        .rate_limit(10, Duration::from_secs(1))
        .settings(settings.clone())
        .create_input_deadline(Duration::from_secs(9))
        .create_input_poll(Duration::from_millis(10), Duration::from_millis(20))
        .bulk_concurrency(3);
    let c = b.config();
    assert_eq!(c.base_url, "https://alooma.example.org/");
    assert_eq!(c.account.as_deref(), Some("acme"));
    assert_eq!(c.timeouts.connect, Duration::from_secs(3));
    assert_eq!(c.timeouts.attempt, Duration::from_secs(4));
    assert_eq!(c.timeouts.total, Some(Duration::from_secs(5)));
    assert_eq!(c.retry.max_attempts, 1);
    assert_eq!(c.max_body_size, 1024);
    assert_eq!(c.user_agent, "my-script/1.0");
    assert_eq!(c.concurrency_limit, Some(7));
    assert_eq!(c.rate_limit.map(|r| r.requests), Some(10));
    let s = b.client_settings();
    assert_eq!(s.create_input_deadline, Duration::from_secs(9));
    assert_eq!(s.create_input_first_poll, Duration::from_millis(10));
    assert_eq!(s.create_input_max_poll, Duration::from_millis(20));
    assert_eq!(s.bulk_concurrency, 3);
    let client = b.build().unwrap();
    assert_eq!(
        client.service().root().prefix(),
        "https://alooma.example.org/acme/rest"
    );
}

#[tokio::test]
async fn from_env_reads_the_alooma_variables() {
    // The only test in this binary that touches ALOOMA_* variables.
    let port = closed_port();
    std::env::set_var("ALOOMA_BASE_URL", format!("http://127.0.0.1:{port}"));
    std::env::set_var("ALOOMA_ACCOUNT", "env-account");
    std::env::set_var("ALOOMA_API_KEY", "env-key");
    std::env::remove_var("ALOOMA_USERNAME");
    std::env::remove_var("ALOOMA_PASSWORD");
    let client = Client::from_env().unwrap();
    assert_eq!(
        client.service().root().prefix(),
        format!("http://127.0.0.1:{port}/env-account/rest")
    );
    assert_eq!(client.get_account_name().await.unwrap(), "env-account");

    std::env::set_var("ALOOMA_PASSWORD", "env-password");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(!err.to_string().contains("env-password"));
    for name in [
        "ALOOMA_BASE_URL",
        "ALOOMA_ACCOUNT",
        "ALOOMA_API_KEY",
        "ALOOMA_PASSWORD",
    ] {
        std::env::remove_var(name);
    }
}

#[tokio::test]
async fn clones_share_the_resolved_account_name() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/repository",
        200,
        r#"{"config_clientName": "acme"}"#,
    );
    let client = Client::with_service(mock.clone());
    let clone = client.clone();
    let other = client.with_options(CallOptions::timeout(Duration::from_secs(1)));
    assert_eq!(clone.get_account_name().await.unwrap(), "acme");
    assert_eq!(client.get_account_name().await.unwrap(), "acme");
    assert_eq!(other.get_account_name().await.unwrap(), "acme");
    // Resolved once, lazily, for every clone.
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(mock.requests()[0].uri, "/repository");
}

/// A user-written tower layer: counts the requests passing through.
#[derive(Clone)]
struct CountRequestsLayer(Arc<AtomicUsize>);

#[derive(Clone)]
struct CountRequests<S> {
    inner: S,
    count: Arc<AtomicUsize>,
}

impl<S> tower::Layer<S> for CountRequestsLayer {
    type Service = CountRequests<S>;
    fn layer(&self, inner: S) -> CountRequests<S> {
        CountRequests {
            inner,
            count: Arc::clone(&self.0),
        }
    }
}

impl<S: tower::Service<Request<Bytes>>> tower::Service<Request<Bytes>> for CountRequests<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }
    fn call(&mut self, request: Request<Bytes>) -> S::Future {
        self.count.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

#[tokio::test]
async fn layers_wrap_the_transport_in_order() {
    let server = TestServer::start().await;
    let inner = Arc::new(AtomicUsize::new(0));
    let outer = Arc::new(AtomicUsize::new(0));
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .layer(CountRequestsLayer(Arc::clone(&inner)))
        .build_with_layer(CountRequestsLayer(Arc::clone(&outer)))
        .unwrap();
    let _: &CountRequests<CountRequests<Transport>> = client.service();
    assert!(client.get_event_types().await.unwrap().is_empty());
    assert_eq!(inner.load(Ordering::SeqCst), 1);
    assert_eq!(outer.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_layer_may_replace_the_transport() {
    let mock = MockService::new();
    mock.on("GET", "/event-types", 200, r#"[{"name":"from-layer"}]"#);
    let answer = mock.clone();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{}", closed_port()))
        .layer(tower::layer::layer_fn(move |_transport: Transport| {
            answer.clone()
        }))
        .build()
        .unwrap();
    assert_eq!(
        client.get_event_types().await.unwrap()[0].name,
        "from-layer"
    );
    assert_eq!(mock.requests()[0].uri, "/event-types");
}

#[tokio::test]
async fn clones_share_the_connection_pool_and_the_login_session() {
    let server = TestServer::start().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .login("ops@example.com", "hunter2")
        .build()
        .unwrap();
    let clone = client.clone();
    assert!(client.get_event_types().await.unwrap().is_empty());
    assert!(clone.get_event_types().await.unwrap().is_empty());
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.get_event_types().await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().unwrap().is_empty());
    }
    assert_eq!(server.logins(), 1, "one login session for every clone");
    assert_eq!(server.event_type_calls(), 6);
    assert!(
        server.connections() <= 5,
        "the pool is shared: {} connections for 7 sequential-then-parallel requests",
        server.connections()
    );
}

/// A tiny HTTP/1.1 keep-alive server: `POST /rest/login` sets a session
/// cookie, `GET /rest/event-types` answers `[]` (401 without the cookie).
struct TestServer {
    port: u16,
    counters: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    logins: AtomicUsize,
    event_types: AtomicUsize,
}

impl TestServer {
    async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let counters = Arc::new(Counters::default());
        let c = Arc::clone(&counters);
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                c.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, Arc::clone(&c)));
            }
        });
        TestServer { port, counters }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn logins(&self) -> usize {
        self.counters.logins.load(Ordering::SeqCst)
    }

    fn event_type_calls(&self) -> usize {
        self.counters.event_types.load(Ordering::SeqCst)
    }

    fn connections(&self) -> usize {
        self.counters.connections.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, counters: Arc<Counters>) {
    let mut buf = Vec::new();
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + length);
        let request_line = head.lines().next().unwrap_or_default().to_owned();
        let has_cookie = head.to_ascii_lowercase().contains("cookie: session=s1");
        let has_key = head.contains("Authorization: API ") || head.contains("authorization: API ");
        let (status, extra, body) = if request_line.starts_with("POST /rest/login ") {
            counters.logins.fetch_add(1, Ordering::SeqCst);
            ("200 OK", "Set-Cookie: session=s1; Path=/\r\n", "{}")
        } else if request_line.starts_with("GET /rest/event-types ") {
            if has_cookie || has_key {
                counters.event_types.fetch_add(1, Ordering::SeqCst);
                ("200 OK", "", "[]")
            } else {
                ("401 Unauthorized", "", "{}")
            }
        } else {
            ("404 Not Found", "", "{}")
        };
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
            body.len()
        );
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}
