//! Client methods of the Code Engine area over `MockService`: the exact
//! requests each sends and the decoded results, including the composite
//! test helpers.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::{Client, Error};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const DEFAULT_CODE: &str = "def transform(event):\n\treturn event";

fn modules_json() -> String {
    json!([
        {"functionName": "main", "code": "import util\ndef transform(event):\n\treturn util.f(event)", "language": "PYTHON"},
        {"functionName": "util", "code": "def f(e):\n\treturn e", "language": "PYTHON", "revision": 2}
    ])
    .to_string()
}

fn sent(mock: &MockService) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect()
}

const RUN: &str = r#"{"output":"hi\n","result":{"id":1,"seen":true},"runtime":4}"#;

#[tokio::test]
#[allow(deprecated)]
async fn get_code_engine_code_and_modules() {
    let mock = MockService::new();
    mock.always("GET", "/transform/functions", 200, modules_json());
    let client = Client::with_service(mock.clone());
    let map = client.get_code_engine_code().await.unwrap();
    assert_eq!(map.keys().collect::<Vec<_>>(), ["main", "util"]);
    assert_eq!(map["util"], "def f(e):\n\treturn e");
    let modules = client.get_code_engine_modules().await.unwrap();
    assert_eq!(modules[1].extra["revision"], 2);
    assert_eq!(client.get_all_transforms().await.unwrap(), map);
    assert_eq!(sent(&mock), ["GET /transform/functions"; 3]);
}

#[tokio::test]
async fn get_code_engine_module_missing_is_not_found() {
    let mock = MockService::new();
    mock.always("GET", "/transform/functions", 200, modules_json());
    let client = Client::with_service(mock.clone());
    assert_eq!(
        client.get_code_engine_module("util").await.unwrap(),
        "def f(e):\n\treturn e"
    );
    assert!(matches!(
        client.get_code_engine_module("nope").await,
        Err(Error::NotFound {
            operation: "get_code_engine_module",
            ..
        })
    ));
}

#[tokio::test]
async fn set_code_engine_code_posts_the_module_list() {
    let mock = MockService::new();
    mock.on("POST", "/transform/v2/functions", 200, "[]");
    let client = Client::with_service(mock.clone());
    let modules = BTreeMap::from([
        ("submodule".to_owned(), "X = 1".to_owned()),
        ("main".to_owned(), DEFAULT_CODE.to_owned()),
    ]);
    client.set_code_engine_code(&modules).await.unwrap();
    let req = &mock.requests()[0];
    assert_eq!(req.uri, "/transform/v2/functions");
    assert_eq!(
        req.json(),
        json!([
            {"language": "PYTHON", "functionName": "main", "code": DEFAULT_CODE},
            {"language": "PYTHON", "functionName": "submodule", "code": "X = 1"}
        ])
    );
    mock.on(
        "POST",
        "/transform/v2/functions",
        400,
        "{\"error\":\"syntax\"}",
    );
    assert!(client.set_code_engine_code(&modules).await.is_err());
}

#[tokio::test]
async fn delete_module_and_reset_to_default() {
    let mock = MockService::new();
    mock.on("DELETE", "/transform/functions/my%2Fmod", 200, "")
        .on("POST", "/transform/functions/main", 200, "");
    let client = Client::with_service(mock.clone());
    client.delete_code_engine_module("my/mod").await.unwrap();
    client.set_transform_to_default().await.unwrap();
    let reqs = mock.requests();
    assert_eq!(
        sent(&mock),
        [
            "DELETE /transform/functions/my%2Fmod",
            "POST /transform/functions/main"
        ]
    );
    assert_eq!(
        &reqs[1].body[..],
        br#"{"language":"PYTHON","code":"def transform(event):\n\treturn event","functionName":"main"}"#
    );
}

#[tokio::test]
async fn requirements_and_their_text_form() {
    let mock = MockService::new();
    mock.always(
        "GET",
        "/code-engine/requirements",
        200,
        r#"[{"name":"requests","version":"2.19.1"},{"name":"six","version":"1.11.0"}]"#,
    );
    let client = Client::with_service(mock.clone());
    let reqs = client.get_code_engine_requirements().await.unwrap();
    assert_eq!(reqs[1].name, "six");
    assert_eq!(
        client.get_code_engine_requirements_text().await.unwrap(),
        "requests==2.19.1\nsix==1.11.0"
    );
}

#[tokio::test]
async fn test_transform_with_code_parses_a_string_sample() {
    let mock = MockService::new();
    mock.on("POST", "/transform/functions/run", 200, RUN);
    let client = Client::with_service(mock.clone());
    let run = client
        .test_transform(r#"{"id": 1}"#, Some("def transform(e):\n\treturn e"))
        .await
        .unwrap();
    assert_eq!(run.event().unwrap()["seen"], true);
    assert_eq!(run.output.as_deref(), Some("hi\n"));
    assert_eq!(
        mock.requests()[0].json(),
        json!({"language": "PYTHON", "functionName": "main",
               "code": "def transform(e):\n\treturn e", "sample": {"id": 1}})
    );
}

#[tokio::test]
async fn test_transform_without_code_uses_the_deployed_main() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/transform/functions/main",
        200,
        r#"{"functionName":"main","code":"DEPLOYED"}"#,
    )
    .on("POST", "/transform/functions/run", 200, RUN);
    let client = Client::with_service(mock.clone());
    client.test_transform(json!({"id": 1}), None).await.unwrap();
    assert_eq!(
        sent(&mock),
        [
            "GET /transform/functions/main",
            "POST /transform/functions/run"
        ]
    );
    assert_eq!(mock.requests()[1].json()["code"], "DEPLOYED");
}

#[tokio::test]
async fn test_transform_falls_back_to_the_defaults_when_main_is_missing() {
    let mock = MockService::new();
    mock.on("GET", "/transform/functions/main", 404, "")
        .on(
            "GET",
            "/transform/defaults",
            200,
            json!({"PYTHON": DEFAULT_CODE}).to_string(),
        )
        .on("POST", "/transform/functions/run", 200, RUN);
    let client = Client::with_service(mock.clone());
    client.test_transform(json!({"id": 1}), None).await.unwrap();
    assert_eq!(
        sent(&mock),
        [
            "GET /transform/functions/main",
            "GET /transform/defaults",
            "POST /transform/functions/run"
        ]
    );
    assert_eq!(mock.requests()[2].json()["code"], DEFAULT_CODE);
}

#[tokio::test]
async fn test_transform_other_failures_are_not_masked() {
    let mock = MockService::new();
    mock.on("GET", "/transform/functions/main", 500, "oops");
    let client = Client::with_service(mock.clone());
    assert!(matches!(
        client.test_transform(json!({}), None).await,
        Err(Error::Api {
            operation: "get_transform",
            ..
        })
    ));
    assert_eq!(mock.requests().len(), 1);
}

/// A sample string that is not JSON is refused before any request.
#[tokio::test]
async fn test_transform_bad_sample_sends_nothing() {
    let mock = MockService::new();
    let client = Client::with_service(mock.clone());
    assert!(matches!(
        client.test_transform("{id: 1", None).await,
        Err(Error::Build {
            operation: "test_transform",
            ..
        })
    ));
    assert!(matches!(
        client.test_code_engine_code("nope", None).await,
        Err(Error::Build { .. })
    ));
    assert!(mock.requests().is_empty());
}

/// wire.md defect 9: the reference decoded a failed test run as a result.
#[tokio::test]
async fn test_transform_failure_is_an_error() {
    let mock = MockService::new();
    mock.on(
        "POST",
        "/transform/functions/run",
        502,
        "<html>Bad Gateway</html>",
    );
    let client = Client::with_service(mock);
    assert!(matches!(
        client.test_transform(json!({}), Some(DEFAULT_CODE)).await,
        Err(Error::Api {
            operation: "test_transform",
            ..
        })
    ));
}

#[tokio::test]
async fn test_code_engine_code_with_and_without_modules() {
    let mock = MockService::new();
    mock.on("POST", "/transform/v2/functions/run", 200, RUN)
        .on("GET", "/transform/functions", 200, modules_json())
        .on("POST", "/transform/v2/functions/run", 200, RUN);
    let client = Client::with_service(mock.clone());
    let modules = BTreeMap::from([("main".to_owned(), DEFAULT_CODE.to_owned())]);
    let run = client
        .test_code_engine_code(json!({"id": 1}), Some(&modules))
        .await
        .unwrap();
    assert_eq!(run.runtime_ms(), Some(4.0));
    client
        .test_code_engine_code(Value::String("{\"id\": 2}".into()), None)
        .await
        .unwrap();
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"modules": [{"language": "PYTHON", "functionName": "main", "code": DEFAULT_CODE}],
               "sample": {"id": 1}})
    );
    assert_eq!(reqs[1].uri, "/transform/functions");
    let deployed = reqs[2].json();
    assert_eq!(deployed["sample"], json!({"id": 2}));
    assert_eq!(
        deployed["modules"][1],
        json!({"language": "PYTHON", "functionName": "util", "code": "def f(e):\n\treturn e"})
    );
}

const STATS: &str =
    r#"{"clicks":{"VALID":2,"NO_MAPPING":1,"DROP":0},"orders":{"VALID":1,"NO_MAPPING":3}}"#;

fn samples(event_type: &str, status: &str, ids: &[u32]) -> String {
    Value::Array(
        ids.iter()
            .map(|id| json!({"eventType": event_type, "status": status, "sample": {"id": id}}))
            .collect(),
    )
    .to_string()
}

/// wire.md defect 7: a list of status codes really filters, and so does the event type.
#[tokio::test]
async fn test_transform_all_samples_applies_both_filters() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/transform/functions/main",
        200,
        r#"{"code":"MAIN"}"#,
    )
    .on("GET", "/samples/stats", 200, STATS)
    .on(
        "GET",
        "/samples?eventType=clicks&status=VALID",
        200,
        samples("clicks", "VALID", &[1, 2]),
    )
    .on(
        "POST",
        "/transform/functions/run",
        200,
        r#"{"output":"","result":{"id":1},"runtime":1}"#,
    )
    .on(
        "POST",
        "/transform/functions/run",
        200,
        r#"{"output":"","result":null,"runtime":2}"#,
    );
    let client = Client::with_service(mock.clone());
    let results = client
        .test_transform_all_samples(Some("clicks"), &["VALID", "DROP"])
        .await
        .unwrap();
    // Defect 7: only VALID samples of clicks were fetched (DROP has none; the
    // reference would have fetched every status).
    assert_eq!(
        sent(&mock),
        [
            "GET /transform/functions/main",
            "GET /samples/stats",
            "GET /samples?eventType=clicks&status=VALID",
            "POST /transform/functions/run",
            "POST /transform/functions/run"
        ]
    );
    let reqs = mock.requests();
    assert_eq!(reqs[3].json()["sample"], json!({"id": 1}));
    assert_eq!(reqs[4].json()["sample"], json!({"id": 2}));
    assert_eq!(reqs[4].json()["code"], "MAIN");
    // Each sample comes back with its run's answer in `result`.
    assert_eq!(results.len(), 2);
    let v = serde_json::to_value(&results).unwrap();
    assert_eq!(v[0]["result"]["result"], json!({"id": 1}));
    assert_eq!(v[1]["result"]["result"], Value::Null);
    assert_eq!(v[1]["sample"], json!({"id": 2}));
    assert_eq!(v[1]["status"], "VALID");
}

#[tokio::test]
async fn test_code_engine_all_samples_without_filters_tests_every_nonempty_pair() {
    let mock = MockService::new();
    mock.on("GET", "/transform/functions", 200, modules_json())
        .on("GET", "/samples/stats", 200, STATS)
        .on(
            "GET",
            "/samples?eventType=clicks&status=NO_MAPPING",
            200,
            samples("clicks", "NO_MAPPING", &[1]),
        )
        .on(
            "GET",
            "/samples?eventType=clicks&status=VALID",
            200,
            samples("clicks", "VALID", &[2]),
        )
        .on(
            "GET",
            "/samples?eventType=orders&status=NO_MAPPING",
            200,
            samples("orders", "NO_MAPPING", &[3]),
        )
        .on(
            "GET",
            "/samples?eventType=orders&status=VALID",
            200,
            samples("orders", "VALID", &[4]),
        )
        .always("POST", "/transform/v2/functions/run", 200, RUN);
    let client = Client::with_service(mock.clone());
    let results = client
        .test_code_engine_all_samples(None, &[])
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|s| s.result.is_some()));
    let ids: Vec<Value> = results.iter().map(|s| s.event()["id"].clone()).collect();
    assert_eq!(ids, [json!(1), json!(2), json!(3), json!(4)]);
    let runs: Vec<Value> = mock
        .requests()
        .iter()
        .filter(|r| r.uri == "/transform/v2/functions/run")
        .map(|r| r.json())
        .collect();
    assert_eq!(runs.len(), 4);
    assert_eq!(runs[0]["modules"].as_array().unwrap().len(), 2);
    // No DROP request: its count is 0.
    assert!(!sent(&mock).iter().any(|s| s.contains("DROP")));
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn all_samples_failure_of_a_run_is_an_error() {
    let mock = MockService::new();
    mock.on("GET", "/transform/functions", 200, modules_json())
        .on("GET", "/samples/stats", 200, r#"{"clicks":{"VALID":1}}"#)
        .on(
            "GET",
            "/samples?eventType=clicks&status=VALID",
            200,
            samples("clicks", "VALID", &[1]),
        )
        .on("POST", "/transform/v2/functions/run", 500, "boom");
    let client = Client::with_service(mock);
    assert!(matches!(
        client.test_code_engine_all_samples(None, &["VALID"]).await,
        Err(Error::Api {
            operation: "test_code_engine_code",
            ..
        })
    ));
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_transform_calls_behave_as_the_reference() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/transform/functions/util",
        200,
        r#"{"code":"x = 1"}"#,
    );
    // main: a 500, then the defaults.
    mock.on("GET", "/transform/functions/main", 500, "oops");
    mock.on(
        "GET",
        "/transform/defaults",
        200,
        format!(r#"{{"PYTHON":{:?}}}"#, DEFAULT_CODE),
    );
    mock.on("POST", "/transform/functions/a%2Fb", 200, "");
    mock.on("DELETE", "/transform/functions/a%2Fb", 200, "");
    mock.on("GET", "/transform/functions/other", 404, "");
    let client = Client::with_service(mock.clone());
    assert_eq!(client.get_transform("util").await.unwrap(), "x = 1");
    assert_eq!(client.get_transform("main").await.unwrap(), DEFAULT_CODE);
    client
        .set_transform("def transform(e):\n\treturn e", "a/b")
        .await
        .unwrap();
    client.delete_transform("a/b").await.unwrap();
    // Only `main` falls back; another module's failure is the error.
    assert!(client
        .get_transform("other")
        .await
        .unwrap_err()
        .is_not_found());
    assert_eq!(
        sent(&mock),
        [
            "GET /transform/functions/util",
            "GET /transform/functions/main",
            "GET /transform/defaults",
            "POST /transform/functions/a%2Fb",
            "DELETE /transform/functions/a%2Fb",
            "GET /transform/functions/other",
        ]
    );
    assert_eq!(
        mock.requests()[3].json(),
        json!({"language": "PYTHON", "code": "def transform(e):\n\treturn e", "functionName": "a/b"})
    );
}
