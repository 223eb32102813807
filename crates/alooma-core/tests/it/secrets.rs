//! Requests (insta snapshots) and decoders of the secrets area.
//! Snapshots: `tests/snapshots/secrets__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{auth::SensitiveBody, secrets::*, Error, Operation};

#[test]
fn get_secrets() {
    let op = GetSecrets;
    assert_eq!(
        op.decode(answer(200, r#"["my_user", "my_password"]"#))
            .unwrap(),
        ["my_user", "my_password"]
    );
    for body in ["", "[\"a\"", "{\"a\":1}", "[1]", "<html></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn set_secrets() {
    let op = SetSecrets::new([("my_user", "example"), ("my_password", "12345678")]);
    let dbg = format!("{op:?}");
    assert!(
        !dbg.contains("12345678") && !dbg.contains("example"),
        "{dbg}"
    );
    let req = op.build().unwrap();
    assert!(req.extensions().get::<SensitiveBody>().is_some());
    op.decode(answer(204, "")).unwrap();
    assert!(matches!(
        op.decode(answer(500, "<html>x</html>")),
        Err(Error::Api { .. })
    ));
    let none: [(&str, &str); 0] = [];
    assert!(matches!(
        SetSecrets::new(none).build(),
        Err(Error::Build { .. })
    ));
}
