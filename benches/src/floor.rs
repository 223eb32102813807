//! The floor: a bare hyper-util client with keep-alive that fetches a URL
//! and decodes the body with serde_json into the same types the SDK
//! returns, the fastest plain way (the body's UTF-8 checked once, then
//! `serde_json::from_str`, as the SDK does). No layers, no retries, no
//! timeouts, no tracing.

use bytes::Bytes;
use http::{HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;

/// Any error of the floor client.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A bare pooled hyper-util client bound to one URL.
#[derive(Debug, Clone)]
pub struct Floor {
    client: Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    auth: HeaderValue,
}

impl Floor {
    /// A floor client for `url` (sends `Authorization: API {key}` like the SDK).
    pub fn new(url: &str) -> Result<Floor, BoxError> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Floor {
            client,
            uri: url.parse()?,
            auth: HeaderValue::from_str(&format!("API {}", crate::API_KEY))?,
        })
    }

    /// `GET` the URL and decode the body into `T`.
    pub async fn get<T: DeserializeOwned>(&self) -> Result<T, BoxError> {
        let req = Request::get(self.uri.clone())
            .header(http::header::AUTHORIZATION, self.auth.clone())
            .body(Full::new(Bytes::new()))?;
        let resp = self.client.request(req).await?;
        if !resp.status().is_success() {
            return Err(format!("status {}", resp.status()).into());
        }
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(serde_json::from_str(std::str::from_utf8(&body)?)?)
    }
}
