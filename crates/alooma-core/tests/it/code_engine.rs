//! Requests (insta snapshots) and decoders of the Code Engine area.
//! Snapshots: `tests/snapshots/code_engine__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use crate::common::*;

use alooma_core::{code_engine::*, render, samples::*, Error, Operation};
use alooma_types::{CodeModule, Requirement, Sample};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const MALFORMED: &[&str] = &[
    "",
    "[{\"functionName\": \"main\", \"co",
    "<html><body>502 Bad Gateway</body></html>",
    "null",
    "true",
];

/// The module list `GET transform/functions` answers, built from the
/// reference's examples (the submodule of `get_code_engine_module`).
fn modules_json() -> String {
    let submodule: String = serde_json::from_str(include_str!(
        "../../../alooma-types/tests/fixtures/module_text/get_code_engine_module.json"
    ))
    .unwrap();
    json!([
        {"functionName": "main", "code": "def transform(event):\n\treturn event", "language": "PYTHON"},
        {"functionName": "submodule", "code": submodule, "language": "PYTHON", "revision": 4}
    ])
    .to_string()
}

const SUBMODULE_PREFIX: &str = "transform_names = {'John': 'Jonathan'";

#[test]
fn get_code_engine_code() {
    let op = GetCodeEngineCode;
    let modules = op.decode(ok(&modules_json())).unwrap();
    assert_eq!(modules.len(), 2);
    assert_eq!(modules[1].extra["revision"], 4);
    // The facade's answer: module name → code, as the reference's example.
    let map = CodeModule::to_map(&modules);
    let example: BTreeMap<String, String> = serde_json::from_str(include_str!(
        "../../../alooma-types/tests/fixtures/module_code/get_code_engine_code.result.json"
    ))
    .unwrap();
    assert_eq!(
        map.keys().collect::<Vec<_>>(),
        example.keys().collect::<Vec<_>>()
    );
    assert!(map["submodule"].starts_with(SUBMODULE_PREFIX));
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["{\"main\": \"x\"}", "[{\"code\": \"x\"}]"]);
    assert_kept(&op, &["[{\"functionName\": \"main\", \"code\": 7}]"]);
}

#[test]
fn get_code_engine_module() {
    let op = GetCodeEngineModule::new("submodule");
    assert!(op
        .decode(ok(&modules_json()))
        .unwrap()
        .starts_with(SUBMODULE_PREFIX));
    assert_eq!(
        GetCodeEngineModule::main()
            .decode(ok(&modules_json()))
            .unwrap(),
        "def transform(event):\n\treturn event"
    );
    match GetCodeEngineModule::new("missing").decode(ok(&modules_json())) {
        Err(Error::NotFound { operation, what }) => {
            assert_eq!(operation, "get_code_engine_module");
            assert!(
                what.contains("\"missing\"") && what.contains("main, submodule"),
                "{what}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_decode_errors(&op, MALFORMED);
}

#[test]
fn set_code_engine_code() {
    let modules = BTreeMap::from([
        (
            "main".to_owned(),
            "import submodule\ndef transform(event):\n\treturn event".to_owned(),
        ),
        ("submodule".to_owned(), "X = 'ü'".to_owned()),
    ]);
    let op = SetCodeEngineCode::from_map(&modules);
    let req = op.build().unwrap();
    let sent: Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(
        sent,
        json!([
            {"language": "PYTHON", "functionName": "main", "code": modules["main"]},
            {"language": "PYTHON", "functionName": "submodule", "code": "X = 'ü'"}
        ])
    );
    // Modules read from the server are sent back as exactly the three keys.
    let read = GetCodeEngineCode.decode(ok(&modules_json())).unwrap();
    let sent: Value =
        serde_json::from_slice(SetCodeEngineCode::new(read).build().unwrap().body()).unwrap();
    assert!(sent[1].get("revision").is_none());
    assert!(op.meta().retry.is_idempotent());
    op.decode(ok("")).unwrap();
    assert!(matches!(
        SetCodeEngineCode::new(vec![CodeModule::python("", "x")]).build(),
        Err(Error::Build {
            operation: "set_code_engine_code",
            ..
        })
    ));
}

#[test]
fn delete_code_engine_module() {
    let op = DeleteCodeEngineModule::new("utils/v2?x");
    op.decode(ok("")).unwrap();
    assert!(DeleteCodeEngineModule::new("").build().is_err());
}

#[test]
fn set_transform_to_default() {
    let op = SetTransformToDefault;
    let req = op.build().unwrap();
    assert_eq!(
        &req.body()[..],
        br#"{"language":"PYTHON","code":"def transform(event):\n\treturn event","functionName":"main"}"#
    );
    op.decode(ok("")).unwrap();
}

#[test]
fn set_transform() {
    let op = SetTransform::new("def transform(event):\n\treturn None", "my/module");
    let req = op.build().unwrap();
    assert_eq!(
        &req.body()[..],
        br#"{"language":"PYTHON","code":"def transform(event):\n\treturn None","functionName":"my/module"}"#
    );
    assert!(SetTransform::new("x", "").build().is_err());
    op.decode(ok("")).unwrap();
}

#[test]
fn get_code_engine_requirements() {
    let op = GetCodeEngineRequirements;
    let reqs = op
        .decode(ok(r#"[{"name":"requests","version":"2.19.1"},{"name":"python-dateutil","version":"2.7.3","source":"pypi"}]"#))
        .unwrap();
    assert_eq!(reqs[1].extra["source"], "pypi");
    assert_eq!(
        Requirement::to_text(&reqs),
        "requests==2.19.1\npython-dateutil==2.7.3"
    );
    assert_eq!(Requirement::to_text(&[]), "");
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["[{\"version\": \"1\"}]"]);
    assert_kept(&op, &["[{\"name\": \"x\", \"version\": 2}]"]);
}

#[test]
fn get_transform() {
    let op = GetTransform::main();
    assert_eq!(
        op.decode(ok(
            r#"{"functionName":"main","code":"x = 1","language":"PYTHON"}"#
        ))
        .unwrap(),
        "x = 1"
    );
    assert_eq!(
        GetTransform::new("a b").build().unwrap().uri(),
        "/transform/functions/a%20b"
    );
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["{\"functionName\": \"main\"}"]);
    // A missing main is a 404, which the facade answers with the defaults.
    assert!(matches!(
        op.decode(answer(404, "")),
        Err(Error::Api { status, .. }) if status == 404
    ));
}

#[test]
fn get_transform_defaults() {
    let op = GetTransformDefaults;
    assert_eq!(
        op.decode(ok(r#"{"PYTHON":"def transform(event):\n\treturn event"}"#))
            .unwrap(),
        "def transform(event):\n\treturn event"
    );
    assert!(matches!(
        op.decode(ok(r#"{"JAVA":"x"}"#)),
        Err(Error::NotFound {
            operation: "get_transform_defaults",
            ..
        })
    ));
    assert!(matches!(
        op.decode(ok(r#"{"PYTHON":5}"#)),
        Err(Error::NotFound { .. })
    ));
    assert_decode_errors(&op, MALFORMED);
}

const RUN_ANSWER: &str =
    r#"{"output":"seen 1 event\n","result":{"user":"bob","ts":1},"runtime":12}"#;

#[test]
fn test_transform() {
    let code = "def transform(event):\n\tprint('seen 1 event')\n\treturn event";
    let op = TestTransform::new(json!({"user": "bob", "ts": 1}), code);
    let req = op.build().unwrap();
    assert!(op.meta().retry.is_idempotent());
    // A sample given as JSON text (or a JSON string value) is parsed first.
    for text in [
        TestTransform::new(r#"{"user": "bob", "ts": 1}"#, code),
        TestTransform::new(Value::String(r#"{"user":"bob","ts":1}"#.into()), code),
    ] {
        assert_eq!(text.build().unwrap().body(), req.body());
    }
    assert!(matches!(
        TestTransform::new("{user: bob}", code).build(),
        Err(Error::Build {
            operation: "test_transform",
            ..
        })
    ));
    let result = op.decode(ok(RUN_ANSWER)).unwrap();
    assert_eq!(result.output.as_deref(), Some("seen 1 event\n"));
    assert_eq!(result.event().unwrap()["user"], "bob");
    assert_eq!(result.runtime_ms(), Some(12.0));
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        serde_json::from_str::<Value>(RUN_ANSWER).unwrap()
    );
    let dropped = op
        .decode(ok(r#"{"output":"","result":null,"runtime":0.5}"#))
        .unwrap();
    assert!(dropped.event().is_none());
    assert_eq!(dropped.result, alooma_types::Maybe::Null);
    assert_decode_errors(&op, MALFORMED);
    assert_decode_errors(&op, &["[]", "\"x\""]);
    assert_kept(&op, &["{\"output\": 3}", "{\"runtime\": \"fast\"}"]);
    // Defect 9: the reference decoded a failed test run as a result.
}

#[test]
fn test_code_engine_code() {
    let modules = vec![
        CodeModule::python(
            "main",
            "import util\ndef transform(event):\n\treturn util.f(event)",
        ),
        CodeModule::python("util", "def f(e):\n\treturn e"),
    ];
    let op = TestCodeEngineCode::new(r#"{"path": "/a?b#c"}"#, modules.clone());
    let req = op.build().unwrap();
    let sent: Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(sent["sample"], json!({"path": "/a?b#c"}));
    assert_eq!(sent["modules"].as_array().unwrap().len(), 2);
    assert_eq!(op.decode(ok(RUN_ANSWER)).unwrap().event().unwrap()["ts"], 1);
    assert_decode_errors(&op, MALFORMED);
    assert!(TestCodeEngineCode::new("not json", modules)
        .build()
        .is_err());
}

const STATS: &str = r#"{"clicks":{"VALID":2,"NO_MAPPING":1,"DROP":0},"web orders":{"VALID":1,"NO_MAPPED_FIELDS":3}}"#;

/// The composite: get_samples_stats, get_samples per (type, status) with a
/// count, one run per sample. Renders every request the helper makes for
/// event type `web orders` and status codes [VALID, NO_MAPPED_FIELDS],
/// given scripted samples.
fn all_samples_requests(run: impl Fn(&Sample) -> http::Request<bytes::Bytes>) -> String {
    let stats = GetSamplesStats.decode(ok(STATS)).unwrap();
    let codes = ["VALID".to_owned(), "NO_MAPPED_FIELDS".to_owned()];
    let queries = sample_queries(&stats, Some("web orders"), &codes);
    let mut out = vec![render(&GetSamplesStats.build().unwrap())];
    for q in &queries {
        out.push(render(&q.build().unwrap()));
        let status = q.status_codes[0].clone();
        let samples = q
            .decode(ok(
                &json!([{"eventType": "web orders", "status": status, "sample": {"id": 1}}])
                    .to_string(),
            ))
            .unwrap();
        for s in &samples {
            out.push(render(&run(s)));
        }
    }
    out.join("\n")
}

#[test]
fn test_transform_all_samples() {
    let code = "def transform(event):\n\treturn event";
    snapshot!(
        "test_transform_all_samples",
        all_samples_requests(|s| TestTransform::new(s.event(), code).build().unwrap())
    );
    // Each sample comes back with a `result` key added.
    let sample: Sample = serde_json::from_value(
        json!({"eventType": "clicks", "status": "VALID", "sample": {"id": 1}}),
    )
    .unwrap();
    let result = TestTransform::new(sample.event(), code)
        .decode(ok(RUN_ANSWER))
        .unwrap();
    let with = attach_result(sample, result);
    let v = serde_json::to_value(&with).unwrap();
    assert_eq!(v["result"]["runtime"], 12);
    assert_eq!(v["sample"], json!({"id": 1}));
}

#[test]
fn test_code_engine_all_samples() {
    let modules = vec![CodeModule::python(
        "main",
        "def transform(event):\n\treturn event",
    )];
    snapshot!(
        "test_code_engine_all_samples",
        all_samples_requests(|s| TestCodeEngineCode::new(s.event(), modules.clone())
            .build()
            .unwrap())
    );
}
