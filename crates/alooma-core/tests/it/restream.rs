//! Requests (insta snapshots) and decoders of the restream area.
//! Snapshots: `tests/snapshots/restream__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use crate::common::*;

use alooma_core::restream::*;
use alooma_core::structure::GetStructure;
use alooma_core::{render, Error, Operation};
use alooma_types::Structure;

fn structure(stats: &str) -> Structure {
    GetStructure
        .decode(answer(
            200,
            &format!(
                r#"{{"nodes":[{{"id":"in-1","name":"logs","type":"S3","category":"INPUT"}},
                {{"id":"re/st 1","name":"Restream","type":"RESTREAM","category":"INPUT","deleted":false,"stats":{stats}}}]}}"#
            ),
        ))
        .unwrap()
}

#[test]
fn get_restream_queue_size() {
    snapshot!(
        "get_restream_queue_size",
        render(&GetStructure.build().unwrap())
    );
    let s = structure(r#"{"throughput":0,"latency":0,"availbleForRestream":20656}"#);
    assert_eq!(restream_queue_size(&s).unwrap(), 20656);
    // The correctly spelled key is not what the server sends.
    let s = structure(r#"{"availableForRestream":3}"#);
    assert!(matches!(
        restream_queue_size(&s),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn get_restream_stats() {
    snapshot!("get_restream_stats", render(&GetStructure.build().unwrap()));
    let s = structure(r#"{"availbleForRestream":7.0}"#);
    let stats = restream_stats(&s).unwrap();
    assert_eq!(
        serde_json::to_value(&stats).unwrap(),
        serde_json::json!({"number_of_events": 7})
    );
}

#[test]
fn start_restream() {
    let s = structure(r#"{"availbleForRestream":1}"#);
    let op = StartRestream::for_structure(&s).unwrap();
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(409, "busy")),
        Err(Error::Api { .. })
    ));
    let none = GetStructure.decode(answer(200, r#"{"nodes":[]}"#)).unwrap();
    assert!(matches!(
        StartRestream::for_structure(&none),
        Err(Error::NotFound {
            operation: "start_restream",
            ..
        })
    ));
}

#[test]
fn purge_restream_queue() {
    PurgeRestreamQueue.decode(answer(200, "")).unwrap();
    assert!(matches!(
        PurgeRestreamQueue.decode(answer(504, "")),
        Err(Error::ServerTimeout { .. })
    ));
}

#[test]
fn clean_restream_queue() {
    CleanRestreamQueue.decode(answer(204, "")).unwrap();
    assert!(matches!(
        CleanRestreamQueue.decode(answer(500, "<html>error</html>")),
        Err(Error::Api { .. })
    ));
}
