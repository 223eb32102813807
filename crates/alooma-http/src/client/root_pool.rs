//! The pool of connections to the REST root's origin: nearly every request
//! goes there, so it gets a pool of its own, without hyper-util's keyed
//! pool (which hashes its key twice a call), its boxed 3.5 KB request
//! future, or its task spawned a call to hand a connection back.
//!
//! - **Checkout:** the newest idle connection that is ready; one the
//!   server closed, or idle for longer than the pool's idle timeout, is
//!   dropped on the way. None: a new connection (the client's connector:
//!   proxy-free, TLS, guarded, with its connect timeout), its HTTP/1.1
//!   handshake, and its connection task spawned on the runtime.
//! - **Hand-back:** when the answer's body has been read to its end
//!   ([`AnswerBody`]), or at once for an answer with no body. An answer
//!   dropped before its end closes its connection.
//! - **Not sent:** a request the connection gives back unsent, or one the
//!   guard refused ([`crate::connection`]), fails as never sent, as over
//!   hyper-util's pool; the retry layer sends it again.

use bytes::Bytes;
use http::{Request, Response, Uri};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};
use tower::{Service, ServiceExt};

use alooma_core::BoxError;

/// Why a request through the pool failed.
pub(crate) enum Failure {
    /// No connection: connecting or the handshake failed.
    Connect(BoxError),
    /// The connection failed the request; `unsent` when it gave the request
    /// back without writing it.
    Send { error: hyper::Error, unsent: bool },
}

/// An idle connection.
struct Idle {
    tx: SendRequest<Full<Bytes>>,
    since: Instant,
}

/// The pool; shared by every clone of the client.
pub(crate) struct RootPool<C> {
    connector: C,
    /// The origin, as the connector takes it.
    origin: Uri,
    idle: Mutex<Vec<Idle>>,
    idle_timeout: Duration,
}

/// The boxed future of one request through the pool.
pub(crate) type Sending =
    Pin<Box<dyn std::future::Future<Output = Result<Response<AnswerBody>, Failure>> + Send>>;

/// Where an answer's connection goes back (the pool, its type erased).
trait Keep: Send + Sync {
    fn hand_back(&self, tx: SendRequest<Full<Bytes>>);
}

impl<C: Send + Sync> Keep for RootPool<C> {
    /// Keeps `tx` as the newest idle connection. The oldest ones, closed
    /// or idle for too long, go first: a checkout under steady load takes
    /// the newest and never looks at them.
    fn hand_back(&self, tx: SendRequest<Full<Bytes>>) {
        if tx.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while idle.first().is_some_and(|oldest| {
            oldest.tx.is_closed()
                || now.saturating_duration_since(oldest.since) >= self.idle_timeout
        }) {
            idle.remove(0);
        }
        idle.push(Idle { tx, since: now });
    }
}

impl<C> RootPool<C>
where
    C: Service<Uri> + Clone + Send + Sync + 'static,
    C::Response: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
{
    /// A pool for `origin` (scheme and authority) over `connector`.
    pub(crate) fn new(connector: C, origin: Uri, idle_timeout: Duration) -> Self {
        RootPool {
            connector,
            origin,
            idle: Mutex::new(Vec::new()),
            idle_timeout,
        }
    }

    /// Sends `req` (its URI is the origin's) on a pooled connection.
    pub(crate) fn send(self: &Arc<Self>, mut req: Request<Full<Bytes>>) -> Sending {
        let pool = Arc::clone(self);
        Box::pin(async move {
            *req.uri_mut() = origin_form(req.uri());
            let mut tx = match pool.checkout() {
                Some(tx) => tx,
                None => pool.connect().await?,
            };
            match tx.try_send_request(req).await {
                Ok(resp) => {
                    let keep: Arc<dyn Keep> = pool;
                    Ok(resp.map(|body| AnswerBody::pooled(body, tx, keep)))
                }
                Err(mut e) => {
                    let unsent = e.take_message().is_some();
                    Err(Failure::Send {
                        error: e.into_error(),
                        unsent,
                    })
                }
            }
        })
    }

    /// The newest ready idle connection; closed and expired ones on the way
    /// are dropped, and ones not ready yet (their last answer just ended)
    /// stay, in their order (oldest first).
    fn checkout(&self) -> Option<SendRequest<Full<Bytes>>> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.is_empty() {
            return None;
        }
        let now = Instant::now();
        let mut i = idle.len();
        while i > 0 {
            i -= 1;
            let entry = &idle[i];
            if entry.tx.is_closed()
                || now.saturating_duration_since(entry.since) >= self.idle_timeout
            {
                idle.remove(i);
            } else if entry.tx.is_ready() {
                return Some(idle.remove(i).tx);
            }
        }
        None
    }

    /// A new connection, its handshake done and its task spawned.
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Failure> {
        let io = self
            .connector
            .clone()
            .oneshot(self.origin.clone())
            .await
            .map_err(|e| Failure::Connect(e.into()))?;
        let (mut tx, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| Failure::Connect(Box::new(e)))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "a pooled connection ended");
            }
        });
        tx.ready()
            .await
            .map_err(|e| Failure::Connect(Box::new(e)))?;
        Ok(tx)
    }
}

/// `uri` in origin form (its path and query), as HTTP/1.1 sends it to
/// an origin server.
fn origin_form(uri: &Uri) -> Uri {
    match uri.path_and_query() {
        Some(pq) if pq.as_str() != "/" => Uri::from(pq.clone()),
        _ => Uri::from_static("/"),
    }
}

pin_project_lite::pin_project! {
    /// The body of an answer from [`HyperClient`](super::HyperClient):
    /// hyper's, and, for an answer from the REST root's pool, the
    /// connection to hand back once the body has been read to its end.
    pub struct AnswerBody {
        #[pin]
        inner: Incoming,
        back: Option<(SendRequest<Full<Bytes>>, Arc<dyn Keep>)>,
    }
}

impl std::fmt::Debug for AnswerBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerBody")
            .field("pooled", &self.back.is_some())
            .finish_non_exhaustive()
    }
}

impl AnswerBody {
    /// A body with no connection to hand back.
    pub(crate) fn plain(inner: Incoming) -> Self {
        AnswerBody { inner, back: None }
    }

    /// A body whose connection goes back to the pool at its end (at once
    /// when there is no body).
    fn pooled(inner: Incoming, tx: SendRequest<Full<Bytes>>, keep: Arc<dyn Keep>) -> Self {
        if inner.is_end_stream() {
            keep.hand_back(tx);
            return AnswerBody::plain(inner);
        }
        AnswerBody {
            inner,
            back: Some((tx, keep)),
        }
    }
}

impl Body for AnswerBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        let ended = match &frame {
            None => true,
            Some(Ok(_)) => this.inner.is_end_stream(),
            Some(Err(_)) => {
                // A broken body: the connection is not reused.
                this.back.take();
                false
            }
        };
        if ended {
            if let Some((tx, keep)) = this.back.take() {
                keep.hand_back(tx);
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
