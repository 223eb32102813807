//! `alooma-emulator`: an in-memory, stateful Alooma REST API server for
//! offline development and tests (think moto for boto).
//!
//! It is a real HTTP/1.1 server on 127.0.0.1 (hyper 1) that answers every
//! operation of the wire contract under `/{account}/rest/` and `/rest/`,
//! with the service's response shapes and state that behaves like the
//! service: inputs created appear in the structure, mappings set are read
//! back, dropped tables are gone, and so on.
//!
//! ```no_run
//! # async fn demo() -> Result<(), alooma_emulator::EmulatorError> {
//! use alooma_emulator::{Emulator, Fault, Seed};
//! let emu = Emulator::builder().account("acme").api_key("KEY").seed(Seed::demo()).start().await?;
//! // Point a client at emu.base_url() with account "acme" and key "KEY".
//! emu.inject(Fault::drop_connection().path("plumbing"));
//! # Ok(()) }
//! ```
//!
//! Behaviour worth knowing:
//! - **Auth**: `Authorization: API <key>` or a session cookie from
//!   `POST login` (see [`auth`]). A wrong key, no credentials, wrong login,
//!   or an **account in the path other than the configured one answers
//!   401** (the reference client reports "Invalid key or check account
//!   name"). `POST login` is the only endpoint without auth.
//! - **Independent of the SDK, on purpose**: what it stores and what
//!   clients send are its own serde structs ([`model`]), not `alooma-types`,
//!   so a mistake in the SDK's models is caught by the emulator instead of
//!   shared with it. Keys it does not reason about are kept as sent.
//! - **Routes** are a declarative table (each area module declares its
//!   own; [`routes`] lists them). Each path segment is percent-decoded
//!   exactly once (`event-types/a%2Fb` is the event type `a/b`); a trailing
//!   `/` is ignored. A known path under another method answers 405 with an
//!   `Allow` header; an unknown path 404, with a JSON error body
//!   `{"status", "error", "message"}`.
//! - **Bodies**: malformed JSON, and JSON that does not fit the operation's
//!   body, answer 400 naming the JSON path; bodies over the limit (64 MiB
//!   by default) answer 413; a body that does not arrive in time, 408.
//!   Nothing a client sends can crash the server.
//! - **Transforms are never executed**: test runs answer the sample
//!   unchanged (or `null` for exactly the event-dropping transform).
//! - **Metrics** are deterministic series: `from=-Nmin&resolution=Mmin`
//!   gives `ceil(N/M)` points per name, every fourth point (`i % 4 == 3`)
//!   is `null`; unknown metric names answer 400.
//! - **Seeds**: [`Seed`] documents the JSON fixture format; the demo seed
//!   is `data/demo_seed.json`.
//! - **Faults and the admin API**: see [`faults`] and [`admin`].
#![forbid(unsafe_code)]

pub mod admin;
pub mod auth;
pub mod faults;
pub mod journal;
pub mod persist;
pub mod seed;
pub mod state;
pub mod transitions;

mod account;
pub(crate) mod clock;
mod code_engine;
mod emulator;
mod error;
mod event_types;
mod inputs;
mod metrics;
pub mod model;
pub(crate) mod notifications;
mod queries;
mod reply;
mod router;
mod samples;
mod secrets;
mod server;
mod settings;
mod structure;
mod tables;
mod web;

pub use clock::Clock;
pub use emulator::{
    serve, serve_with, AccountConfig, Emulator, EmulatorBuilder, EmulatorConfig, DEFAULT_ACCOUNT,
    DEFAULT_API_KEY, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PASSWORD, DEFAULT_USERNAME,
};
pub use error::EmulatorError;
pub use faults::{Fault, FaultKind};
pub use journal::{Expect, JournalFilter, RequestRecord, VerifyError};
pub use persist::Snapshot;
pub use router::{operations, routes};
pub use seed::Seed;
pub use state::{InputMeta, State, Table};
pub use transitions::Transitions;
