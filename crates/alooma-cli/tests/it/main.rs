//! The alooma command's integration tests, with the real binary.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod call;
mod cli;
mod common;
mod dependencies;
mod ecosystem;
mod offline;
mod pipeline;
mod processes;
mod run;
mod secrets;
