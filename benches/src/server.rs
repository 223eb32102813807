//! A fast static HTTP/1.1 server on 127.0.0.1 (hyper 1, keep-alive), run on
//! its own thread with its own single-threaded Tokio runtime, so the client
//! side under test never shares a runtime with it.
//!
//! It answers `GET {anything}/rest/{route}` with the route's fixed body and
//! `404` for anything else; it reads no request body and checks no
//! credentials.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::oneshot;

/// The routes a [`StaticServer`] answers: the part of the path after
/// `/rest/` (`event-types`, `plumbing/`) and its JSON body.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    bodies: HashMap<String, Bytes>,
}

impl Routes {
    /// No routes.
    pub fn new() -> Self {
        Routes::default()
    }

    /// Answers `…/rest/{route}` with `body`.
    pub fn with(mut self, route: &str, body: impl Into<Bytes>) -> Self {
        self.bodies.insert(route.to_owned(), body.into());
        self
    }

    fn answer(&self, path: &str) -> Response<Full<Bytes>> {
        let body = path
            .split_once("/rest/")
            .and_then(|(_, route)| self.bodies.get(route));
        let mut resp = match body {
            Some(b) => Response::new(Full::new(b.clone())),
            None => {
                let mut r =
                    Response::new(Full::new(Bytes::from_static(b"{\"error\":\"not found\"}")));
                *r.status_mut() = StatusCode::NOT_FOUND;
                r
            }
        };
        resp.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        resp
    }
}

/// A running static server; dropping it stops the server and joins its
/// thread.
#[derive(Debug)]
pub struct StaticServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Binds `127.0.0.1:0` and serves `routes` on a new thread.
    pub fn start(routes: Routes) -> std::io::Result<StaticServer> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (tx, rx) = oneshot::channel();
        let routes = Arc::new(routes);
        let thread = std::thread::Builder::new()
            .name("static-server".into())
            .spawn(move || runtime.block_on(serve(listener, routes, rx)))?;
        Ok(StaticServer {
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:{port}`, the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of `route` under the benchmark account's REST root.
    pub fn url(&self, route: &str) -> String {
        format!("{}/{}/rest/{route}", self.base_url(), crate::ACCOUNT)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: std::net::TcpListener,
    routes: Arc<Routes>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let routes = Arc::clone(&routes);
                tokio::spawn(async move {
                    let svc = service_fn(move |req: Request<Incoming>| {
                        let resp = routes.answer(req.uri().path());
                        async move { Ok::<_, Infallible>(resp) }
                    });
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        }
    }
}
