//! Wrap the default transport in your own tower layer: here one that counts
//! requests per operation and logs how long each call took.
//!
//! ```sh
//! ALOOMA_ACCOUNT=acme ALOOMA_API_KEY=… cargo run -p alooma --example custom_layer
//! ```
//!
//! Layers added with `ClientBuilder::layer` see operation-relative requests
//! (`/event-types`) with the operation's `OperationMeta` in their
//! extensions, and fully collected responses; they sit outside the
//! transport's own retry, auth and timeout layers, so they see each call
//! once, whatever happened underneath.
#![allow(clippy::print_stdout)] // An example's job is to print.

use alooma::core::OperationMeta;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::{Request, Response};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

/// Requests counted per operation name, shared by every clone.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<BTreeMap<&'static str, usize>>>);

/// The layer: wraps a service in [`Counting`].
#[derive(Clone)]
struct CountingLayer(Counts);

impl<S> tower::Layer<S> for CountingLayer {
    type Service = Counting<S>;
    fn layer(&self, inner: S) -> Counting<S> {
        Counting {
            inner,
            counts: self.0.clone(),
        }
    }
}

/// The service: counts, times and forwards every request.
#[derive(Clone)]
struct Counting<S> {
    inner: S,
    counts: Counts,
}

impl<S> tower::Service<Request<Bytes>> for Counting<S>
where
    S: tower::Service<Request<Bytes>, Response = Response<Bytes>>,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<Bytes>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let name = request
            .extensions()
            .get::<OperationMeta>()
            .map_or("unknown", |m| m.name);
        if let Ok(mut counts) = self.counts.0.lock() {
            *counts.entry(name).or_default() += 1;
        }
        let started = Instant::now();
        let call = self.inner.call(request);
        Box::pin(async move {
            let result = call.await;
            let status = result.as_ref().map(|r| r.status().as_u16()).ok();
            println!("{name}: {status:?} in {:?}", started.elapsed());
            result
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let counts = Counts::default();
    let client = alooma::ClientBuilder::from_env()?
        .layer(CountingLayer(counts.clone()))
        .build()?;

    let event_types = client.get_event_types().await?;
    println!("{} event types", event_types.len());
    if let Some(first) = event_types.first() {
        let et = client.get_event_type(&first.name).await?;
        println!("{}: {} top-level fields", et.name, et.fields().len());
    }

    let counts = counts.0.lock().map_err(|_| "poisoned")?;
    for (operation, n) in counts.iter() {
        println!("{operation}: {n} call(s)");
    }
    Ok(())
}
