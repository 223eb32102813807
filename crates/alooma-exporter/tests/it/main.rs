//! The exporter against the emulator, over loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod exposition;
