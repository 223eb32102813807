//! Requests (insta snapshots) and decoders of the users area.
//! Snapshots: `tests/snapshots/users__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use alooma_core::{render, users::*, Error, Operation};
use bytes::Bytes;

fn resp(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

#[test]
fn get_users() {
    let op = GetUsers;
    insta::assert_snapshot!("get_users", render(&op.build().unwrap()));
    let users = op
        .decode(resp(
            200,
            include_str!("../../alooma-types/tests/fixtures/users/get_users.json"),
        ))
        .unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1].email, "user2@example.com");
    assert_eq!(users[0].is_pending, Some(false));
    for body in [
        "",
        "[{\"email\":",
        "[{\"first_name\":null}]",
        "{}",
        "<html>login</html>",
    ] {
        assert!(
            matches!(op.decode(resp(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(op.decode(resp(403, "")), Err(Error::Auth { .. })));
}
