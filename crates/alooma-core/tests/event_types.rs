//! Requests (insta snapshots) and decoders of the event-types area.
//! Snapshots: `tests/snapshots/event_types__<operation>.snap`.

use alooma_core::{event_types::*, render, Error, Operation};
use bytes::Bytes;

fn ok(body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

const EVENT_TYPE: &str =
    include_str!("../../alooma-types/tests/fixtures/event_types/get_event_type.json");

#[test]
fn get_event_types() {
    let op = GetEventTypes;
    insta::assert_snapshot!("get_event_types", render(&op.build().unwrap()));
    let list = op.decode(ok(&format!("[{EVENT_TYPE}]"))).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "MyEventType");
}

#[test]
fn get_event_type() {
    let op = GetEventType::new("web/clicks?v=2 #1");
    insta::assert_snapshot!("get_event_type", render(&op.build().unwrap()));
    let et = op.decode(ok(EVENT_TYPE)).unwrap();
    assert_eq!(et.extra["state"], "MAPPED");
    assert!(matches!(
        op.decode(ok("{\"fields\":[]}")),
        Err(Error::Decode { .. })
    ));
}
