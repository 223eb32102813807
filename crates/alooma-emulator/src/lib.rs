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
//! - **Layout**: a [`domain`] (the account's state, seeds, cassettes,
//!   transitions, persistence, the Code Engine; no HTTP) under an [`http`]
//!   front (server, router, one handler module per area, admin API, web
//!   page, journal, faults). The domain never imports the front.
//! - **Routes** are a declarative table (each area's handler module
//!   declares its own; [`routes`] lists them). Each path segment is percent-decoded
//!   exactly once (`event-types/a%2Fb` is the event type `a/b`); a trailing
//!   `/` is ignored. A known path under another method answers 405 with an
//!   `Allow` header; an unknown path 404, with a JSON error body
//!   `{"status", "error", "message"}`.
//! - **Bodies**: malformed JSON, and JSON that does not fit the operation's
//!   body, answer 400 naming the JSON path; bodies over the limit (64 MiB
//!   by default) answer 413; a body that does not arrive in time, 408.
//!   Nothing a client sends can crash the server.
//! - **Transforms run for real**: test runs execute the deployed (or
//!   given) modules in CPython through `alooma_engine`, as the service
//!   did; [`CodeExecution::disabled`] turns that off (test runs then
//!   answer 501).
//! - **Metrics** are deterministic series: `from=-Nmin&resolution=Mmin`
//!   gives one point per step over the window, both ends included
//!   (`floor(N/M) + 1`: a 60-minute window at 60-minute resolution gives
//!   two, as clients index them); every fourth point (`i % 4 == 3`) is
//!   `null`; unknown metric names answer 400.
//! - **Notifications**: `from=` is epoch seconds as documented, or epoch
//!   milliseconds as real scripts sent: a value above 10^11 (the year 5138
//!   in seconds) is read as milliseconds.
//! - **Scheduled queries** are answered in the service's v2 shape:
//!   `event_type`, `query_type` (the client's, `default` when none),
//!   `schedule`, `is_active`, `consolidation_query` … at the top level,
//!   with the v1 `configuration` object beside them; `?event_type=`
//!   filters both listings.
//! - **Seeds**: [`Seed`] documents the JSON fixture format; the demo seed
//!   is `data/demo_seed.json`.
//! - **Faults and chaos** ([`faults`]): by operation, account, method or
//!   path, with a probability and a seed that repeat exactly; statuses with
//!   the service's error body, fixed or log-normal latency, dropped
//!   connections, truncated bodies.
//! - **The request journal** ([`journal`]): every request with its
//!   operation name and its body, secrets redacted; filters, and
//!   [`Emulator::verify`] with an [`Expect`].
//! - **State over time** ([`transitions`]): inputs start, the restream
//!   queue drains, scheduled queries run, by the emulator's [`Clock`]
//!   (a test clock moves only when told).
//! - **Persistence** ([`persist`]): a versioned state file loaded at start
//!   and saved at shutdown, snapshots and restore.
//! - **Isolation**: several accounts in one emulator
//!   ([`EmulatorBuilder::add_account`]), each with its own key and state;
//!   nothing is global, so emulators run side by side in one test.
//! - **The admin API and web page**: see [`admin`].
#![forbid(unsafe_code)]

pub mod domain;
pub mod http;

mod emulator;
mod error;

// The domain's and the front's public modules, at the paths they had
// before the split.
pub use domain::{cassette, model, persist, seed, state, transitions};
pub use http::{admin, auth, faults, journal};

pub use domain::clock::Clock;
pub use domain::code::CodeExecution;
pub use emulator::{
    serve, serve_with, AccountConfig, Emulator, EmulatorBuilder, EmulatorConfig, DEFAULT_ACCOUNT,
    DEFAULT_API_KEY, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PASSWORD, DEFAULT_USERNAME,
};
pub use error::EmulatorError;
pub use faults::{Fault, FaultKind};
pub use http::router::{operation_areas, operations, routes};
pub use journal::{Expect, JournalFilter, RequestRecord, VerifyError};
pub use persist::Snapshot;
pub use seed::Seed;
pub use state::{InputMeta, State, Table};
pub use transitions::Transitions;

/// The README's example, compiled and run as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
