//! A small raw HTTP/1.1 test server on loopback that misbehaves on request.
//!
//! Hand-written responses (no HTTP library) so every fault is exact: a
//! status, a delay, a connection closed before answering, a body shorter
//! than its `Content-Length`, a trickled or stalled body, a huge body,
//! 429 with `Retry-After`, a login-protected or API-key-protected API. It
//! records every request it saw (method, path, headers, body) and how many
//! connections it accepted.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do with one request.
#[derive(Debug, Clone)]
pub enum Behavior {
    /// Answer `status` with `body` and extra headers.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then behave as the inner behavior.
    Delay(Duration, Box<Behavior>),
    /// Read the request, then close the connection without a byte.
    CloseBeforeAnswer,
    /// Declare `declared` bytes, send `body`, close.
    Truncated { declared: usize, body: Vec<u8> },
    /// Declare the body's length, send it one byte per `every`.
    Trickle { body: Vec<u8>, every: Duration },
    /// Declare `declared` bytes, send `sent` of them, then hold the
    /// connection silent for a long time.
    Stall { declared: usize, sent: usize },
    /// A `size`-byte body, with its `Content-Length` or close-delimited.
    Huge { size: usize, with_length: bool },
    /// Answer 200 with `body` (without `Connection: close`), then close the
    /// connection from the server side after `after`, at once when zero (a
    /// stale pooled connection).
    RespondThenClose { body: Vec<u8>, after: Duration },
}

impl Behavior {
    pub fn status(status: u16) -> Self {
        Behavior::Respond {
            status,
            headers: vec![],
            body: vec![],
        }
    }
    pub fn json(status: u16, body: &str) -> Self {
        Behavior::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }
    pub fn retry_after(status: u16, seconds: u64) -> Self {
        Behavior::Respond {
            status,
            headers: vec![("Retry-After".into(), seconds.to_string())],
            body: vec![],
        }
    }
    pub fn delayed(self, by: Duration) -> Self {
        Behavior::Delay(by, Box::new(self))
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the server authenticates.
#[derive(Debug, Clone, Default)]
pub enum AuthMode {
    #[default]
    Open,
    ApiKey(String),
    Login {
        email: String,
        password: String,
        /// How long a login takes to answer.
        delay: Duration,
    },
}

#[derive(Default)]
struct State {
    scripts: HashMap<String, VecDeque<Behavior>>,
    defaults: HashMap<String, Behavior>,
    seen: Vec<Seen>,
    connections: usize,
    /// Connections accepted and not yet closed.
    open: usize,
    auth: AuthMode,
    logins: usize,
    /// The session cookie currently valid (`sid=<value>`).
    valid_session: Option<String>,
}

#[derive(Clone)]
pub struct TestServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener)
    }

    pub fn serve(listener: TcpListener) -> Self {
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let server = TestServer { addr, state };
        let s = server.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                {
                    let mut state = s.state.lock().unwrap();
                    state.connections += 1;
                    state.open += 1;
                }
                let s = s.clone();
                tokio::spawn(async move {
                    s.connection(stream).await;
                    s.state.lock().unwrap().open -= 1;
                });
            }
        });
        server
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queue behaviors for `path` (the full path, e.g. `/rest/inputs`),
    /// used in order; then the path's default, then 200 `{}`.
    pub fn script(&self, path: &str, behaviors: impl IntoIterator<Item = Behavior>) {
        self.state
            .lock()
            .unwrap()
            .scripts
            .entry(path.to_owned())
            .or_default()
            .extend(behaviors);
    }

    pub fn default_for(&self, path: &str, behavior: Behavior) {
        self.state
            .lock()
            .unwrap()
            .defaults
            .insert(path.to_owned(), behavior);
    }

    pub fn set_auth(&self, auth: AuthMode) {
        self.state.lock().unwrap().auth = auth;
    }

    /// Invalidate the current session: requests with it get 401 until a
    /// new login.
    pub fn expire_sessions(&self) {
        self.state.lock().unwrap().valid_session = None;
    }

    pub fn logins(&self) -> usize {
        self.state.lock().unwrap().logins
    }

    /// Connections accepted and not closed yet.
    pub fn open_connections(&self) -> usize {
        self.state.lock().unwrap().open
    }

    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn count(&self, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.path == path)
            .count()
    }

    async fn connection(&self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        loop {
            let Some(seen) = read_request(&mut stream, &mut buf).await else {
                return;
            };
            let behavior = self.decide(seen);
            let keep = respond(&mut stream, behavior).await;
            if !keep {
                return;
            }
        }
    }

    fn decide(&self, seen: Seen) -> Behavior {
        let mut st = self.state.lock().unwrap();
        st.seen.push(seen.clone());
        let login_path = seen.path.ends_with("/login");
        match st.auth.clone() {
            AuthMode::Open => {}
            AuthMode::ApiKey(key) => {
                if seen.header("authorization") != Some(&format!("API {key}")) {
                    return Behavior::json(401, r#"{"error":"bad key"}"#);
                }
            }
            AuthMode::Login {
                email,
                password,
                delay,
            } => {
                if login_path {
                    st.logins += 1;
                    let body: serde_json::Value =
                        serde_json::from_slice(&seen.body).unwrap_or_default();
                    if body["email"] == email.as_str() && body["password"] == password.as_str() {
                        let cookie = format!("sid=SESSION-SECRET-{}", st.logins);
                        st.valid_session = Some(cookie.clone());
                        return Behavior::Respond {
                            status: 200,
                            headers: vec![(
                                "Set-Cookie".into(),
                                format!("{cookie}; Path=/; HttpOnly"),
                            )],
                            body: b"{}".to_vec(),
                        }
                        .delayed(delay);
                    }
                    return Behavior::json(401, r#"{"error":"bad login"}"#).delayed(delay);
                }
                let ok = match (&st.valid_session, seen.header("cookie")) {
                    (Some(valid), Some(sent)) => sent.split("; ").any(|c| c == valid),
                    _ => false,
                };
                if !ok {
                    return Behavior::json(401, r#"{"error":"not logged in"}"#);
                }
            }
        }
        if let Some(b) = st.scripts.get_mut(&seen.path).and_then(VecDeque::pop_front) {
            return b;
        }
        st.defaults
            .get(&seen.path)
            .cloned()
            .unwrap_or_else(|| Behavior::json(200, "{}"))
    }
}

/// Reads one request (head and `Content-Length` body); `None` on EOF.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Seen> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?;
    let path = target.split('?').next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + len {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + len].to_vec();
    buf.drain(..body_start + len);
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

fn head(status: u16, headers: &[(String, String)], length: Option<usize>, close: bool) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(len) = length {
        h.push_str(&format!("Content-Length: {len}\r\n"));
    }
    if close {
        h.push_str("Connection: close\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Acts out `behavior`; returns whether the connection stays open.
async fn respond(stream: &mut TcpStream, behavior: Behavior) -> bool {
    let mut behavior = behavior;
    while let Behavior::Delay(d, inner) = behavior {
        tokio::time::sleep(d).await;
        behavior = *inner;
    }
    let result: std::io::Result<bool> = async {
        match behavior {
            Behavior::Delay(..) => unreachable!(),
            Behavior::Respond {
                status,
                headers,
                body,
            } => {
                stream
                    .write_all(&head(status, &headers, Some(body.len()), false))
                    .await?;
                stream.write_all(&body).await?;
                Ok(true)
            }
            Behavior::CloseBeforeAnswer => Ok(false),
            Behavior::Truncated { declared, body } => {
                stream
                    .write_all(&head(200, &[], Some(declared), false))
                    .await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
                Ok(false)
            }
            Behavior::Trickle { body, every } => {
                stream
                    .write_all(&head(200, &[], Some(body.len()), false))
                    .await?;
                for b in body {
                    stream.write_all(&[b]).await?;
                    stream.flush().await?;
                    tokio::time::sleep(every).await;
                }
                Ok(true)
            }
            Behavior::Stall { declared, sent } => {
                stream
                    .write_all(&head(200, &[], Some(declared), false))
                    .await?;
                stream.write_all(&vec![b'x'; sent]).await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_secs(30)).await;
                Ok(false)
            }
            Behavior::Huge { size, with_length } => {
                stream
                    .write_all(&head(200, &[], with_length.then_some(size), !with_length))
                    .await?;
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = size;
                while left > 0 {
                    let n = left.min(chunk.len());
                    stream.write_all(&chunk[..n]).await?;
                    left -= n;
                }
                Ok(false)
            }
            Behavior::RespondThenClose { body, after } => {
                stream
                    .write_all(&head(200, &[], Some(body.len()), false))
                    .await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
                // `after` zero: close at once, right behind the answer.
                if !after.is_zero() {
                    tokio::time::sleep(after).await;
                }
                Ok(false)
            }
        }
    }
    .await;
    let keep = result.unwrap_or(false);
    if !keep {
        let _ = stream.shutdown().await;
    }
    keep
}
