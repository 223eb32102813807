//! The body layer: collects the answer's body into [`Bytes`], enforcing the
//! maximum body size.
//!
//! A `Content-Length` over the limit fails at once, before a byte of the
//! body is read; otherwise reading stops as soon as the running total passes
//! the limit. Either way: [`Error::BodyTooLarge`]. A body that breaks off
//! (the connection closes before `Content-Length` bytes arrived) is an
//! [`Error::Transport`]. This layer sits inside the attempt timeout, so a
//! trickling body is cut by it.

use crate::meta::operation_name;
use alooma_core::{BoxError, Error};
use bytes::{Bytes, BytesMut};
use http::{Request, Response};
use http_body::Body;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tower::{Layer, Service};

/// Layer collecting response bodies of at most `limit` bytes.
#[derive(Debug, Clone, Copy)]
pub struct CollectBodyLayer {
    limit: usize,
}

impl CollectBodyLayer {
    /// Bodies of at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        CollectBodyLayer { limit }
    }
}

impl<S> Layer<S> for CollectBodyLayer {
    type Service = CollectBody<S>;
    fn layer(&self, inner: S) -> CollectBody<S> {
        CollectBody {
            inner,
            limit: self.limit,
        }
    }
}

/// Service made by [`CollectBodyLayer`].
#[derive(Debug, Clone)]
pub struct CollectBody<S> {
    inner: S,
    limit: usize,
}

pin_project_lite::pin_project! {
    /// The future of [`CollectBody`]: waits for the answer's head, then
    /// reads its body frame by frame. No box of its own; a body that comes
    /// in one frame is neither copied nor gathered in a list.
    pub struct CollectFuture<F, B> {
        #[pin]
        state: CollectState<F, B>,
        operation: &'static str,
        limit: usize,
    }
}

pin_project_lite::pin_project! {
    #[project = CollectStateProj]
    enum CollectState<F, B> {
        // Waiting for the answer's head.
        Head { #[pin] call: F },
        // Reading the body.
        Body {
            #[pin]
            body: B,
            parts: Option<http::response::Parts>,
            // The first non-empty frame, kept as it came.
            first: Option<Bytes>,
            // The frames joined, once a second one came.
            joined: Option<BytesMut>,
            total: usize,
            // The declared `Content-Length`: the joined copy's capacity.
            declared: Option<usize>,
        },
        // The answer was returned.
        Done,
    }
}

impl<F, B> std::fmt::Debug for CollectFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectFuture")
            .field("operation", &self.operation)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<F, B> Future for CollectFuture<F, B>
where
    F: Future<Output = Result<Response<B>, Error>>,
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let (operation, limit) = (*this.operation, *this.limit);
        let too_large = || Error::BodyTooLarge { operation, limit };
        let mut state = this.state;
        loop {
            match state.as_mut().project() {
                CollectStateProj::Head { call } => {
                    let resp = match ready!(call.poll(cx)) {
                        Ok(resp) => resp,
                        Err(e) => {
                            state.set(CollectState::Done);
                            return Poll::Ready(Err(e));
                        }
                    };
                    let declared = resp
                        .headers()
                        .get(http::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    if declared.is_some_and(|len| len > limit as u64) {
                        state.set(CollectState::Done);
                        return Poll::Ready(Err(too_large()));
                    }
                    let declared = declared.and_then(|len| usize::try_from(len).ok());
                    let (parts, body) = resp.into_parts();
                    state.set(CollectState::Body {
                        body,
                        parts: Some(parts),
                        first: None,
                        joined: None,
                        total: 0,
                        declared,
                    });
                }
                CollectStateProj::Body {
                    body,
                    parts,
                    first,
                    joined,
                    total,
                    declared,
                } => {
                    match ready!(body.poll_frame(cx)) {
                        Some(Ok(frame)) => {
                            let Ok(data) = frame.into_data() else {
                                continue; // trailers
                            };
                            *total += data.len();
                            if *total > limit {
                                state.set(CollectState::Done);
                                return Poll::Ready(Err(too_large()));
                            }
                            if data.is_empty() {
                                continue;
                            }
                            // The frames are slices of hyper's read buffer:
                            // the first is kept as it is; a second starts a
                            // joined copy.
                            match (joined.as_mut(), first.take()) {
                                (Some(buf), _) => buf.extend_from_slice(&data),
                                (None, None) => *first = Some(data),
                                (None, Some(head)) => {
                                    // Room for the whole body when its
                                    // length was declared: one copy.
                                    let so_far = head.len() + data.len();
                                    let room = declared.map_or(so_far, |d| d.max(so_far));
                                    let mut buf = BytesMut::with_capacity(room);
                                    buf.extend_from_slice(&head);
                                    buf.extend_from_slice(&data);
                                    *joined = Some(buf);
                                }
                            }
                        }
                        Some(Err(e)) => {
                            state.set(CollectState::Done);
                            return Poll::Ready(Err(Error::Transport {
                                operation,
                                source: e.into(),
                            }));
                        }
                        None => {
                            let body = match joined.take() {
                                Some(buf) => trimmed(buf),
                                None => first.take().unwrap_or_default(),
                            };
                            let Some(parts) = parts.take() else {
                                return Poll::Ready(Err(polled_after_done(operation)));
                            };
                            state.set(CollectState::Done);
                            return Poll::Ready(Ok(Response::from_parts(parts, body)));
                        }
                    }
                }
                CollectStateProj::Done => return Poll::Ready(Err(polled_after_done(operation))),
            }
        }
    }
}

/// The error of a future polled again after it returned.
fn polled_after_done(operation: &'static str) -> Error {
    Error::Transport {
        operation,
        source: "the body future was polled after it finished".into(),
    }
}

impl<S, B> Service<Request<Bytes>> for CollectBody<S>
where
    S: Service<Request<Bytes>, Response = Response<B>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = CollectFuture<S::Future, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        CollectFuture {
            operation: operation_name(&req),
            limit: self.limit,
            state: CollectState::Head {
                call: self.inner.call(req),
            },
        }
    }
}

/// The joined body, without the room it did not use. A body of undeclared
/// length grew by doubling, and what is decoded from a big body may keep it
/// (`alooma_core::decode::SHARE_BODY_FROM`): no slack is kept with it.
fn trimmed(buf: BytesMut) -> Bytes {
    if buf.capacity() - buf.len() <= buf.len() / 8 {
        return buf.freeze();
    }
    let mut body = Vec::from(buf);
    body.shrink_to_fit();
    Bytes::from(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Frame;
    use http_body_util::{Full, StreamBody};
    use tower::ServiceExt;

    #[test]
    fn a_joined_body_keeps_no_slack() {
        let mut buf = BytesMut::with_capacity(1 << 20);
        buf.extend_from_slice(&[b'x'; 1000]);
        let body = trimmed(buf);
        assert_eq!(body.len(), 1000);
        // What a shared body keeps: no more than it holds.
        assert_eq!(Vec::from(body).capacity(), 1000);
        let mut snug = BytesMut::with_capacity(1000);
        snug.extend_from_slice(&[b'y'; 1000]);
        assert_eq!(trimmed(snug).len(), 1000);
    }

    #[tokio::test]
    async fn collects_within_the_limit_and_refuses_beyond_it() {
        let svc = |body: &'static str, limit: usize| {
            CollectBodyLayer::new(limit).layer(tower::service_fn(
                move |_req: Request<Bytes>| async move {
                    Ok::<_, Error>(Response::new(Full::new(Bytes::from_static(
                        body.as_bytes(),
                    ))))
                },
            ))
        };
        let resp = svc("hello", 5)
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(resp.body(), "hello");
        let err = svc("hello!", 5)
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::BodyTooLarge { limit: 5, .. }));
    }

    #[tokio::test]
    async fn content_length_is_checked_before_reading() {
        // The body would never end: only the header check can answer.
        let svc =
            CollectBodyLayer::new(10).layer(tower::service_fn(|_req: Request<Bytes>| async {
                let never = StreamBody::new(futures_util::stream::pending::<
                    Result<Frame<Bytes>, BoxError>,
                >());
                Ok::<_, Error>(
                    Response::builder()
                        .header("content-length", "11")
                        .body(never)
                        .unwrap(),
                )
            }));
        let err = svc.oneshot(Request::new(Bytes::new())).await.unwrap_err();
        assert!(matches!(err, Error::BodyTooLarge { limit: 10, .. }));
    }

    #[tokio::test]
    async fn stops_reading_as_soon_as_the_limit_is_passed() {
        // An endless body without Content-Length.
        let svc =
            CollectBodyLayer::new(1000).layer(tower::service_fn(|_req: Request<Bytes>| async {
                let endless = StreamBody::new(futures_util::stream::repeat_with(|| {
                    Ok::<_, BoxError>(Frame::data(Bytes::from_static(&[b'x'; 100])))
                }));
                Ok::<_, Error>(Response::new(endless))
            }));
        let err = svc.oneshot(Request::new(Bytes::new())).await.unwrap_err();
        assert!(matches!(err, Error::BodyTooLarge { limit: 1000, .. }));
    }

    #[tokio::test]
    async fn a_broken_body_is_a_transport_error() {
        let svc =
            CollectBodyLayer::new(1000).layer(tower::service_fn(|_req: Request<Bytes>| async {
                let broken = StreamBody::new(futures_util::stream::iter(vec![
                    Ok(Frame::data(Bytes::from_static(b"{\"a\""))),
                    Err::<Frame<Bytes>, BoxError>("connection reset".into()),
                ]));
                Ok::<_, Error>(Response::new(broken))
            }));
        let err = svc.oneshot(Request::new(Bytes::new())).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err}");
    }

    #[tokio::test]
    async fn frames_are_joined_and_a_single_frame_is_not_copied() {
        static ONE: &[u8] = b"{\"one\":\"frame\"}";
        let svc = |frames: Vec<&'static [u8]>| {
            CollectBodyLayer::new(1000).layer(tower::service_fn(move |_req: Request<Bytes>| {
                let frames = frames.clone();
                async move {
                    let stream = StreamBody::new(futures_util::stream::iter(
                        frames
                            .into_iter()
                            .map(|f| Ok::<_, BoxError>(Frame::data(Bytes::from_static(f)))),
                    ));
                    Ok::<_, Error>(Response::new(stream))
                }
            }))
        };
        let resp = svc(vec![ONE])
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(resp.body().as_ptr(), ONE.as_ptr(), "one frame: no copy");
        let resp = svc(vec![b"[1,", b"", b"2,", b"3]"])
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap();
        assert_eq!(resp.body(), "[1,2,3]");
        let resp = svc(vec![])
            .oneshot(Request::new(Bytes::new()))
            .await
            .unwrap();
        assert!(resp.body().is_empty());
    }
}
