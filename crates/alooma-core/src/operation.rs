//! The [`Operation`] trait and the metadata ([`OperationMeta`]) that every
//! built request carries in its extensions.

use crate::Error;
use bytes::Bytes;
use std::time::Duration;

/// Whether an operation may be sent again after it may have reached the server.
///
/// A request that failed *before* anything was sent (connection refused, DNS)
/// is always retryable; this only governs failures after sending (a dropped
/// connection, a 502/503/504, a timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetrySafety {
    /// Repeating the request has the same effect as sending it once
    /// (GET, PUT, DELETE, and the POSTs that only set state).
    Idempotent,
    /// Repeating the request may do the work twice (create an input, run a
    /// query, publish a notification, schedule a query, remove an input).
    NotIdempotent,
}

impl RetrySafety {
    /// `true` for [`RetrySafety::Idempotent`].
    pub fn is_idempotent(self) -> bool {
        matches!(self, RetrySafety::Idempotent)
    }
}

/// An HTTP method the API uses. `Copy` (unlike [`http::Method`]) so that
/// [`OperationMeta`] stays a plain value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verb {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Verb {
    /// The method as [`http::Method`].
    ///
    /// ```
    /// assert_eq!(alooma_core::Verb::Put.method(), http::Method::PUT);
    /// ```
    pub fn method(self) -> http::Method {
        match self {
            Verb::Get => http::Method::GET,
            Verb::Post => http::Method::POST,
            Verb::Put => http::Method::PUT,
            Verb::Delete => http::Method::DELETE,
        }
    }

    /// The method's name (`"GET"` …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Metadata of one operation: its entry in the [registry](crate::operations),
/// inserted into every request's extensions by [`Operation::build`] so that
/// every tower layer can log and classify by it.
///
/// ```
/// use alooma_core::{Operation, OperationMeta, Verb, event_types::GetEventTypes};
/// let req = GetEventTypes.build().unwrap();
/// let meta = req.extensions().get::<OperationMeta>().unwrap();
/// assert_eq!(meta.name, "get_event_types");
/// assert_eq!((meta.verb, meta.path, meta.area), (Verb::Get, "event-types", "event_types"));
/// assert!(meta.retry.is_idempotent());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationMeta {
    /// The operation's name, the reference client's method name
    /// (`get_event_types`, `set_mapping` …).
    pub name: &'static str,
    /// Whether the request may be repeated after it may have reached the server.
    pub retry: RetrySafety,
    /// The operation's own default timeout for one attempt, when it differs
    /// from the client's (`set_mapping`: 300 s, as in the reference).
    pub timeout: Option<Duration>,
    /// The API area (the module of [`alooma_core`](crate) that holds the
    /// operation: `event_types`, `inputs` …); empty for operations declared
    /// outside this crate with [`OperationMeta::new`].
    pub area: &'static str,
    /// The HTTP method.
    pub verb: Verb,
    /// The path template under the REST root, with caller data in braces
    /// (`event-types/{name}/mapping`); empty when not declared.
    pub path: &'static str,
    /// Whether the reference client marks the operation deprecated.
    pub deprecated: bool,
    /// A one-line description.
    pub summary: &'static str,
}

impl OperationMeta {
    /// Metadata for an operation of your own (an endpoint this crate does
    /// not declare), with the client's default timeout. Add its route with
    /// [`route`](Self::route).
    pub const fn new(name: &'static str, retry: RetrySafety) -> Self {
        OperationMeta {
            name,
            retry,
            timeout: None,
            area: "",
            verb: Verb::Get,
            path: "",
            deprecated: false,
            summary: "",
        }
    }

    /// The same metadata with its own default per-attempt timeout.
    pub const fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The same metadata with its method and path template.
    ///
    /// ```
    /// use alooma_core::{OperationMeta, RetrySafety, Verb};
    /// let meta = OperationMeta::new("get_widget", RetrySafety::Idempotent)
    ///     .route(Verb::Get, "widgets/{id}");
    /// assert_eq!(meta.path, "widgets/{id}");
    /// ```
    pub const fn route(mut self, verb: Verb, path: &'static str) -> Self {
        self.verb = verb;
        self.path = path;
        self
    }

    /// The same metadata in an area (a module of this crate).
    pub const fn in_area(mut self, area: &'static str) -> Self {
        self.area = area;
        self
    }

    /// The same metadata under another name (an operation that reuses
    /// another's request under its own name, as the metrics helpers do).
    pub const fn renamed(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }
}

/// A per-call timeout override, put into a request's extensions by the
/// caller (the facade's per-call options). The transport prefers it over both
/// [`OperationMeta::timeout`] and its own default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutOverride(pub Duration);

/// One operation of the Alooma REST API, as data.
///
/// `build` turns the operation into an `http::Request<Bytes>` whose URI is
/// relative to the REST root (`/event-types/x` means
/// `{base}/{account}/rest/event-types/x`; see [`RestRoot`](crate::RestRoot)),
/// with [`OperationMeta`] in its extensions. It never does I/O. `decode`
/// turns the server's answer into a typed result or a typed [`Error`].
///
/// ```
/// use alooma_core::{Operation, event_types::GetEventType};
/// let op = GetEventType::new("web/clicks");
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/event-types/web%2Fclicks");
///
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(br#"{"name":"web/clicks","fields":[]}"#)).unwrap();
/// let et = op.decode(answer).unwrap();
/// assert_eq!(et.name, "web/clicks");
/// ```
pub trait Operation {
    /// What a successful answer decodes to.
    type Output;

    /// The operation's metadata (name, retry safety, own timeout).
    fn meta(&self) -> OperationMeta;

    /// Builds the request. Fails only on client-side validation
    /// ([`Error::Build`]); never does I/O.
    fn build(&self) -> Result<http::Request<Bytes>, Error>;

    /// Decodes the server's answer (any status) into the result or an error.
    fn decode(&self, response: http::Response<Bytes>) -> Result<Self::Output, Error>;
}

impl<O: Operation + ?Sized> Operation for &O {
    type Output = O::Output;
    fn meta(&self) -> OperationMeta {
        (**self).meta()
    }
    fn build(&self) -> Result<http::Request<Bytes>, Error> {
        (**self).build()
    }
    fn decode(&self, response: http::Response<Bytes>) -> Result<Self::Output, Error> {
        (**self).decode(response)
    }
}
