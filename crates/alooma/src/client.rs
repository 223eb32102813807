//! [`Client`]: every Alooma operation as an async method.

use crate::transport::{into_error, HttpService};
use crate::Error;
use alooma_core::{Operation, TimeoutOverride};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// Per-call options: put them on a client with [`Client::with_options`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Overrides the per-attempt timeout of every call made through the
    /// returned client (including `set_mapping`'s own 300 s default).
    pub timeout: Option<Duration>,
}

impl CallOptions {
    /// Options with a per-attempt timeout.
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = alooma::CallOptions::timeout(Duration::from_secs(600));
    /// assert_eq!(options.timeout, Some(Duration::from_secs(600)));
    /// ```
    pub fn timeout(timeout: Duration) -> Self {
        CallOptions {
            timeout: Some(timeout),
        }
    }
}

/// The Alooma API client.
///
/// Every operation of the reference Python client is a method with the same
/// name (`get_inputs`, `set_mapping`, `discard_field` …). The client is
/// cheap to clone (clones share one connection pool, one login session and
/// one retry budget) and can be used from many tasks at once.
///
/// `Client<S>` works over any [`HttpService`]; build the default one with
/// [`Client::builder`] or [`Client::from_env`], or wrap your own service
/// (a mock, a recorder, extra tower layers) with [`Client::with_service`].
///
/// ```
/// # async fn demo() -> Result<(), alooma::Error> {
/// use alooma::{Client, mock::MockService};
/// let mock = MockService::new();
/// mock.on("GET", "/event-types", 200, r#"[{"name":"clicks"}]"#);
/// let client = Client::with_service(mock.clone());
/// let types = client.get_event_types().await?;
/// assert_eq!(types[0].name, "clicks");
/// assert_eq!(mock.requests()[0].uri, "/event-types");
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug)]
pub struct Client<S = alooma_http::Transport> {
    pub(crate) service: S,
    pub(crate) shared: Arc<Shared>,
    pub(crate) options: CallOptions,
}

impl<S: Clone> Clone for Client<S> {
    fn clone(&self) -> Self {
        Client {
            service: self.service.clone(),
            shared: Arc::clone(&self.shared),
            options: self.options.clone(),
        }
    }
}

/// State shared by every clone of a client.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    /// The account name: configured, or resolved once with `GET repository`.
    pub(crate) account: OnceCell<String>,
    /// Settings of the composite operations.
    pub(crate) settings: crate::settings::ClientSettings,
}

impl<S: HttpService> Client<S> {
    /// A client over any transport, with default settings. Requests reach
    /// `service` with URIs relative to the REST root (`/event-types`).
    ///
    /// ```
    /// use alooma::{Client, mock::MockService};
    /// let mock = MockService::new();
    /// let client = Client::with_service(mock.clone());
    /// assert!(client.service().requests().is_empty());
    /// ```
    pub fn with_service(service: S) -> Self {
        Client {
            service,
            shared: Arc::new(Shared::default()),
            options: CallOptions::default(),
        }
    }

    /// A client over any transport with the given settings of the
    /// composite operations (polling of `create_input`, concurrency of the
    /// bulk deletes).
    ///
    /// ```
    /// use alooma::{Client, ClientSettings, mock::MockService};
    /// let mut settings = ClientSettings::default();
    /// settings.bulk_concurrency = 1;
    /// let client = Client::with_service_and_settings(MockService::new(), settings);
    /// assert_eq!(client.settings().bulk_concurrency, 1);
    /// ```
    pub fn with_service_and_settings(
        service: S,
        settings: crate::settings::ClientSettings,
    ) -> Self {
        Client::from_parts(service, None, settings)
    }

    /// The settings of the composite operations, shared by every clone.
    ///
    /// ```
    /// let client = alooma::Client::with_service(alooma::mock::MockService::new());
    /// assert_eq!(client.settings().bulk_concurrency, 8);
    /// ```
    pub fn settings(&self) -> &crate::settings::ClientSettings {
        &self.shared.settings
    }

    /// A client over `service` with the given shared settings.
    pub(crate) fn from_parts(
        service: S,
        account: Option<String>,
        settings: crate::settings::ClientSettings,
    ) -> Self {
        let cell = match account {
            Some(a) => OnceCell::new_with(Some(a)),
            None => OnceCell::new(),
        };
        Client {
            service,
            shared: Arc::new(Shared {
                account: cell,
                settings,
            }),
            options: CallOptions::default(),
        }
    }

    /// The same client (sharing pool, session and budget) with per-call
    /// options applied to every call made through it.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # let et = client.get_event_type("orders").await?;
    /// use std::time::Duration;
    /// use alooma::CallOptions;
    /// client.with_options(CallOptions::timeout(Duration::from_secs(600)))
    ///     .set_mapping(&et, "orders").await?;
    /// # Ok(()) });
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Self {
        Client {
            service: self.service.clone(),
            shared: Arc::clone(&self.shared),
            options,
        }
    }

    /// The underlying transport.
    ///
    /// ```
    /// let client = alooma::Client::builder().account("acme").build()?;
    /// assert_eq!(client.service().root().account(), Some("acme"));
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn service(&self) -> &S {
        &self.service
    }

    /// Sends one operation and decodes its answer. Every method of the
    /// client is built on this; use it for operations built by hand.
    ///
    /// ```
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// use alooma::{Client, mock::MockService, core::event_types::GetEventType};
    /// let mock = MockService::new();
    /// mock.on("GET", "/event-types/a%2Fb", 200, r#"{"name":"a/b","fields":[]}"#);
    /// let et = Client::with_service(mock).send(GetEventType::new("a/b")).await?;
    /// assert_eq!(et.name, "a/b");
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn send<O: Operation>(&self, operation: O) -> Result<O::Output, Error> {
        let name = operation.meta().name;
        let mut request = operation.build()?;
        if let Some(t) = self.options.timeout {
            request.extensions_mut().insert(TimeoutOverride(t));
        }
        let response = self
            .service
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| into_error(name, e))?;
        operation.decode(response)
    }
}
