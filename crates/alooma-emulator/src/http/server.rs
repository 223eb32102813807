//! The HTTP side: accept loop, one task per connection (hyper 1, HTTP/1.1
//! with keep-alive), and the per-request pipeline (admin, faults, body
//! limit, account, auth, routing, log).

use std::convert::Infallible;
use std::sync::Arc;
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

use crate::http::faults::{self, Applied, FaultTarget};
use crate::http::journal::{self};
use crate::http::reply::{error_body, ApiError, Query, Reply, Req};
use crate::http::router::{self, Target};
use crate::http::shared::{lock, Shared, Tenant};
use crate::http::{admin, auth};

/// The body type of every response.
type RespBody = UnsyncBoxBody<Bytes, std::io::Error>;

/// How long shutdown waits for open connections to finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Completes once shutdown is asked (or the emulator handle is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
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
///
/// With a state file, a request that changed something (any method but
/// `GET`/`HEAD`, answered 2xx: an API write, events taken in) is saved
/// before it is answered: what the emulator said it accepted outlives a
/// kill.
async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<RespBody>, Infallible> {
    let writes = !matches!(*req.method(), http::Method::GET | http::Method::HEAD);
    let resp = answer(Arc::clone(&shared), kill, req).await?;
    if writes && resp.status().is_success() && shared.state_file.is_some() {
        let saving = Arc::clone(&shared);
        match tokio::task::spawn_blocking(move || saving.save().map(|_| ())).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("the emulator could not save its state file: {e}"),
            Err(e) => tracing::warn!("the emulator's state save did not finish: {e}"),
        }
    }
    Ok(resp)
}

/// The answer to one request.
async fn answer(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<RespBody>, Infallible> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let raw_query = req.uri().query().map(str::to_owned);
    let target = router::parse_path(&path);

    if let Ok(Some(Target::Admin(segs))) = &target {
        if method == "GET" && segs.len() == 1 && segs[0] == "openapi.json" {
            // The API's contract: public, it holds nothing of the account.
            // Sent as stored (gzip) to a client that takes it.
            let gzip = req
                .headers()
                .get_all(http::header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|coding| {
                    let mut parts = coding.split(';').map(str::trim);
                    parts.next() == Some("gzip") && parts.all(|p| p != "q=0")
                });
            let body = if gzip {
                Bytes::from_static(crate::http::admin::OPENAPI_GZ)
            } else {
                crate::http::admin::openapi_text()
            };
            let mut resp = Response::new(
                Full::new(body)
                    .map_err(|never| match never {})
                    .boxed_unsync(),
            );
            resp.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            if gzip {
                resp.headers_mut().insert(
                    http::header::CONTENT_ENCODING,
                    HeaderValue::from_static("gzip"),
                );
            }
            resp.headers_mut().insert(
                http::header::VARY,
                HeaderValue::from_static("accept-encoding"),
            );
            return Ok(resp);
        }
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let outcome = admin_request(&shared, &method, &segs, raw_query.as_deref(), req).await;
        return Ok(match outcome {
            Ok(admin::AdminReply::Api(reply)) => respond(Ok(reply), false),
            Ok(admin::AdminReply::Html(html)) => html_response(html),
            Err(e) => respond(Err(e), false),
        });
    }

    if let Some(intake) = crate::http::intake::route(&shared, &method, &path) {
        let now = shared.clock.now_millis();
        let (parts, body) = req.into_parts();
        let mut record = journal::new_record(now, None, &method, intake.journal_path(), None);
        record.operation = Some("intake".into());
        let outcome = match read_request_body(&shared, &parts.headers, body).await {
            Ok(body) => {
                if shared.journal_events {
                    record.body = journal::recorded_body(None, &body);
                }
                let (account, outcome) = crate::http::intake::serve(
                    &shared,
                    &intake,
                    &method,
                    raw_query.as_deref(),
                    &body,
                );
                record.account = account;
                outcome
            }
            Err(e) => Err(e),
        };
        record.status = Some(match &outcome {
            Ok(reply) => reply.status.as_u16(),
            Err(e) => e.status.as_u16(),
        });
        push_record(&shared, record);
        return Ok(respond(outcome, false));
    }

    let now = shared.clock.now_millis();
    let (parts, body) = req.into_parts();
    // Which account, and which segments under its REST root.
    let resolved: Result<(&Tenant, Vec<String>, bool), ApiError> = match target {
        Err(e) => Err(e),
        Ok(Some(Target::Rest {
            account: Some(account),
            segments,
        })) => shared
            .tenant(&account)
            .map(|t| (t, segments, true))
            .ok_or_else(|| {
                ApiError::unauthorized(format!(
                    "unknown account {account:?}: check the account name"
                ))
            }),
        Ok(Some(Target::Rest {
            account: None,
            segments,
        })) => Ok((
            shared
                .tenant_of(&parts.headers)
                .unwrap_or_else(|| shared.primary()),
            segments,
            false,
        )),
        Ok(_) => Err(ApiError::not_found(
            "no such path: the REST API is served under /{account}/rest/ and /rest/",
        )),
    };
    let mut record = journal::new_record(
        now,
        resolved.as_ref().ok().map(|(t, _, _)| t.account.clone()),
        &method,
        &path,
        raw_query.as_deref(),
    );
    record.had_auth = auth::has_credentials(&parts.headers);

    let body = match read_request_body(&shared, &parts.headers, body).await {
        Ok(body) => body,
        Err(e) => {
            record.status = Some(e.status.as_u16());
            push_record(&shared, record);
            return Ok(respond(Err(e), false));
        }
    };
    let query = Query::parse(raw_query.as_deref());
    let req = Req {
        query: &query,
        body: &body,
    };
    let operation = resolved.as_ref().ok().and_then(|(tenant, segments, _)| {
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        router::operation_of(&lock(&tenant.state), &method, &segs, &req)
    });
    record.operation = operation.map(str::to_owned);
    // A request to the secrets path that no route takes (a wrong method, an
    // unknown account) still holds secret values: redacted as
    // `set_secrets`' are.
    let secrets_path = path.split('/').any(|segment| segment == "secrets");
    record.body =
        journal::recorded_body(operation.or(secrets_path.then_some("set_secrets")), &body);

    let fault = faults::take(
        &mut lock(&shared.faults),
        &FaultTarget {
            method: &method,
            path: &path,
            operation,
            account: record.account.as_deref(),
        },
    );
    let mut truncate = false;
    match fault {
        None => {}
        Some(Applied::Wait { ms, latency }) => {
            record.fault = Some(if latency { "latency" } else { "delay" }.into());
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        Some(Applied::Status {
            status,
            retry_after,
            body,
        }) => {
            record.fault = Some("status".into());
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            record.status = Some(status.as_u16());
            push_record(&shared, record);
            let message = match operation {
                Some(op) => format!("injected fault on {op}"),
                None => "injected fault".to_owned(),
            };
            let mut resp = match body {
                Some(body) => respond(
                    Ok(Reply {
                        status,
                        body: Some(body),
                        headers: Vec::new(),
                    }),
                    false,
                ),
                None => respond(Err(ApiError::new(status, message)), false),
            };
            if let Some(secs) = retry_after {
                resp.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
            return Ok(resp);
        }
        Some(Applied::Drop) => {
            record.fault = Some("drop".into());
            push_record(&shared, record);
            kill.notify_one();
            // The connection task drops this future with the connection.
            return futures::future::pending().await;
        }
        Some(Applied::Truncate) => {
            record.fault = Some("truncate".into());
            truncate = true;
        }
    }

    let outcome = resolved.and_then(|(tenant, segments, explicit)| {
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        api_request(
            &shared,
            tenant,
            explicit,
            &method,
            &segs,
            &parts.headers,
            &req,
        )
    });
    record.status = Some(match &outcome {
        Ok(r) => r.status.as_u16(),
        Err(e) => e.status.as_u16(),
    });
    push_record(&shared, record);
    Ok(respond(outcome, truncate))
}

fn push_record(shared: &Shared, record: journal::RequestRecord) {
    lock(&shared.journal).push(record);
}

async fn admin_request(
    shared: &Shared,
    method: &str,
    segs: &[&str],
    raw_query: Option<&str>,
    req: Request<Incoming>,
) -> Result<admin::AdminReply, ApiError> {
    let query = Query::parse(raw_query);
    let by_query_key = query.get("key").and_then(|key| {
        shared.tenants.iter().find(|t| {
            t.api_key
                .as_deref()
                .is_some_and(|k| auth::keys_match(k, key))
        })
    });
    let Some(tenant) = shared.tenant_of(req.headers()).or(by_query_key) else {
        return Err(ApiError::unauthorized(
            "the admin API needs an account's API key (Authorization: API <key>, or ?key= for the web page) or a session",
        ));
    };
    let (_, body) = req.into_parts();
    let body = read_body(body, shared.max_body_bytes, shared.body_timeout).await?;
    admin::handle(shared, tenant, method, segs, &query, &body)
}

/// The request's body, within the size and time limits.
async fn read_request_body(
    shared: &Shared,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Bytes, ApiError> {
    if let Some(len) = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > shared.max_body_bytes as u64 {
            return Err(too_large(shared.max_body_bytes));
        }
    }
    read_body(body, shared.max_body_bytes, shared.body_timeout).await
}

/// A REST request of `tenant`, its body read: login, auth, then the route
/// on the state brought up to the clock's time.
fn api_request(
    shared: &Shared,
    tenant: &Tenant,
    explicit_account: bool,
    method: &str,
    segs: &[&str],
    headers: &HeaderMap,
    req: &Req<'_>,
) -> Result<Reply, ApiError> {
    if segs == ["login"] {
        if method != "POST" {
            return Err(ApiError::method_not_allowed(method, "login", &["POST"]));
        }
        // Under `/rest/`, the account whose user logs in.
        let tenant = if explicit_account {
            tenant
        } else {
            let email = serde_json::from_slice::<Value>(req.body)
                .ok()
                .and_then(|v| v.get("email").and_then(Value::as_str).map(str::to_owned));
            shared
                .tenants
                .iter()
                .find(|t| {
                    t.credentials
                        .as_ref()
                        .is_some_and(|(u, _)| Some(u.as_str()) == email.as_deref())
                })
                .unwrap_or(tenant)
        };
        let creds = tenant
            .credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()));
        return auth::login(req, creds, &mut lock(&tenant.sessions));
    }
    if !tenant.authorized(headers) {
        return Err(ApiError::unauthorized(
            "authentication required: send Authorization: API <key> or log in",
        ));
    }
    let mut state = tenant.state_now();
    router::route(&mut state, method, segs, req)
}

/// A `text/html` page.
fn html_response(html: String) -> Response<RespBody> {
    let mut resp = Response::new(
        Full::new(Bytes::from(html))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    resp.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp.headers_mut().insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    resp
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
