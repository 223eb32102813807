//! [`Replay`]: a transport that answers from a cassette, so code that was
//! recorded once against the service (or the emulator) runs in tests
//! forever after, with no server at all.
//!
//! Record with [`ClientBuilder::record_to`](crate::ClientBuilder::record_to)
//! (or `alooma --record FILE …`); replay with
//! `Client::with_service(Replay::from_file(path)?)`. A call is matched by
//! its operation, method, path, query and body (as the cassette recorded
//! them, secrets redacted):
//!
//! - [`ReplayOrder::InOrder`] (the default): each call must be the next
//!   recorded one;
//! - [`ReplayOrder::ByContent`]: each call takes the first unused
//!   recorded answer that matches it, wherever it is.
//!
//! Each recorded answer is used once ([`Replay::repeat`] lets them be
//! used again). A call the cassette lacks fails with
//! [`Error::NotRecorded`], which names the
//! closest recorded request (in order, the one expected next) and how they
//! differ.
//!
//! Answers come back byte for byte as recorded, so typed results are the
//! same, except for secret values: the cassette never held them, and they
//! come back as the redaction placeholder.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use alooma::{Client, replay::Replay};
//! let emu = alooma_emulator::Emulator::start().await.unwrap();
//! let path = std::env::temp_dir().join(format!("replay-doc-{}.jsonl", std::process::id()));
//! let live = Client::builder()
//!     .base_url(emu.base_url()).account(emu.account()).api_key(emu.key())
//!     .record_to(&path)
//!     .build()?;
//! let recorded = live.get_event_types().await?;
//! emu.shutdown().await.unwrap();
//!
//! let replayed = Client::with_service(Replay::from_file(&path)?);
//! assert_eq!(replayed.get_event_types().await?, recorded);
//! let missing = replayed.get_inputs().await.unwrap_err();
//! assert!(missing.is_not_recorded());
//! # std::fs::remove_file(&path).unwrap();
//! # Ok::<(), alooma::Error>(())
//! # }).unwrap();
//! ```

use crate::Error;
use alooma_core::cassette::{self, Interaction};
use alooma_core::OperationMeta;
use bytes::Bytes;
use http::{Request, Response};
use std::future::{ready, Ready};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// How calls are matched to recorded answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ReplayOrder {
    /// Each call must be the next recorded one.
    #[default]
    InOrder,
    /// Each call takes the first unused matching answer.
    ByContent,
}

#[derive(Debug)]
struct State {
    interactions: Vec<Interaction>,
    used: Vec<bool>,
}

/// A transport answering from a cassette (see the [module](self) docs).
/// Clones share the cassette and what has been used of it.
#[derive(Debug, Clone)]
pub struct Replay {
    state: Arc<Mutex<State>>,
    order: ReplayOrder,
    repeat: bool,
}

impl Replay {
    /// Answers from these interactions.
    pub fn new(interactions: Vec<Interaction>) -> Self {
        let used = vec![false; interactions.len()];
        Replay {
            state: Arc::new(Mutex::new(State { interactions, used })),
            order: ReplayOrder::InOrder,
            repeat: false,
        }
    }

    /// Reads a cassette file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
            reason: format!("cannot read the cassette {}: {e}", path.display()),
        })?;
        let interactions = cassette::parse(&text).map_err(|e| Error::Config {
            reason: format!("the cassette {}: {e}", path.display()),
        })?;
        Ok(Replay::new(interactions))
    }

    /// How calls are matched (default [`ReplayOrder::InOrder`]).
    pub fn order(mut self, order: ReplayOrder) -> Self {
        self.order = order;
        self
    }

    /// Lets recorded answers be used again (a match by content may then
    /// use the same answer for every identical call).
    pub fn repeat(mut self, repeat: bool) -> Self {
        self.repeat = repeat;
        self
    }

    /// How many recorded answers have not been used.
    pub fn remaining(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.used.iter().filter(|u| !**u).count()
    }

    fn answer(&self, req: &Request<Bytes>) -> Result<Response<Bytes>, Error> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State { interactions, used } = &mut *state;
        let candidates: Vec<usize> = (0..interactions.len())
            .filter(|i| self.repeat || !used[*i])
            .collect();
        let scope: &[usize] = match self.order {
            ReplayOrder::InOrder if !self.repeat => candidates.get(..1).unwrap_or(&[]),
            _ => &candidates,
        };
        let found = scope
            .iter()
            .copied()
            .find(|i| interactions[*i].differences(req).is_empty());
        if let Some(i) = found {
            used[i] = true;
            return interactions[i].to_response().map_err(|e| Error::Config {
                reason: format!("a recorded answer cannot be rebuilt: {e}"),
            });
        }
        let operation = req
            .extensions()
            .get::<OperationMeta>()
            .map_or("request", |m| m.name);
        let asked = Interaction::record(req, &Response::new(Bytes::new()));
        // The closest: in order, the one expected next; by content, the
        // one with the fewest differences (the first on a tie).
        let closest = match self.order {
            ReplayOrder::InOrder if !self.repeat => scope
                .first()
                .map(|i| (interactions[*i].differences(req), *i)),
            _ => candidates
                .iter()
                .map(|i| (interactions[*i].differences(req), *i))
                .min_by_key(|(d, _)| d.len()),
        };
        let err = Error::NotRecorded {
            operation,
            request: asked.request_line(),
            closest: closest
                .as_ref()
                .map(|(_, i)| interactions[*i].request_line()),
            differences: closest.map(|(d, _)| d).unwrap_or_default(),
        };
        tracing::debug!(operation, "replay: {err}");
        Err(err)
    }
}

impl tower::Service<Request<Bytes>> for Replay {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = Ready<Result<Response<Bytes>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        ready(self.answer(&req))
    }
}
