//! The facade's integration tests: every Client method against a mock transport.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod blocking;
mod client;
mod code_engine;
mod credits;
mod event_types;
mod inputs;
mod mapping;
mod metrics;
mod notifications;
mod operations;
mod outputs;
mod queries;
mod restream;
mod samples;
mod secrets;
mod settings;
mod structure;
mod system;
mod tables;
mod users;
