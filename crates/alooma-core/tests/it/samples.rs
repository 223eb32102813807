//! Requests (insta snapshots) and decoders of the samples area.
//! Snapshots: `tests/snapshots/samples__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::*;

use alooma_core::{samples::*, Operation};
use serde_json::json;

const MALFORMED: &[&str] = &[
    "",
    "{\"VALID\": \"Va",
    "<html><body>502 Bad Gateway</body></html>",
    "null",
    "17",
];

const STATUS_CODES: &str =
    include_str!("../../../alooma-types/tests/fixtures/status_codes/get_samples_status_codes.json");

#[test]
fn get_samples() {
    let all = GetSamples::new();
    let filtered = GetSamples::new()
        .event_type("web/clicks & more")
        .statuses(["NO_MAPPING", "DROP"]);
    assert_eq!(
        filtered.build().unwrap().uri(),
        "/samples?eventType=web%2Fclicks%20%26%20more&status=NO_MAPPING&status=DROP"
    );
    let samples = all
        .decode(ok(&json!([
            {"eventType": "clicks", "status": "VALID", "sample": {"id": 1, "url": "/"}, "inputLabel": "web"},
            {"eventType": "clicks", "status": "DROP", "sample": {"id": 2}}
        ])
        .to_string()))
        .unwrap();
    assert_eq!(samples.len(), 2);
    assert_eq!(samples[0].event()["url"], "/");
    assert_eq!(samples[0].extra["inputLabel"], "web");
    assert_eq!(samples[1].status.as_deref(), Some("DROP"));
    assert_decode_errors(&all, MALFORMED);
    assert_decode_errors(&all, &["{\"sample\": {}}"]);
    assert_kept(&all, &["[{\"eventType\": 7}]"]);
}

/// wire.md defect 2: with status codes but no event type the reference
/// builds `samples&status=…` (no `?`), and never encodes query values.
#[test]
fn get_samples_with_status_codes_only_starts_the_query_with_a_question_mark() {
    let op = GetSamples::new().status("NO_MAPPING").status("A&B=C");
    let req = op.build().unwrap();
    assert_eq!(req.uri(), "/samples?status=NO_MAPPING&status=A%26B%3DC");
    assert_eq!(
        GetSamples::new()
            .event_type("clicks")
            .build()
            .unwrap()
            .uri(),
        "/samples?eventType=clicks"
    );
}

#[test]
fn get_samples_stats() {
    let op = GetSamplesStats;
    let stats = op
        .decode(ok(
            r#"{"clicks":{"VALID":10,"NO_MAPPING":0},"web/orders":{"DROP":3}}"#,
        ))
        .unwrap();
    assert_eq!(stats["clicks"]["VALID"], 10);
    assert_eq!(stats["web/orders"]["DROP"], 3);
    assert!(op.decode(ok("{}")).unwrap().is_empty());
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["{\"clicks\": {\"VALID\": -1}}", "{\"clicks\": 3}"]);
}

#[test]
fn get_samples_status_codes() {
    let op = GetSamplesStatusCodes;
    let codes = op.decode(ok(STATUS_CODES)).unwrap();
    assert_eq!(codes.len(), 5);
    assert_eq!(codes["NO_MAPPED_FIELDS"], "No mapped fields");
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["{\"VALID\": 1}", "[\"VALID\"]"]);
}

fn stats() -> alooma_types::SamplesStats {
    serde_json::from_str(
        r#"{"clicks":{"VALID":2,"NO_MAPPING":1,"DROP":0},"orders":{"VALID":5,"NO_MAPPING":4}}"#,
    )
    .unwrap()
}

fn uris(queries: &[GetSamples]) -> Vec<String> {
    queries
        .iter()
        .map(|q| q.build().unwrap().uri().to_string())
        .collect()
}

#[test]
fn sample_queries_skip_empty_counts() {
    assert_eq!(
        uris(&sample_queries(&stats(), None, &[])),
        [
            "/samples?eventType=clicks&status=NO_MAPPING",
            "/samples?eventType=clicks&status=VALID",
            "/samples?eventType=orders&status=NO_MAPPING",
            "/samples?eventType=orders&status=VALID",
        ]
    );
}

/// wire.md defect 7: the reference passes one status code where a list is
/// expected, so its status filter is silently dropped. Here it applies.
#[test]
fn sample_queries_apply_the_status_filter() {
    let valid = ["VALID".to_owned()];
    assert_eq!(
        uris(&sample_queries(&stats(), None, &valid)),
        [
            "/samples?eventType=clicks&status=VALID",
            "/samples?eventType=orders&status=VALID"
        ]
    );
    // Several codes, and a code with no samples (DROP: 0) is not fetched.
    let some = ["NO_MAPPING".to_owned(), "DROP".to_owned()];
    assert_eq!(
        uris(&sample_queries(&stats(), Some("clicks"), &some)),
        ["/samples?eventType=clicks&status=NO_MAPPING"]
    );
    // Every query carries exactly one status code.
    for q in sample_queries(&stats(), None, &valid) {
        assert_eq!(q.status_codes, ["VALID"]);
    }
}

#[test]
fn sample_queries_apply_the_event_type_filter() {
    assert_eq!(
        uris(&sample_queries(&stats(), Some("orders"), &[])),
        [
            "/samples?eventType=orders&status=NO_MAPPING",
            "/samples?eventType=orders&status=VALID"
        ]
    );
    assert!(sample_queries(&stats(), Some("unknown"), &[]).is_empty());
    assert!(sample_queries(&stats(), None, &["NOPE".to_owned()]).is_empty());
}
