//! A synchronous client for scripts (feature `blocking`).
//!
//! [`blocking::Client`](Client) owns a multi-thread Tokio runtime and an
//! async [`alooma::Client`](crate::Client). It has every method of the
//! async client under the same name and arguments (declared once, in the
//! facade's area modules), each run to completion on that runtime;
//! [`send`](Client::send) runs any operation and [`call`](Client::call) any
//! async code built on the client.
//!
//! ```no_run
//! let alooma = alooma::blocking::Client::from_env()?;
//! let event_types = alooma.get_event_types()?;
//! let mut clicks = alooma.get_mapping("clicks")?;
//! alooma.discard_field(&mut clicks, "debug.trace")?;
//! alooma.set_mapping(&clicks, "clicks")?;
//! let modules = alooma.call(|c| async move { c.get_code_engine_code().await })?;
//! # let _ = (event_types, modules);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Not inside async code
//!
//! Do not use the blocking client from async code (a `#[tokio::main]`
//! function, a spawned task): blocking a runtime's worker thread stalls every
//! task on it. Creating the client, or calling [`call`](Client::call), while
//! a Tokio runtime is current returns an [`Error::Config`] instead of
//! panicking (this includes `tokio::task::spawn_blocking` closures, where a
//! runtime is current too); use the async client there. Dropping the client is always
//! safe, even inside a runtime (its runtime is then shut down in the
//! background instead of being waited for).

use crate::{ClientBuilder, Error, HttpService};
use alooma_http::Transport;
use std::future::Future;
use std::sync::Arc;
use tokio::runtime::{Handle, Runtime};
use tower::Layer;

/// A synchronous Alooma client: an async [`crate::Client`] and the runtime
/// that drives it.
///
/// Cheap to clone: clones share the runtime, the connection pool, the login
/// session and the retry budget. See the [module docs](self).
///
/// ```
/// use alooma::{blocking, mock::MockService};
/// let mock = MockService::new();
/// mock.on("GET", "/event-types", 200, r#"[{"name":"clicks"}]"#);
/// let alooma = blocking::Client::with_service(mock)?;
/// let types = alooma.call(|c| c.get_event_types())?;
/// assert_eq!(types[0].name, "clicks");
/// # Ok::<(), alooma::Error>(())
/// ```
#[derive(Debug)]
pub struct Client<S = Transport> {
    // Declared first so the async client (and its connections) is dropped
    // before the runtime.
    inner: crate::Client<S>,
    runtime: Arc<OwnedRuntime>,
}

impl<S: Clone> Clone for Client<S> {
    fn clone(&self) -> Self {
        Client {
            inner: self.inner.clone(),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// A runtime that can be dropped anywhere.
#[derive(Debug)]
struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            if Handle::try_current().is_ok() {
                // Dropping a runtime normally blocks, which panics inside
                // another runtime: shut it down without waiting instead.
                runtime.shutdown_background();
            } else {
                drop(runtime);
            }
        }
    }
}

impl OwnedRuntime {
    fn runtime(&self) -> Result<&Runtime, Error> {
        self.0.as_ref().ok_or_else(|| Error::Config {
            reason: "the blocking client's runtime is gone".into(),
        })
    }
}

/// Refuses to block inside a running Tokio runtime.
fn not_in_async(what: &str) -> Result<(), Error> {
    if Handle::try_current().is_ok() {
        return Err(Error::Config {
            reason: format!(
                "{what} inside an async context (a Tokio runtime is running on this thread); use the async alooma::Client there"
            ),
        });
    }
    Ok(())
}

fn new_runtime() -> Result<Runtime, Error> {
    not_in_async("the blocking client cannot be created")?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("alooma-blocking")
        .enable_all()
        .build()
        .map_err(|e| Error::Config {
            reason: format!("could not start the blocking client's Tokio runtime: {e}"),
        })
}

impl Client {
    /// A builder for the async client; finish it with
    /// [`Client::from_builder`] (or [`ClientBuilder::build_blocking`]).
    ///
    /// ```
    /// let alooma = alooma::blocking::Client::builder()
    ///     .account("acme")
    ///     .api_key("k")
    ///     .build_blocking()?;
    /// # drop(alooma);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A blocking client configured from the `ALOOMA_*` environment
    /// variables (see [`ClientBuilder::from_env`]). No network I/O.
    ///
    /// ```no_run
    /// let alooma = alooma::blocking::Client::from_env()?;
    /// println!("{}", alooma.call(|c| c.get_account_name())?);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Client::from_builder(ClientBuilder::from_env()?)
    }
}

impl<S: HttpService> Client<S> {
    /// A blocking client from a configured builder. No network I/O.
    ///
    /// ```
    /// let builder = alooma::Client::builder().base_url("http://127.0.0.1:9");
    /// let alooma = alooma::blocking::Client::from_builder(builder)?;
    /// # drop(alooma);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn from_builder<L>(builder: ClientBuilder<L>) -> Result<Self, Error>
    where
        L: Layer<Transport, Service = S>,
    {
        let runtime = new_runtime()?;
        // The transport is built inside the runtime's context, in case it
        // needs a handle.
        let inner = {
            let _guard = runtime.enter();
            builder.build()?
        };
        Ok(Client {
            inner,
            runtime: Arc::new(OwnedRuntime(Some(runtime))),
        })
    }

    /// A blocking client over any transport (a mock, your own stack).
    ///
    /// ```
    /// let alooma = alooma::blocking::Client::with_service(alooma::mock::MockService::new())?;
    /// # drop(alooma);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn with_service(service: S) -> Result<Self, Error> {
        Client::from_async(crate::Client::with_service(service))
    }

    /// A blocking client around an existing async client (sharing its
    /// pool, session and budget).
    ///
    /// ```
    /// let client = alooma::Client::with_service(alooma::mock::MockService::new());
    /// let alooma = alooma::blocking::Client::from_async(client)?;
    /// # drop(alooma);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn from_async(client: crate::Client<S>) -> Result<Self, Error> {
        Ok(Client {
            inner: client,
            runtime: Arc::new(OwnedRuntime(Some(new_runtime()?))),
        })
    }

    /// The async client inside.
    ///
    /// ```
    /// let alooma = alooma::blocking::Client::with_service(alooma::mock::MockService::new())?;
    /// let async_client: alooma::Client<_> = alooma.client().clone();
    /// # drop(async_client);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn client(&self) -> &crate::Client<S> {
        &self.inner
    }

    /// Runs one call of the async client to completion and returns its result.
    ///
    /// `f` receives the async client and returns the future of any of its
    /// methods. Inside an async context this returns [`Error::Config`]
    /// instead of blocking.
    ///
    /// ```
    /// use alooma::{blocking, mock::MockService};
    /// let mock = MockService::new();
    /// mock.on("GET", "/event-types/web%2Fclicks", 200, r#"{"name":"web/clicks","fields":[]}"#);
    /// let alooma = blocking::Client::with_service(mock)?;
    /// let et = alooma.call(|c| c.get_event_type("web/clicks"))?;
    /// assert_eq!(et.name, "web/clicks");
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn call<'a, F, Fut, T>(&'a self, f: F) -> Result<T, Error>
    where
        F: FnOnce(&'a crate::Client<S>) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.block_on(f(&self.inner))?
    }

    /// Sends one operation and decodes its answer: [`Client::send`](crate::Client::send),
    /// run to completion.
    ///
    /// ```no_run
    /// # fn demo(alooma: alooma::blocking::Client) -> Result<(), alooma::Error> {
    /// use alooma::core::event_types::GetEventType;
    /// let et = alooma.send(GetEventType::new("clicks"))?;
    /// # let _ = et; Ok(()) }
    /// ```
    pub fn send<O: alooma_core::Operation>(&self, operation: O) -> Result<O::Output, Error> {
        self.block_on(self.inner.send(operation))?
    }

    /// Runs any future to completion on the client's runtime (for work
    /// that is not a single call: several calls joined, a loop). Inside an
    /// async context this returns [`Error::Config`] instead of blocking.
    ///
    /// ```
    /// use alooma::{blocking, mock::MockService};
    /// let alooma = blocking::Client::with_service(MockService::new())?;
    /// let n = alooma.block_on(async { 41 + 1 })?;
    /// assert_eq!(n, 42);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        not_in_async("the blocking client cannot be used")?;
        Ok(self.runtime.runtime()?.block_on(future))
    }
}

impl<L> ClientBuilder<L> {
    /// Builds a [`blocking::Client`](Client) (feature `blocking`). No
    /// network I/O.
    ///
    /// ```
    /// let alooma = alooma::Client::builder()
    ///     .base_url("http://127.0.0.1:9")
    ///     .build_blocking()?;
    /// # drop(alooma);
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn build_blocking(self) -> Result<Client<L::Service>, Error>
    where
        L: Layer<Transport>,
        L::Service: HttpService,
    {
        Client::from_builder(self)
    }
}
