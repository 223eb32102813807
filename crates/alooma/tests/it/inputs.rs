//! Facade tests of the inputs area, through `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use alooma::core::inputs::{CreateInput, InputFilter};
use alooma::core::TimeoutKind;
use alooma::mock::MockService;
use alooma::types::{Delimited, InputSpec, MixpanelInput, S3FileFormat, S3Input};
use alooma::{Client, Error};
use serde_json::json;
use std::collections::BTreeSet;

const STRUCTURE_URI: &str = "/plumbing/?resolution=1min";
const INPUT: &str = include_str!("../../../alooma-types/tests/fixtures/node/get_inputs.json");
const INPUT_DETAILS: &str =
    include_str!("../../../alooma-types/tests/fixtures/input_details/get_input_by_name.json");

fn node(id: &str, name: &str, node_type: &str) -> String {
    format!(
        r#"{{"id":"{id}","name":"{name}","type":"{node_type}","category":"INPUT","deleted":false}}"#
    )
}

fn structure(nodes: &[String]) -> String {
    format!(r#"{{"nodes":[{}]}}"#, nodes.join(","))
}

fn inputs_answer() -> String {
    format!(
        r#"{{"<ID>": {INPUT}, "b 2": {}, "c-3": {}}}"#,
        node("b 2", "Salesforce EU", "SALESFORCE"),
        node("c-3", "logs", "S3")
    )
}

#[tokio::test]
async fn get_inputs_filters_client_side() {
    let mock = MockService::new();
    mock.always("GET", "/inputs", 200, inputs_answer());
    let client = Client::with_service(mock.clone());
    let names = |v: Vec<alooma::types::Node>| v.into_iter().map(|n| n.name).collect::<Vec<_>>();
    assert_eq!(names(client.get_inputs().await.unwrap()).len(), 3);
    assert_eq!(
        names(
            client
                .get_inputs_with(&InputFilter::new().name("Sales.*"))
                .await
                .unwrap()
        ),
        ["Salesforce", "Salesforce EU"]
    );
    assert!(client
        .get_inputs_with(&InputFilter::new().name("EU"))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        names(
            client
                .get_inputs_with(&InputFilter::new().input_type("S3"))
                .await
                .unwrap()
        ),
        ["logs"]
    );
    assert_eq!(
        names(
            client
                .get_inputs_with(&InputFilter::new().input_id("b 2"))
                .await
                .unwrap()
        ),
        ["Salesforce EU"]
    );
    let err = client
        .get_inputs_with(&InputFilter::new().name("["))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }), "{err}");
    assert!(mock
        .requests()
        .iter()
        .all(|r| r.uri == "/inputs" && r.method == "GET"));
}

#[tokio::test]
async fn get_input_by_id_and_name() {
    let mock = MockService::new();
    mock.on("GET", "/inputs/a%2Fb", 200, INPUT_DETAILS)
        .on("GET", "/inputs", 200, inputs_answer())
        .on("GET", "/inputs/b%202", 200, INPUT_DETAILS)
        .on("GET", "/inputs", 200, inputs_answer());
    let client = Client::with_service(mock.clone());
    assert_eq!(
        client
            .get_input_by_id("a/b")
            .await
            .unwrap()
            .job
            .get()
            .unwrap()
            .id,
        "a3ef"
    );
    assert_eq!(
        client
            .get_input_by_name("Salesforce EU")
            .await
            .unwrap()
            .job
            .get()
            .unwrap()
            .name,
        "SFDC_test"
    );
    let err = client.get_input_by_name("Salesforce E").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                operation: "get_input_by_name",
                ..
            }
        ),
        "{err}"
    );
    let uris: Vec<_> = mock.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(
        uris,
        ["/inputs/a%2Fb", "/inputs", "/inputs/b%202", "/inputs"]
    );
}

#[tokio::test]
async fn create_input_returns_the_id_the_server_names() {
    let mock = MockService::new();
    mock.on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[node("old", "orders", "POSTGRESQL")]),
    )
    .on(
        "POST",
        "/plumbing/inputs",
        200,
        r#"{"id":"new-1","name":"orders"}"#,
    );
    let client = Client::with_service(mock.clone());
    let spec = InputSpec::new("orders", "POSTGRESQL").with_config("hostname", "db");
    assert_eq!(client.create_input(&spec).await.unwrap(), "new-1");
    assert!(
        spec.config().get("auto_map").is_none(),
        "the caller's data is not mutated"
    );
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].method, "POST");
    assert_eq!(
        reqs[1].json(),
        json!({"name": "orders", "type": "POSTGRESQL", "configuration": {"hostname": "db", "auto_map": "true"}})
    );
    assert_eq!(reqs[1].operation, Some("create_input"));
}

#[tokio::test(start_paused = true)]
async fn create_input_polls_until_a_new_node_appears() {
    let mock = MockService::new();
    let old = node("old", "logs", "S3");
    mock.on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(std::slice::from_ref(&old)),
    )
    .on("POST", "/inputs?validate=false", 200, "")
    .on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(std::slice::from_ref(&old)),
    )
    .on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(std::slice::from_ref(&old)),
    )
    .on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[old.clone(), node("fresh", "logs", "S3")]),
    );
    let client = Client::with_service(mock.clone());
    let spec = InputSpec::new("logs", "S3");
    let op = CreateInput::new(&spec).one_click(false).validate(false);
    let started = tokio::time::Instant::now();
    assert_eq!(client.create_input_with(op).await.unwrap(), "fresh");
    // Polls right away, then after 250 ms and 500 ms (the default backoff).
    assert_eq!(started.elapsed(), std::time::Duration::from_millis(750));
    assert_eq!(mock.pending(), 0);
    assert_eq!(
        mock.requests()[1].json(),
        json!({"name": "logs", "type": "S3", "configuration": {}})
    );
}

#[tokio::test(start_paused = true)]
async fn create_input_gives_up_at_the_deadline() {
    let mock = MockService::new();
    mock.on("POST", "/plumbing/inputs", 200, "{}").always(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[node("old", "logs", "S3")]),
    );
    let client = Client::with_service(mock.clone());
    let err = client
        .create_input(&InputSpec::new("logs", "S3"))
        .await
        .unwrap_err();
    match err {
        Error::Timeout {
            operation: "create_input",
            kind: TimeoutKind::Total,
            after,
        } => {
            assert_eq!(after, std::time::Duration::from_secs(60))
        }
        e => panic!("{e}"),
    }
    // 1 read before, then polls at 0, 0.25, 0.75, 1.75, 3.75, 7.75 s and every 5 s up to 60 s.
    let polls = mock.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(polls, 1 + 6 + 11);
}

#[tokio::test]
async fn concurrent_creations_of_one_name_never_swap_ids() {
    // Defect 10, with server-named ids: each call returns the id of its own POST.
    let mock = MockService::new();
    mock.always("GET", STRUCTURE_URI, 200, structure(&[]))
        .on("POST", "/plumbing/inputs", 200, r#"{"id":"first"}"#)
        .on("POST", "/plumbing/inputs", 200, r#"{"id":"second"}"#);
    let client = Client::with_service(mock.clone());
    let spec = InputSpec::new("logs", "S3");
    let (a, b) = tokio::join!(client.create_input(&spec), client.create_input(&spec));
    let ids: BTreeSet<String> = [a.unwrap(), b.unwrap()].into();
    assert_eq!(
        ids,
        BTreeSet::from(["first".to_owned(), "second".to_owned()])
    );

    // Without ids in the answers: an input that existed before this call
    // started is never taken for ours, and two new ones are not guessed at.
    let mock = MockService::new();
    mock.on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[node("theirs", "logs", "S3")]),
    )
    .on("POST", "/plumbing/inputs", 200, "")
    .on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[node("theirs", "logs", "S3"), node("ours", "logs", "S3")]),
    );
    let client = Client::with_service(mock.clone());
    assert_eq!(client.create_input(&spec).await.unwrap(), "ours");

    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 200, structure(&[]))
        .on("POST", "/plumbing/inputs", 200, "")
        .on(
            "GET",
            STRUCTURE_URI,
            200,
            structure(&[node("x", "logs", "S3"), node("y", "logs", "S3")]),
        );
    let err = Client::with_service(mock)
        .create_input(&spec)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                operation: "create_input",
                ..
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_refused_creation_is_not_retried_or_polled() {
    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 200, structure(&[])).on(
        "POST",
        "/plumbing/inputs",
        400,
        r#"{"error":"invalid configuration"}"#,
    );
    let client = Client::with_service(mock.clone());
    let err = client
        .create_input(&InputSpec::new("logs", "S3"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err}");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn create_s3_input_sends_the_real_access_key() {
    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 200, structure(&[])).on(
        "POST",
        "/plumbing/inputs",
        200,
        r#"{"id":"s3-1"}"#,
    );
    let client = Client::with_service(mock.clone());
    let input = S3Input::new("s3", "AKIAREAL", "shh", "bucket").with_file_format(
        S3FileFormat::Delimited(Delimited::new().with_escape_char("\\")),
    );
    assert_eq!(client.create_s3_input(input).await.unwrap(), "s3-1");
    // Defect 1: awsAccessKeyId is the key, not a loop variable.
    assert_eq!(
        mock.requests()[1].json(),
        json!({"name": "s3", "type": "S3", "configuration": {
            "awsAccessKeyId": "AKIAREAL", "awsBucketName": "bucket", "awsSecretAccessKey": "shh",
            "filePrefix": "", "loadFiles": "all",
            "fileFormat": "{\"type\": \"delimited\", \"delimiter\": \",\", \"escapeChar\": \"\\\\\"}",
            "auto_map": "true"}})
    );
}

#[tokio::test]
async fn create_mixpanel_input() {
    let mock = MockService::new();
    mock.on("GET", STRUCTURE_URI, 200, structure(&[])).on(
        "POST",
        "/plumbing/inputs",
        200,
        r#"{"id":"mp-1"}"#,
    );
    let client = Client::with_service(mock.clone());
    let id = client
        .create_mixpanel_input(MixpanelInput::new("k", "s", "2024-01-01", "mp"))
        .await
        .unwrap();
    assert_eq!(id, "mp-1");
    assert_eq!(
        mock.requests()[1].json(),
        json!({"name": "mp", "type": "MIXPANEL", "configuration": {
            "mixpanelApiKey": "k", "mixpanelApiSecret": "s", "fromDate": "2024-01-01", "auto_map": "true"}})
    );
}

#[tokio::test]
async fn edit_pause_resume_remove() {
    let mock = MockService::new();
    mock.on("PUT", "/inputs/i%3F1", 200, INPUT)
        .on("PUT", "/inputs/i%3F1/pause?pause=true", 200, "")
        .on("PUT", "/inputs/i%3F1/pause?pause=false", 200, "{}")
        .on("POST", "/plumbing/nodes/remove/i%3F1", 200, "");
    let client = Client::with_service(mock.clone());
    let spec = InputSpec::new("pg", "POSTGRESQL").with_id("i?1");
    assert_eq!(
        client.edit_input(&spec).await.unwrap().unwrap()["name"],
        "Salesforce"
    );
    assert_eq!(client.pause_input_by_id("i?1").await.unwrap(), None);
    assert_eq!(
        client.resume_input_by_id("i?1").await.unwrap(),
        Some(json!({}))
    );
    client.remove_input("i?1").await.unwrap();
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"id": "i?1", "name": "pg", "type": "POSTGRESQL", "configuration": {}})
    );
    assert!(reqs[1].body.is_empty() && reqs[2].body.is_empty() && reqs[3].body.is_empty());
    assert_eq!(reqs[3].method, "POST");
    let err = client
        .edit_input(&InputSpec::new("pg", "POSTGRESQL"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Build {
                operation: "edit_input",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(mock.requests().len(), 4, "no request for a spec without id");
}

#[tokio::test]
async fn remove_all_inputs_reports_every_failure() {
    let mock = MockService::new();
    mock.on(
        "GET",
        STRUCTURE_URI,
        200,
        structure(&[
            node("a", "one", "S3"),
            node("r", "Restream", "RESTREAM"),
            node("b", "two", "MIXPANEL"),
            node("g", "agent", "AGENT"),
            node("c", "three", "S3"),
            r#"{"id":"o","name":"Redshift","type":"REDSHIFT","category":"OUTPUT"}"#.to_owned(),
        ]),
    )
    .on("POST", "/plumbing/nodes/remove/a", 200, "")
    .on("POST", "/plumbing/nodes/remove/b", 500, "boom")
    .on("POST", "/plumbing/nodes/remove/c", 404, "gone");
    let client = Client::with_service(mock.clone());
    let report = client.remove_all_inputs().await.unwrap();
    assert_eq!(report.succeeded, ["a"]);
    let failed: BTreeSet<&str> = report.failed_items().collect();
    assert_eq!(failed, BTreeSet::from(["b", "c"]));
    let removed: BTreeSet<String> = mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.uri)
        .collect();
    assert_eq!(
        removed.len(),
        3,
        "restream, agent and output nodes are kept"
    );
}

#[tokio::test]
async fn sleep_time_calls_check_the_status() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/inputSleepTime/in%201",
        200,
        r#"{"inputSleepTime": 12}"#,
    )
    .on("PUT", "/inputSleepTime/in%201", 200, "")
    .on(
        "GET",
        "/inputSleepTime/in%201",
        500,
        r#"{"inputSleepTime": 1}"#,
    )
    .on("PUT", "/inputSleepTime/in%201", 403, "");
    let client = Client::with_service(mock.clone());
    assert_eq!(client.get_input_sleep_time("in 1").await.unwrap(), 12.0);
    client.set_input_sleep_time("in 1", 0.5).await.unwrap();
    assert_eq!(mock.requests()[1].body, "0.5");
    // Defect 9: failed calls are errors.
    assert!(matches!(
        client.get_input_sleep_time("in 1").await,
        Err(Error::Api { .. })
    ));
    assert!(client
        .set_input_sleep_time("in 1", 0.5)
        .await
        .unwrap_err()
        .is_auth());
}
