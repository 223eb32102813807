//! The emulated account, apart from HTTP: its state and records, how the
//! state is seeded (from a seed or a cassette), how it moves over time,
//! how it persists, and the Code Engine it runs code on.
//!
//! Nothing here knows a request or a status code; the HTTP front
//! ([`crate::http`]) parses requests, calls into this domain and answers.
//! The modules form a DAG: `model`, `clock`, `params`, `code` and
//! `queries` are leaves (or over `model`); `state` over those;
//! `transitions` (the rules) under `state`, `advance` (moving by them) over
//! it; `seed` over `state` and `advance`; `cassette` over `seed`; `persist`
//! over `state`.

pub(crate) mod account_data;
pub(crate) mod advance;
pub mod cassette;
pub mod catalog;
pub mod clock;
pub mod code;
pub mod data;
pub mod model;
pub(crate) mod params;
pub mod persist;
pub(crate) mod queries;
pub mod seed;
pub mod state;
pub mod transitions;
