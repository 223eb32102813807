//! The emulator's integration tests, over loopback.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod auth;
mod common;
mod errors;
mod faults;
mod seed;
mod shapes;
mod state_chains;
