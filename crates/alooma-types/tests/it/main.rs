//! alooma-types' integration tests: every model against real shapes, and the corpus round trips.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;
mod metrics;
mod settings;
#[cfg(feature = "schema")]
mod substitution;
