//! Alooma's data path without HTTP.
//!
//! This crate holds what the service did to events, so that the emulator
//! (its HTTP front) and the command line (offline) run the same code:
//!
//! - [`code_engine`]: the **Code Engine runner**. Users' transforms run in
//!   a real CPython interpreter (`python3`, or `ALOOMA_PYTHON`), in
//!   long-lived worker processes fed in batches. A dict continues, `None`
//!   drops the event, a list splits it, an exception is an error carrying
//!   the module's traceback; a per-event time limit and a memory limit
//!   replace a worker that hangs, crashes or grows, and the next event
//!   runs on a fresh one.
//!
//! - [`mapper`]: the **Mapper**. Events become rows of their event
//!   type's table by its mapping (STRICT, FLEXIBLE, AUTO_MAP), are dropped
//!   by a rule, or wait in the Restream Queue with the reason; event types
//!   learn the union of their fields, auto-mapping names and types new
//!   columns, and values convert to their columns' types on load.
//!
//! - [`warehouse`]: the **warehouse**, a real database the rows load
//!   into (embedded SQLite; a schema is an attached database), each event
//!   once per `@uuid`, one transaction a batch.
//!
//! - [`intake`], [`restream`] and [`flow`]: events stamped with their
//!   `_metadata`, run through the Code Engine, the Mapper and into the
//!   warehouse by a [`flow::DataPath`]; whatever does not load waits in the
//!   Restream Queue with its reason until a restream.
//!
//! Like the emulator, the crate keeps its own models (events are
//! `serde_json` objects) and does not depend on the SDK's crates: the SDK
//! is checked against an independent implementation.
//!
//! # Choices where the service's behaviour is unknown
//!
//! The service's documentation is silent on a few points; this crate
//! chooses, and says so here:
//!
//! - **Time and memory.** Each event may run for
//!   [`Config::time_limit`](code_engine::Config::time_limit) (5 s by
//!   default); a worker's address space is capped at
//!   [`Config::memory_limit_mb`](code_engine::Config::memory_limit_mb)
//!   (1 GiB by default). Past either, the event fails with an error
//!   naming the cause and the worker is replaced.
//! - **Prints.** What the transform prints to `sys.stdout` is the run's
//!   `output`; what it writes to standard error is discarded.
//! - **Results.** A value JSON cannot carry (`NaN`, `bytes`, a `datetime`)
//!   fails the event with the `json` module's message, rather than being
//!   changed silently; a result that is not a dict, a list of dicts or
//!   `None` fails it too. An empty list drops the event.
//! - **Python 2.** The harness runs on 2.7 as well as 3.x, for accounts
//!   whose code predates Python 3; which one the service ran is not known.
//! - **Numbers.** Events cross to Python and back as JSON read by
//!   `serde_json`: an integer beyond 64 bits is read as a float, as the
//!   rest of the SDK reads it.
//! - **Memory.** A `MemoryError` the transform raises fails its event and
//!   the worker goes on; a worker the limit (or the kernel) kills is
//!   replaced.
//!
//! ```no_run
//! use alooma_engine::code_engine::{CodeEngine, Config, Modules};
//! let engine = CodeEngine::new(Config::default());
//! let run = engine.test_run(
//!     &Modules::main("def transform(event):\n    print('hi')\n    return None\n"),
//!     serde_json::json!({"id": 1}),
//! )?;
//! assert_eq!(run.output, "hi\n");
//! # Ok::<(), alooma_engine::EngineError>(())
//! ```
#![forbid(unsafe_code)]

pub mod code_engine;
mod error;
pub mod flow;
pub mod intake;
pub mod mapper;
pub mod restream;
pub mod warehouse;

pub use error::EngineError;
