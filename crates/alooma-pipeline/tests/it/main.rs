//! Integration tests of alooma-pipeline against the emulator, in-process
//! over loopback.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod files;
mod properties;
mod run;
mod scenarios;
