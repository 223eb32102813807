//! The auth layer: an API key on every request, or a login session with a
//! single-flight re-login.
//!
//! - [`Credentials::ApiKey`]: `Authorization: API <key>` (marked sensitive)
//!   on every request. A 401 is an [`Error::Auth`] (a wrong key or account)
//!   and is never retried.
//! - [`Credentials::Login`]: the first call logs in (`POST login`, through
//!   the same inner stack, so the login is timed and size-limited too) and
//!   keeps the session cookie; later calls send it. On a 401 the layer logs
//!   in again once and replays the request once; a second 401 is an
//!   [`Error::Auth`]. Logins are single-flight: when a burst of calls meets
//!   an expired session, one of them logs in and the others wait and reuse
//!   the new session; when that login fails, every call that was waiting for
//!   it fails with the same error (naming the user, never the password)
//!   instead of trying the password again.
//! - A login the server refuses for its credentials (401, 403) is
//!   remembered: until [`Config::login_failure_cooldown`](crate::Config::login_failure_cooldown)
//!   has passed (5 minutes by default) or the credentials change
//!   ([`AuthLayer::set_login`]), every call fails at once with that same
//!   [`Error::Auth`] and the password is not sent again, so a service whose
//!   password changed cannot lock the account. Never more than one login is
//!   in flight.
//! - Credentials go only to the configured origin: a request whose absolute
//!   URI is not [`RestRoot::is_same_origin`] is sent without them.

use crate::config::Credentials;
use crate::meta::{operation_name, Deadline};
use crate::timeout::within_deadline;
use crate::BoxFuture;
use alooma_core::{auth::Login, Error, Operation, RestRoot};
use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderValue, Request, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tower::{Layer, Service, ServiceExt};

/// Layer adding credentials; see the [module docs](self). `Debug` never
/// shows a secret.
///
/// Cloning the layer, or a service it made, costs one reference count.
#[derive(Clone)]
pub struct AuthLayer {
    shared: Arc<Shared>,
}

/// What every clone of an [`AuthLayer`] and its services shares.
struct Shared {
    root: Arc<RestRoot>,
    mode: Mode,
}

#[derive(Clone)]
enum Mode {
    None,
    ApiKey(HeaderValue),
    Session(Arc<Session>),
}

impl fmt::Debug for AuthLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match &self.shared.mode {
            Mode::None => "None".to_owned(),
            Mode::ApiKey(_) => "ApiKey(<redacted>)".to_owned(),
            Mode::Session(s) => format!(
                "Login {{ username: {:?}, password: <redacted> }}",
                s.username()
            ),
        };
        f.debug_struct("AuthLayer")
            .field("root", &self.shared.root.prefix())
            .field("mode", &format_args!("{mode}"))
            .finish()
    }
}

impl AuthLayer {
    /// A layer adding `credentials` to requests for `root`'s origin.
    /// Fails with [`Error::Config`] when an API key is not a valid header
    /// value (the message never shows the key).
    pub fn new(root: RestRoot, credentials: &Credentials) -> Result<Self, Error> {
        Self::with_cooldown(root, credentials, crate::DEFAULT_LOGIN_FAILURE_COOLDOWN)
    }

    /// The same, remembering a refused login for `cooldown`.
    pub fn with_cooldown(
        root: RestRoot,
        credentials: &Credentials,
        cooldown: std::time::Duration,
    ) -> Result<Self, Error> {
        let mode = match credentials {
            Credentials::None => Mode::None,
            Credentials::ApiKey(key) => {
                let mut value = HeaderValue::from_str(&format!("API {}", key.expose_secret()))
                    .map_err(|_| Error::Config {
                        reason: "the API key contains characters not allowed in an HTTP header"
                            .into(),
                    })?;
                value.set_sensitive(true);
                Mode::ApiKey(value)
            }
            Credentials::Login { username, password } => Mode::Session(Arc::new(Session {
                login: Mutex::new((username.clone(), password.clone())),
                cooldown,
                login_lock: tokio::sync::Mutex::new(()),
                state: Mutex::new(SessionState::default()),
            })),
        };
        Ok(AuthLayer {
            shared: Arc::new(Shared {
                root: Arc::new(root),
                mode,
            }),
        })
    }

    /// How many logins the session of this layer has attempted (0 in
    /// API-key mode).
    pub fn logins(&self) -> u64 {
        match &self.shared.mode {
            Mode::Session(s) => s.lock().attempts,
            _ => 0,
        }
    }

    /// Changes the login's user name and password (a password rotated
    /// while the service runs): the session and any remembered refusal are
    /// dropped, and the next call logs in with the new credentials.
    /// Does nothing in API-key mode.
    pub fn set_login(&self, username: impl Into<String>, password: impl Into<String>) {
        if let Mode::Session(s) = &self.shared.mode {
            *s.login.lock().unwrap_or_else(|e| e.into_inner()) =
                (username.into(), SecretString::from(password.into()));
            let mut state = s.lock();
            state.cookie = None;
            state.refused = None;
            state.failure = None;
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;
    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            layer: self.clone(),
        }
    }
}

/// Service made by [`AuthLayer`].
#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S> fmt::Debug for Auth<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth").field("layer", &self.layer).finish()
    }
}

/// A login session shared by every clone.
struct Session {
    /// The user name and password.
    login: Mutex<(String, SecretString)>,
    /// How long a refused login is remembered.
    cooldown: std::time::Duration,
    /// Held while a login is in flight: the single flight.
    login_lock: tokio::sync::Mutex<()>,
    state: Mutex<SessionState>,
}

#[derive(Default)]
struct SessionState {
    /// The current session: its generation and its `Cookie` header value.
    cookie: Option<(u64, HeaderValue)>,
    /// Logins attempted so far.
    attempts: u64,
    /// Logins finished so far, successfully or not. A call notes this
    /// before it waits for a login; a login finishing after that (one in
    /// flight when the call looked, or one started later) answers for it.
    finished: u64,
    /// Successful logins so far (the generation of the newest session).
    generation: u64,
    /// The failure of the most recent login, if it failed.
    failure: Option<Error>,
    /// A login the server refused for its credentials, and when.
    refused: Option<(tokio::time::Instant, Error)>,
}

impl Session {
    fn lock(&self) -> std::sync::MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn username(&self) -> String {
        self.login
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clone()
    }

    /// The remembered refusal, while its cool-down lasts.
    fn refusal(&self, state: &SessionState) -> Option<Error> {
        match &state.refused {
            Some((at, error)) if at.elapsed() < self.cooldown => Some(duplicate(error)),
            _ => None,
        }
    }

    /// A session newer than `stale` (any session when `stale` is `None`):
    /// the current one if it is, else the result of a login — this call's
    /// own, or that of a call which logged in while this one waited.
    async fn fresh<S>(
        &self,
        stale: Option<u64>,
        seen_finished: u64,
        root: &RestRoot,
        inner: S,
    ) -> Result<(u64, HeaderValue), Error>
    where
        S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Send,
        S::Future: Send,
    {
        if let Some(refused) = self.refusal(&self.lock()) {
            return Err(refused);
        }
        let _flight = self.login_lock.lock().await;
        {
            let state = self.lock();
            if let Some(refused) = self.refusal(&state) {
                return Err(refused);
            }
            if let Some((generation, cookie)) = &state.cookie {
                if Some(*generation) != stale {
                    return Ok((*generation, cookie.clone()));
                }
            }
            if state.finished > seen_finished {
                if let Some(failure) = &state.failure {
                    return Err(duplicate(failure));
                }
            }
        }
        {
            let mut state = self.lock();
            state.attempts += 1;
            state.failure = None;
        }
        let (username, password) = self.login.lock().unwrap_or_else(|e| e.into_inner()).clone();
        tracing::info!(user = %username, "logging in");
        let login = Login::new(username.clone(), password.expose_secret());
        let result = match login.build().and_then(|req| root.apply(req)) {
            Ok(req) => match inner.oneshot(req).await {
                Ok(resp) => login.decode(resp),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let mut state = self.lock();
        state.finished += 1;
        match result.and_then(|cookie| {
            let mut value = HeaderValue::from_str(cookie.expose()).map_err(|_| Error::Auth {
                operation: "login",
                status: None,
                user: Some(username.clone()),
                reason: "the server's session cookie is not a valid header value".into(),
            })?;
            value.set_sensitive(true);
            Ok(value)
        }) {
            Ok(cookie) => {
                state.generation += 1;
                state.cookie = Some((state.generation, cookie.clone()));
                Ok((state.generation, cookie))
            }
            Err(e) => {
                // Returned to the caller: logged at DEBUG only.
                tracing::debug!(user = %username, error = %e, "login failed");
                state.cookie = None;
                state.failure = Some(duplicate(&e));
                if matches!(e, Error::Auth { status: Some(s), .. } if s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN)
                {
                    state.refused = Some((tokio::time::Instant::now(), duplicate(&e)));
                }
                Err(e)
            }
        }
    }
}

/// A copy of a login failure for the calls that waited on it. Variants
/// whose source cannot be cloned keep its message.
fn duplicate(e: &Error) -> Error {
    match e {
        Error::Auth {
            operation,
            status,
            user,
            reason,
        } => Error::Auth {
            operation,
            status: *status,
            user: user.clone(),
            reason: reason.clone(),
        },
        Error::Timeout {
            operation,
            kind,
            after,
        } => Error::Timeout {
            operation,
            kind: *kind,
            after: *after,
        },
        // The kind of failure survives the copy: the retry layer sends a
        // request that never reached the server again, and never retries a
        // permanent failure.
        Error::Connect { operation, source } => Error::Connect {
            operation,
            source: match source.downcast_ref::<alooma_core::ConnectCause>() {
                Some(cause) => Box::new(alooma_core::ConnectCause::new(
                    cause.failure(),
                    cause.to_string(),
                )),
                None => source.to_string().into(),
            },
        },
        Error::Api {
            operation,
            status,
            snippet,
        } => Error::Api {
            operation,
            status: *status,
            snippet: snippet.clone(),
        },
        Error::ServerTimeout { operation, snippet } => Error::ServerTimeout {
            operation,
            snippet: snippet.clone(),
        },
        Error::BodyTooLarge { operation, limit } => Error::BodyTooLarge {
            operation,
            limit: *limit,
        },
        Error::Config { reason } => Error::Config {
            reason: reason.clone(),
        },
        other => Error::Transport {
            operation: other.operation().unwrap_or("login"),
            source: other.to_string().into(),
        },
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Auth`]: the inner call as it is (no credentials to
    /// add), the inner call with a 401 turned into [`Error::Auth`] (API
    /// key), or the session's login, call and replay.
    pub struct AuthFuture<F> {
        #[pin]
        state: AuthState<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = AuthStateProj]
    enum AuthState<F> {
        // Sent without credentials.
        Plain { #[pin] call: F },
        // Sent with the API key.
        ApiKey { #[pin] call: F, operation: &'static str },
        // Sent with the session, logging in first when needed.
        Session { call: BoxFuture<Response<Bytes>> },
    }
}

impl<F> fmt::Debug for AuthFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.state {
            AuthState::Plain { .. } => "AuthFuture::Plain",
            AuthState::ApiKey { .. } => "AuthFuture::ApiKey",
            AuthState::Session { .. } => "AuthFuture::Session",
        })
    }
}

impl<F> std::future::Future for AuthFuture<F>
where
    F: std::future::Future<Output = Result<Response<Bytes>, Error>>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            AuthStateProj::Plain { call } => call.poll(cx),
            AuthStateProj::ApiKey { call, operation } => {
                let resp = std::task::ready!(call.poll(cx))?;
                if resp.status() == StatusCode::UNAUTHORIZED {
                    return Poll::Ready(Err(Error::Auth {
                        operation,
                        status: Some(resp.status()),
                        user: None,
                        reason: "the server refused the API key (check the key, and that it belongs to the configured account)".into(),
                    }));
                }
                Poll::Ready(Ok(resp))
            }
            AuthStateProj::Session { call } => call.as_mut().poll(cx),
        }
    }
}

impl<S> Service<Request<Bytes>> for Auth<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = AuthFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let same_origin = self.layer.shared.root.is_same_origin(req.uri());
        if !same_origin && !matches!(self.layer.shared.mode, Mode::None) {
            tracing::info!("not sending credentials: the request is not for the configured host");
        }
        match &self.layer.shared.mode {
            Mode::None => AuthFuture {
                state: AuthState::Plain {
                    call: self.inner.call(req),
                },
            },
            _ if !same_origin => AuthFuture {
                state: AuthState::Plain {
                    call: self.inner.call(req),
                },
            },
            Mode::ApiKey(value) => {
                req.headers_mut().insert(AUTHORIZATION, value.clone());
                AuthFuture {
                    state: AuthState::ApiKey {
                        call: self.inner.call(req),
                        operation,
                    },
                }
            }
            Mode::Session(session) => {
                // A session may need a login first, and a replay after a
                // 401: the service made ready goes into the future, and
                // clones of it send the login and the replay.
                let session = session.clone();
                let root = self.layer.shared.root.clone();
                let fresh = self.inner.clone();
                let inner = std::mem::replace(&mut self.inner, fresh);
                let deadline = req.extensions().get::<Deadline>().copied();
                AuthFuture {
                    state: AuthState::Session {
                        // Waiting for a login another call makes counts
                        // against this call's deadline.
                        call: Box::pin(async move {
                            within_deadline(deadline, operation, async move {
                            let (current, seen_finished) = {
                                let state = session.lock();
                                (state.cookie.clone(), state.finished)
                            };
                            let (generation, cookie) = match current {
                                Some(c) => c,
                                None => {
                                    session
                                        .fresh(None, seen_finished, &root, inner.clone())
                                        .await?
                                }
                            };
                            let mut replay = req.clone();
                            req.headers_mut().insert(COOKIE, cookie);
                            let seen_finished = session.lock().finished;
                            let resp = inner.clone().oneshot(req).await?;
                            if resp.status() != StatusCode::UNAUTHORIZED {
                                return Ok(resp);
                            }
                            tracing::info!("the session was refused; logging in again");
                            let (_, cookie) = session
                                .fresh(Some(generation), seen_finished, &root, inner.clone())
                                .await?;
                            replay.headers_mut().insert(COOKIE, cookie);
                            let resp = inner.oneshot(replay).await?;
                            if resp.status() == StatusCode::UNAUTHORIZED {
                                return Err(Error::Auth {
                            operation,
                            status: Some(resp.status()),
                            user: Some(session.username()),
                            reason: "the server refused a fresh session (check the account name and the user's access to it)".into(),
                        });
                            }
                            Ok(resp)
                        }).await?
                        }),
                    },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each call waiting for a shared login gets a copy of its failure;
    /// the copy keeps the kind of a connect failure, which decides whether
    /// the retry layer sends again at once, retries, or gives up.
    #[test]
    fn a_copied_connect_failure_keeps_its_kind() {
        use alooma_core::{ConnectCause, ConnectFailure};
        for failure in [ConnectFailure::NotSent, ConnectFailure::Certificate] {
            let e = Error::Connect {
                operation: "login",
                source: Box::new(ConnectCause::new(failure, "why")),
            };
            let copy = duplicate(&e);
            assert_eq!(copy.connect_failure(), Some(failure));
            assert_eq!(copy.to_string(), e.to_string());
        }
    }
    use std::sync::atomic::{AtomicU32, Ordering};

    fn root() -> RestRoot {
        RestRoot::new("https://h", Some("acme")).unwrap()
    }

    #[tokio::test]
    async fn api_key_goes_only_to_the_configured_origin() {
        let layer = AuthLayer::new(root(), &Credentials::api_key("k-1")).unwrap();
        assert!(!format!("{layer:?}").contains("k-1"));
        let svc = layer.layer(tower::service_fn(|req: Request<Bytes>| async move {
            let auth = req.headers().get(AUTHORIZATION).cloned();
            let body = auth.map(|v| {
                assert!(v.is_sensitive());
                Bytes::copy_from_slice(v.as_bytes())
            });
            Ok::<_, Error>(Response::new(body.unwrap_or_default()))
        }));
        let req = Request::get("https://h/acme/rest/x")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(svc.clone().oneshot(req).await.unwrap().body(), "API k-1");
        let req = Request::get("https://evil/acme/rest/x")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(svc.oneshot(req).await.unwrap().body(), "");
    }

    #[tokio::test]
    async fn api_key_401_is_an_auth_error() {
        let calls = Arc::new(AtomicU32::new(0));
        let c = calls.clone();
        let svc = AuthLayer::new(root(), &Credentials::api_key("k-1"))
            .unwrap()
            .layer(tower::service_fn(move |_req: Request<Bytes>| {
                c.fetch_add(1, Ordering::SeqCst);
                async {
                    Ok::<_, Error>(Response::builder().status(401).body(Bytes::new()).unwrap())
                }
            }));
        let req = Request::get("https://h/acme/rest/x")
            .body(Bytes::new())
            .unwrap();
        let err = svc.oneshot(req).await.unwrap_err();
        assert!(err.is_auth());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn login_then_replay_once_on_401() {
        // The server: login sets cookie s<N>; only the newest session is valid,
        // and the first session expires right after its first use.
        let logins = Arc::new(AtomicU32::new(0));
        let l = logins.clone();
        let layer = AuthLayer::new(root(), &Credentials::login("ops@example.com", "pw-1")).unwrap();
        assert!(!format!("{layer:?}").contains("pw-1"));
        let svc = layer.layer(tower::service_fn(move |req: Request<Bytes>| {
            let l = l.clone();
            async move {
                if req.uri().path().ends_with("/login") {
                    let n = l.fetch_add(1, Ordering::SeqCst) + 1;
                    return Ok::<_, Error>(
                        Response::builder()
                            .header("set-cookie", format!("sid=s{n}; Path=/"))
                            .body(Bytes::new())
                            .unwrap(),
                    );
                }
                let cookie = req
                    .headers()
                    .get(COOKIE)
                    .map(|v| v.to_str().unwrap().to_owned());
                let status = if cookie.as_deref() == Some("sid=s2") {
                    200
                } else {
                    401
                };
                Ok(Response::builder()
                    .status(status)
                    .body(Bytes::new())
                    .unwrap())
            }
        }));
        let req = Request::get("https://h/acme/rest/x")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(svc.clone().oneshot(req).await.unwrap().status(), 200);
        assert_eq!(logins.load(Ordering::SeqCst), 2);
        let req = Request::get("https://h/acme/rest/x")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(svc.oneshot(req).await.unwrap().status(), 200);
        assert_eq!(logins.load(Ordering::SeqCst), 2);
    }
}
