//! alooma-core's integration tests: every operation's request (insta snapshots, from the registry) and decoder.
//!
//! One integration-test binary for the crate (one link, one process): each
//! module below was its own test file.

// Integration tests: unwrap, expect and panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Asserts the snapshot `tests/snapshots/{module}__{name}.snap` (the
/// module is the API area).
macro_rules! snapshot {
    ($name:expr, $value:expr $(,)?) => {{
        let module = module_path!().rsplit("::").next().unwrap_or_default();
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{module}__{}", $name), $value);
        });
    }};
}

mod answers;
mod code_engine;
mod common;
mod credits;
mod encoding;
mod event_types;
mod inputs;
mod metrics;
mod notifications;
#[cfg(feature = "schema")]
mod openapi;
mod outputs;
mod queries;
mod registry;
mod restream;
mod samples;
mod secrets;
mod settings;
mod snapshots;
mod structure;
mod tables;
mod users;
