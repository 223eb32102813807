//! Helpers shared by the per-area decoder tests: canned answers and
//! checks of bodies (what every operation must pass is in `answers.rs`).
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use alooma_core::{Error, Operation};
use bytes::Bytes;

/// An answer with `status` and `body`.
pub fn answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

/// A `200 OK` answer with `body`.
pub fn ok(body: &str) -> http::Response<Bytes> {
    answer(200, body)
}

/// Each body must decode to `Error::Decode` naming the operation, never a
/// panic and never a success.
pub fn assert_decode_errors<O: Operation>(op: &O, bodies: &[&str])
where
    O::Output: std::fmt::Debug,
{
    for body in bodies {
        match op.decode(ok(body)) {
            Err(Error::Decode { operation, .. }) => assert_eq!(operation, op.meta().name),
            other => panic!("{}: {body:?} gave {other:?}", op.meta().name),
        }
    }
}

/// Each body has a value of another type at an optional key: it decodes
/// (the value is kept, `Maybe::Mistyped`), since one odd key must not fail
/// a whole answer.
pub fn assert_kept<O: Operation>(op: &O, bodies: &[&str])
where
    O::Output: std::fmt::Debug,
{
    for body in bodies {
        if let Err(e) = op.decode(ok(body)) {
            panic!(
                "{}: {body:?} should decode, keeping the odd value: {e}",
                op.meta().name
            );
        }
    }
}
