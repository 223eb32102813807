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
use crate::BoxFuture;
use alooma_core::{BoxError, Error};
use bytes::{Bytes, BytesMut};
use http::{Request, Response};
use http_body::Body;
use http_body_util::BodyExt;
use std::task::{Context, Poll};
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

impl<S, B> Service<Request<Bytes>> for CollectBody<S>
where
    S: Service<Request<Bytes>, Response = Response<B>, Error = Error> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = BoxFuture<Response<Bytes>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        let operation = operation_name(&req);
        let limit = self.limit;
        let call = self.inner.call(req);
        Box::pin(async move {
            let resp = call.await?;
            let too_large = Error::BodyTooLarge { operation, limit };
            let declared = resp
                .headers()
                .get(http::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            if let Some(len) = declared {
                if len > limit as u64 {
                    return Err(too_large);
                }
            }
            let (parts, body) = resp.into_parts();
            // The frames are slices of hyper's read buffer: keep them (no
            // copy) and join them once at the end; a body that came in one
            // frame is not copied at all.
            let mut frames: Vec<Bytes> = Vec::new();
            let mut total = 0usize;
            let mut body = std::pin::pin!(body);
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| Error::Transport {
                    operation,
                    source: e.into(),
                })?;
                if let Ok(data) = frame.into_data() {
                    total += data.len();
                    if total > limit {
                        return Err(too_large);
                    }
                    if !data.is_empty() {
                        frames.push(data);
                    }
                }
            }
            let body = match frames.len() {
                0 => Bytes::new(),
                1 => frames.pop().unwrap_or_default(),
                _ => {
                    let mut buf = BytesMut::with_capacity(total);
                    for frame in frames.drain(..) {
                        buf.extend_from_slice(&frame);
                    }
                    buf.freeze()
                }
            };
            Ok(Response::from_parts(parts, body))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Frame;
    use http_body_util::{Full, StreamBody};
    use tower::ServiceExt;

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
