//! alooma-mapping's integration tests: edits, properties, snapshots and the fuzz replay.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod edits;
mod fuzz_replay;
mod properties;
mod snapshots;
