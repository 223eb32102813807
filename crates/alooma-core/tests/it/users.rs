//! Requests (insta snapshots) and decoders of the users area.
//! Snapshots: `tests/snapshots/users__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{users::*, Error, Operation};

#[test]
fn get_users() {
    let op = GetUsers;
    let users = op
        .decode(answer(
            200,
            include_str!("../../../alooma-types/tests/fixtures/users/get_users.json"),
        ))
        .unwrap();
    assert_eq!(users.len(), 2);
    assert_eq!(users[1].email, "user2@example.com");
    assert_eq!(users[0].is_pending.get().map(|p| *p.get()), Some(false));
    for body in ["", "[{\"email\":", "{}", "<html>login</html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(
        op.decode(answer(403, "")),
        Err(Error::Auth { .. })
    ));
}

#[test]
fn odd_values_are_kept() {
    assert_kept(&GetUsers, &["[{\"email\":\"a@b\",\"first_name\":5}]"]);
}
