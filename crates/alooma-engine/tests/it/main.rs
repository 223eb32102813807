//! alooma-engine's integration tests: the Code Engine runner against a
//! real CPython (`python3`, or `ALOOMA_PYTHON`), and the Mapper.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod flow;
mod mapper;
mod postgres;
mod runner;
mod warehouse;
