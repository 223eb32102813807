//! Property: any name reaches the server as exactly one path segment that
//! decodes back to the name.
#![allow(clippy::unwrap_used, clippy::panic)]

use alooma_core::{event_types::GetEventType, Operation};
use proptest::prelude::*;

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

proptest! {
    #[test]
    fn any_name_is_one_segment(name in "\\PC{1,40}") {
        let req = GetEventType::new(name.clone()).build().unwrap();
        let path = req.uri().path().to_owned();
        let rest = path.strip_prefix("/event-types/").unwrap();
        prop_assert!(!rest.contains('/'), "{rest}");
        prop_assert!(req.uri().query().is_none());
        prop_assert_eq!(percent_decode(rest), name);
    }
}
