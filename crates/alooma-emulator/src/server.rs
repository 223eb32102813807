//! The HTTP side: accept loop, one task per connection (hyper 1, HTTP/1.1
//! with keep-alive), and the per-request pipeline (admin, faults, body
//! limit, account, auth, routing, log).

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use crate::faults::{self, Fault, FaultKind};
use crate::reply::{error_body, ApiError, Query, Reply, Req};
use crate::request_log::{RequestRecord, MAX_RECORDS};
use crate::router::{self, Target};
use crate::state::State;
use crate::{admin, auth};

/// The body type of every response.
type RespBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// How long shutdown waits for open connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything the connection tasks share.
pub(crate) struct Shared {
    pub(crate) account: String,
    pub(crate) api_key: Option<String>,
    pub(crate) credentials: Option<(String, String)>,
    pub(crate) max_body_bytes: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) log: Mutex<VecDeque<RequestRecord>>,
    pub(crate) sessions: Mutex<HashSet<String>>,
}

/// Completes once shutdown is asked (or the emulator handle is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Accepts connections until `shutdown` turns true (or its sender is
/// dropped), then drains the open connections.
pub(crate) async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(serve_connection(stream, Arc::clone(&shared), shutdown.clone()));
                }
                Err(e) => {
                    tracing::warn!("emulator accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            () = stopped(&mut shutdown) => break,
        }
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        conns.abort_all();
    }
}

async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let header_timeout = shared.header_timeout;
    let kill = Arc::new(Notify::new());
    let svc_kill = Arc::clone(&kill);
    let service = service_fn(move |req| handle(Arc::clone(&shared), Arc::clone(&svc_kill), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        res = conn.as_mut() => {
            if let Err(e) = res {
                tracing::debug!("emulator connection ended: {e}");
            }
        }
        // A `drop` fault: dropping `conn` closes the socket unanswered.
        () = kill.notified() => {}
        () = stopped(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                () = kill.notified() => {}
                () = tokio::time::sleep(DRAIN_TIMEOUT) => {}
            }
        }
    }
}

/// One request, start to finish. Never fails: every problem is an answer.
async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<RespBody>, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let raw_query = req.uri().query().map(str::to_owned);
    let target = router::parse_path(&path);

    if let Ok(Some(Target::Admin(segs))) = &target {
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let outcome = admin_request(&shared, &method, &segs, req).await;
        return Ok(respond(outcome, false));
    }

    let mut record = RequestRecord {
        method: method.clone(),
        path: path.clone(),
        query: raw_query.clone(),
        had_auth: auth::has_credentials(req.headers()),
        status: None,
        fault: None,
    };
    let fault = faults::take(&mut lock(&shared.faults), &method, &path);
    let mut truncate = false;
    match fault {
        None => {}
        Some(FaultKind::Delay { delay_ms }) => {
            record.fault = Some("delay".into());
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => {
            record.fault = Some("status".into());
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            record.status = Some(status.as_u16());
            push_record(&shared, record);
            let mut resp = respond(Err(ApiError::new(status, "injected fault")), false);
            if let Some(secs) = retry_after {
                resp.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
            return Ok(resp);
        }
        Some(FaultKind::Drop) => {
            record.fault = Some("drop".into());
            push_record(&shared, record);
            kill.notify_one();
            // The connection task drops this future with the connection.
            return futures::future::pending().await;
        }
        Some(FaultKind::Truncate) => {
            record.fault = Some("truncate".into());
            truncate = true;
        }
    }

    let outcome = api_request(&shared, &method, target, raw_query.as_deref(), req).await;
    record.status = Some(match &outcome {
        Ok(r) => r.status.as_u16(),
        Err(e) => e.status.as_u16(),
    });
    push_record(&shared, record);
    Ok(respond(outcome, truncate))
}

fn push_record(shared: &Shared, record: RequestRecord) {
    let mut log = lock(&shared.log);
    if log.len() >= MAX_RECORDS {
        log.pop_front();
    }
    log.push_back(record);
}

/// Whether the request carries the API key or a live session.
fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    auth::api_key_ok(headers, shared.api_key.as_deref())
        || auth::session_ok(headers, &lock(&shared.sessions))
}

async fn admin_request(
    shared: &Shared,
    method: &str,
    segs: &[&str],
    req: Request<Incoming>,
) -> Result<Reply, ApiError> {
    if !authorized(shared, req.headers()) {
        return Err(ApiError::unauthorized(
            "the admin API needs the emulator's API key (Authorization: API <key>) or a session",
        ));
    }
    let (_, body) = req.into_parts();
    let body = read_body(body, shared.max_body_bytes, shared.body_timeout).await?;
    admin::handle(shared, method, segs, &body)
}

async fn api_request(
    shared: &Shared,
    method: &str,
    target: Result<Option<Target>, ApiError>,
    raw_query: Option<&str>,
    req: Request<Incoming>,
) -> Result<Reply, ApiError> {
    let Some(Target::Rest { account, segments }) = target? else {
        return Err(ApiError::not_found(
            "no such path: the REST API is served under /{account}/rest/ and /rest/",
        ));
    };
    if let Some(account) = account {
        if account != shared.account {
            return Err(ApiError::unauthorized(format!(
                "unknown account {account:?}: check the account name"
            )));
        }
    }
    let (parts, body) = req.into_parts();
    if let Some(len) = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > shared.max_body_bytes as u64 {
            return Err(too_large(shared.max_body_bytes));
        }
    }
    let body = read_body(body, shared.max_body_bytes, shared.body_timeout).await?;
    let query = Query::parse(raw_query);
    let req = Req {
        query: &query,
        body: &body,
    };
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    if segs == ["login"] {
        if method != "POST" {
            return Err(ApiError::method_not_allowed(method, "login", &["POST"]));
        }
        let creds = shared
            .credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()));
        return auth::login(&req, creds, &mut lock(&shared.sessions));
    }
    if !authorized(shared, &parts.headers) {
        return Err(ApiError::unauthorized(
            "authentication required: send Authorization: API <key> or log in",
        ));
    }
    let mut state = lock(&shared.state);
    router::route(&mut state, method, &segs, &req)
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than {max} bytes"),
    )
}

async fn read_body(body: Incoming, max: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    match tokio::time::timeout(timeout, Limited::new(body, max).collect()).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request body did not arrive within {timeout:?}"),
        )),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large(max)),
        Ok(Err(e)) => Err(ApiError::bad_request(format!(
            "could not read the request body: {e}"
        ))),
    }
}

/// Turns an outcome into a response; `truncate` sends only part of the
/// body after declaring all of it and then aborts the connection.
fn respond(outcome: Result<Reply, ApiError>, truncate: bool) -> Response<RespBody> {
    let (status, body, headers) = match outcome {
        Ok(reply) => (reply.status, reply.body, reply.headers),
        Err(e) => (e.status, Some(error_body(e.status, &e.message)), e.headers),
    };
    let bytes = body
        .map(|v: Value| Bytes::from(serde_json::to_vec(&v).unwrap_or_default()))
        .unwrap_or_default();
    let is_json = !bytes.is_empty();
    let mut builder = Response::builder().status(status);
    if is_json {
        builder = builder.header(CONTENT_TYPE, "application/json");
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let body: RespBody = if truncate {
        let declared = bytes.len() + 64;
        builder = builder.header(CONTENT_LENGTH, declared);
        let partial = bytes.slice(..bytes.len() / 2);
        // Give hyper time to flush the head and the partial body before the
        // error aborts the connection.
        let abort = futures::stream::once(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Err(std::io::Error::other("body truncated by an injected fault"))
        });
        let frames = futures::stream::iter([Ok(Frame::data(partial))]).chain(abort);
        UnsyncBoxBody::new(StreamBody::new(frames))
    } else {
        Full::new(bytes)
            .map_err(|never| match never {})
            .boxed_unsync()
    };
    builder.body(body).unwrap_or_else(|_| {
        let mut fallback = Response::new(
            Full::new(Bytes::new())
                .map_err(|never| match never {})
                .boxed_unsync(),
        );
        *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}
