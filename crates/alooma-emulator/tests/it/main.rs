//! The emulator's integration tests, over loopback.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod chaos;
mod common;
mod errors;
mod faults;
mod fidelity;
mod isolation;
mod journal;
mod persistence;
mod seed;
mod shapes;
mod state_chains;
mod transitions;
mod web;
