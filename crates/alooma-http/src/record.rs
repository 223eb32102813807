//! The recording layer: appends each request and its answer to a cassette
//! (JSON lines, see [`alooma_core::cassette`]), every secret redacted
//! before anything touches the disk.
//!
//! It sits right under the trace layer, above the dry-run, deadline,
//! base-URL, retry and auth layers: a call is recorded once, with its
//! final answer, its path relative to the REST root, and no credential (the
//! auth layer adds them below it; a login it makes is never recorded). A
//! call that ends in an error without an answer (a timeout, a refused
//! connection, a dry run) is not recorded.
//!
//! ```
//! use alooma_http::record::RecordLayer;
//! use tower::{Layer, ServiceExt};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let path = std::env::temp_dir().join(format!("doc-cassette-{}.jsonl", std::process::id()));
//! let svc = RecordLayer::append_to(&path).unwrap().layer(tower::service_fn(|_req| async {
//!     Ok::<_, alooma_core::Error>(http::Response::new(bytes::Bytes::from_static(b"[]")))
//! }));
//! let req = http::Request::get("/event-types").body(bytes::Bytes::new()).unwrap();
//! svc.oneshot(req).await.unwrap();
//! let text = std::fs::read_to_string(&path).unwrap();
//! assert!(text.contains(r#""path":"/event-types""#));
//! # std::fs::remove_file(&path).unwrap();
//! # });
//! ```

use crate::around::{Around, AroundLayer, AroundService};
use crate::BoxFuture;
use alooma_core::cassette::Interaction;
use alooma_core::Error;
use bytes::Bytes;
use http::{Request, Response};
use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Layer that records every answered call to a cassette file.
pub type RecordLayer = AroundLayer<Cassette>;

/// Service made by [`RecordLayer`].
pub type Record<S> = AroundService<S, Cassette>;

/// The recording's hook: the cassette file every answered call is
/// appended to.
#[derive(Debug, Clone)]
pub struct Cassette {
    sink: Arc<Sink>,
}

#[derive(Debug)]
struct Sink {
    path: PathBuf,
    file: Mutex<File>,
}

impl RecordLayer {
    /// Records to `path`, appending (the file is created when missing,
    /// mode 0600 on Unix: a cassette is redacted, but holds your data).
    pub fn append_to(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path)?;
        Ok(AroundLayer::with_hook(Cassette {
            sink: Arc::new(Sink {
                path,
                file: Mutex::new(file),
            }),
        }))
    }

    /// The cassette's path.
    pub fn path(&self) -> &Path {
        &self.hook().sink.path
    }
}

impl Sink {
    fn write(&self, interaction: &Interaction) {
        let mut line = interaction.to_line();
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        // One write per line, so concurrent calls never interleave.
        if let Err(e) = file.write_all(line.as_bytes()) {
            tracing::debug!(cassette = %self.path.display(), "cassette write failed: {e}");
        }
    }
}

impl Around for Cassette {
    fn around<F>(
        &self,
        req: Request<Bytes>,
        next: impl FnOnce(Request<Bytes>) -> F,
    ) -> BoxFuture<Response<Bytes>>
    where
        F: Future<Output = Result<Response<Bytes>, Error>> + Send + 'static,
    {
        // What the cassette needs of the request: cheap clones (the body
        // is reference-counted).
        let mut seen = Request::new(req.body().clone());
        *seen.method_mut() = req.method().clone();
        *seen.uri_mut() = req.uri().clone();
        if let Some(meta) = req.extensions().get::<alooma_core::OperationMeta>() {
            seen.extensions_mut().insert(*meta);
        }
        let sink = Arc::clone(&self.sink);
        let call = next(req);
        Box::pin(async move {
            let resp = call.await?;
            sink.write(&Interaction::record(&seen, &resp));
            Ok(resp)
        })
    }
}
