//! End-to-end tests: every operation against the emulator, over loopback.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod cassettes;
mod code_engine;
mod coverage;
mod credits;
mod event_types;
mod faults;
mod inputs;
mod intake;
mod mapping;
mod metrics;
mod notifications;
mod outputs;
mod queries;
mod recipe;
mod restream;
mod samples;
mod scenarios;
mod secrets;
mod settings;
mod structure;
mod system;
mod tables;
mod users;
