//! [`MockService`]: a scripted in-memory transport for testing code that
//! uses [`Client`](crate::Client), without sockets.

use alooma_core::BoxError;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use std::collections::VecDeque;
use std::future::{ready, Ready};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// A request the mock received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The URI as sent (relative to the REST root: `/event-types?x=1`).
    pub uri: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The operation's name, from the request's extensions.
    pub operation: Option<&'static str>,
}

impl RecordedRequest {
    /// The body parsed as JSON (`Value::Null` when empty or not JSON).
    ///
    /// ```
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// use alooma::{Client, mock::MockService, types::EventType};
    /// let mock = MockService::new();
    /// mock.on("POST", "/event-types/e/mapping", 200, "");
    /// Client::with_service(mock.clone()).set_mapping(&EventType::new("e"), "e").await?;
    /// assert_eq!(mock.requests()[0].json()["name"], "e");
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Debug)]
struct Route {
    method: Method,
    uri: String,
    status: StatusCode,
    body: Bytes,
    repeat: bool,
}

#[derive(Debug, Default)]
struct State {
    routes: VecDeque<Route>,
    requests: Vec<RecordedRequest>,
}

/// A tower service that answers from a script and records every request.
///
/// Routes match on method and the exact relative URI (path and query, as
/// encoded on the wire). A route added with [`on`](Self::on) answers once;
/// one added with [`always`](Self::always) answers every time. Routes are
/// tried in the order they were added. An unmatched request gets a
/// `404` whose body says which request had no route, so a test fails with
/// a clear message.
///
/// ```
/// use alooma::mock::MockService;
/// let mock = MockService::new();
/// mock.on("GET", "/inputs", 200, "{}")
///     .always("GET", "/plumbing/?resolution=1min", 200, r#"{"nodes":[]}"#);
/// assert!(mock.requests().is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct MockService {
    state: Arc<Mutex<State>>,
}

impl MockService {
    /// A mock with no routes.
    ///
    /// ```
    /// let mock = alooma::mock::MockService::new();
    /// assert_eq!(mock.pending(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add(
        &self,
        method: &str,
        uri: &str,
        status: u16,
        body: impl Into<Bytes>,
        repeat: bool,
    ) -> &Self {
        let route = Route {
            method: Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET),
            uri: uri.to_owned(),
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: body.into(),
            repeat,
        };
        self.lock().routes.push_back(route);
        self
    }

    /// Answers the next matching request once with `status` and `body`.
    ///
    /// ```
    /// let mock = alooma::mock::MockService::new();
    /// mock.on("DELETE", "/event-types/a%2Fb", 200, "");
    /// assert_eq!(mock.pending(), 1);
    /// ```
    pub fn on(&self, method: &str, uri: &str, status: u16, body: impl Into<Bytes>) -> &Self {
        self.add(method, uri, status, body, false)
    }

    /// Answers every matching request with `status` and `body`.
    ///
    /// ```
    /// let mock = alooma::mock::MockService::new();
    /// mock.always("GET", "/event-types", 200, "[]");
    /// assert_eq!(mock.pending(), 0); // repeating routes are never used up
    /// ```
    pub fn always(&self, method: &str, uri: &str, status: u16, body: impl Into<Bytes>) -> &Self {
        self.add(method, uri, status, body, true)
    }

    /// Every request received so far, in order.
    ///
    /// ```
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// use alooma::{Client, mock::MockService};
    /// let mock = MockService::new();
    /// mock.on("GET", "/event-types", 200, "[]");
    /// Client::with_service(mock.clone()).get_event_types().await?;
    /// let sent = mock.requests();
    /// assert_eq!((sent[0].method.as_str(), sent[0].uri.as_str()), ("GET", "/event-types"));
    /// assert_eq!(sent[0].operation, Some("get_event_types"));
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many one-shot routes have not been used yet.
    ///
    /// ```
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// use alooma::{Client, mock::MockService};
    /// let mock = MockService::new();
    /// mock.on("GET", "/event-types", 200, "[]").on("GET", "/event-types", 200, "[]");
    /// Client::with_service(mock.clone()).get_event_types().await?;
    /// assert_eq!(mock.pending(), 1);
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn pending(&self) -> usize {
        self.lock().routes.iter().filter(|r| !r.repeat).count()
    }

    fn answer(&self, request: Request<Bytes>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let uri = parts.uri.to_string();
        let mut state = self.lock();
        state.requests.push(RecordedRequest {
            method: parts.method.clone(),
            uri: uri.clone(),
            headers: parts.headers.clone(),
            body,
            operation: parts
                .extensions
                .get::<alooma_core::OperationMeta>()
                .map(|m| m.name),
        });
        let found = state
            .routes
            .iter()
            .position(|r| r.method == parts.method && r.uri == uri);
        let (status, body) = match found {
            Some(i) => {
                let route = &state.routes[i];
                let answer = (route.status, route.body.clone());
                if !route.repeat {
                    state.routes.remove(i);
                }
                answer
            }
            None => (
                StatusCode::NOT_FOUND,
                Bytes::from(format!(
                    "{{\"error\":\"MockService has no route for {} {uri}\"}}",
                    parts.method
                )),
            ),
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        response
    }
}

impl tower::Service<Request<Bytes>> for MockService {
    type Response = Response<Bytes>;
    type Error = BoxError;
    type Future = Ready<Result<Response<Bytes>, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        ready(Ok(self.answer(request)))
    }
}
