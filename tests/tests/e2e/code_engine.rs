//! Code Engine end to end: modules, requirements and test runs.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma_tests::{client, count, start};
use serde_json::json;
use std::collections::BTreeMap;

const DEFAULT_CODE: &str = "def transform(event):\n\treturn event";
const DROP_CODE: &str = "def transform(event):\n\treturn None";

fn modules(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(n, c)| ((*n).to_owned(), (*c).to_owned()))
        .collect()
}

#[tokio::test]
async fn get_code_engine_code_maps_names_to_code() {
    let emu = start().await;
    let c = client(&emu);
    let code = c.get_code_engine_code().await.unwrap();
    let expected = emu.with_state(|s| s.modules.clone());
    assert_eq!(code, expected);
    assert_eq!(
        code.keys().map(String::as_str).collect::<Vec<_>>(),
        ["main", "utils"]
    );
    assert_eq!(count(&emu, "GET", "transform/functions"), 1);
}

#[tokio::test]
async fn get_code_engine_modules_keeps_language() {
    let emu = start().await;
    let c = client(&emu);
    let modules = c.get_code_engine_modules().await.unwrap();
    assert_eq!(modules.len(), 2);
    let utils = modules.iter().find(|m| m.function_name == "utils").unwrap();
    assert!(utils.code().contains("normalize_email"));
    assert_eq!(
        utils.language.as_ref().map(|l| l.to_string()).as_deref(),
        Some("PYTHON")
    );
}

#[tokio::test]
#[allow(deprecated)]
async fn get_all_transforms_is_the_deprecated_alias() {
    let emu = start().await;
    let c = client(&emu);
    let all = c.get_all_transforms().await.unwrap();
    assert_eq!(all, c.get_code_engine_code().await.unwrap());
    assert_eq!(count(&emu, "GET", "transform/functions"), 2);
}

#[tokio::test]
async fn set_code_engine_code_then_get_code_engine_module() {
    let emu = start().await;
    let c = client(&emu);
    let new = modules(&[
        (
            "main",
            "import helpers\n\ndef transform(event):\n\treturn helpers.fix(event)",
        ),
        ("helpers", "def fix(event):\n\treturn event"),
    ]);
    c.set_code_engine_code(&new).await.unwrap();
    assert_eq!(c.get_code_engine_module("main").await.unwrap(), new["main"]);
    assert_eq!(
        c.get_code_engine_module("helpers").await.unwrap(),
        new["helpers"]
    );
    assert_eq!(
        emu.with_state(|s| s.modules.get("helpers").cloned())
            .as_deref(),
        Some(new["helpers"].as_str())
    );
    assert_eq!(count(&emu, "POST", "transform/v2/functions"), 1);
    // A missing module is an error.
    assert!(c.get_code_engine_module("nope").await.is_err());
}

#[tokio::test]
async fn delete_code_engine_module_removes_it() {
    let emu = start().await;
    let c = client(&emu);
    c.delete_code_engine_module("utils").await.unwrap();
    assert!(!c
        .get_code_engine_code()
        .await
        .unwrap()
        .contains_key("utils"));
    assert!(emu.with_state(|s| !s.modules.contains_key("utils")));
    assert!(c.delete_code_engine_module("utils").await.is_err());
}

#[tokio::test]
async fn module_names_needing_encoding_round_trip() {
    let emu = start().await;
    let c = client(&emu);
    let name = "my mod/v2?ü";
    c.set_code_engine_code(&modules(&[(name, "X = 1")]))
        .await
        .unwrap();
    assert_eq!(c.get_code_engine_module(name).await.unwrap(), "X = 1");
    c.delete_code_engine_module(name).await.unwrap();
    assert!(emu.with_state(|s| !s.modules.contains_key(name)));
    assert_eq!(
        count(&emu, "DELETE", "transform/functions/my%20mod%2Fv2%3F%C3%BC"),
        1
    );
}

#[tokio::test]
async fn set_transform_to_default_resets_main() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_transform_defaults().await.unwrap(), DEFAULT_CODE);
    c.set_transform_to_default().await.unwrap();
    assert_eq!(
        c.get_code_engine_module("main").await.unwrap(),
        DEFAULT_CODE
    );
    assert_eq!(count(&emu, "POST", "transform/functions/main"), 1);
}

#[tokio::test]
async fn get_code_engine_requirements_lists_packages() {
    let emu = start().await;
    let c = client(&emu);
    let reqs = c.get_code_engine_requirements().await.unwrap();
    let pairs: Vec<(&str, &str)> = reqs
        .iter()
        .map(|r| (r.name.as_str(), r.version.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        pairs,
        [
            ("requests", "2.18.4"),
            ("six", "1.11.0"),
            ("python-dateutil", "2.7.3")
        ]
    );
}

#[tokio::test]
async fn get_code_engine_requirements_text_is_pip_format() {
    let emu = start().await;
    let c = client(&emu);
    let text = c.get_code_engine_requirements_text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        ["requests==2.18.4", "six==1.11.0", "python-dateutil==2.7.3"]
    );
}

#[tokio::test]
async fn test_transform_runs_given_or_deployed_code() {
    let emu = start().await;
    let c = client(&emu);
    let sample = json!({"a": 1, "_metadata": {"event_type": "x"}});
    let kept = c
        .test_transform(sample.clone(), Some(DEFAULT_CODE))
        .await
        .unwrap();
    assert_eq!(kept.event(), Some(&sample));
    let dropped = c
        .test_transform(sample.clone(), Some(DROP_CODE))
        .await
        .unwrap();
    assert_eq!(dropped.event(), None);
    // Without code, the deployed main module is read first.
    let deployed = c.test_transform(sample.clone(), None).await.unwrap();
    assert_eq!(deployed.event(), Some(&sample));
    assert_eq!(count(&emu, "GET", "transform/functions/main"), 1);
    assert_eq!(count(&emu, "POST", "transform/functions/run"), 3);
}

#[tokio::test]
async fn test_transform_falls_back_to_default_code() {
    let emu = start().await;
    let c = client(&emu);
    c.delete_code_engine_module("main").await.unwrap();
    let sample = json!({"b": 2});
    let result = c.test_transform(sample.clone(), None).await.unwrap();
    assert_eq!(result.event(), Some(&sample));
    assert_eq!(count(&emu, "GET", "transform/defaults"), 1);
}

#[tokio::test]
async fn test_code_engine_code_runs_modules() {
    let emu = start().await;
    let c = client(&emu);
    let sample = json!({"c": 3});
    let dropped = c
        .test_code_engine_code(sample.clone(), Some(&modules(&[("main", DROP_CODE)])))
        .await
        .unwrap();
    assert_eq!(dropped.event(), None);
    // The deployed modules (the seed's `main` imports `utils`) run for real.
    let event =
        json!({"user": {"email": " Ann@Example.COM "}, "_metadata": {"event_type": "page_view"}});
    let deployed = c.test_code_engine_code(event, None).await.unwrap();
    assert_eq!(
        deployed.event().unwrap()["user"]["email"],
        "ann@example.com"
    );
    // Without `_metadata`, the seed's `main` raises, as Python does.
    let failed = c.test_code_engine_code(sample.clone(), None).await.unwrap();
    let message = failed.event().unwrap()["errorMessage"].as_str().unwrap();
    assert!(message.ends_with("KeyError: '_metadata'\n"), "{message}");
    assert_eq!(count(&emu, "POST", "transform/v2/functions/run"), 3);
    assert_eq!(count(&emu, "GET", "transform/functions"), 2);
}

#[tokio::test]
async fn test_transform_all_samples_filters_by_type_and_status() {
    let emu = start().await;
    let c = client(&emu);
    c.set_code_engine_code(&modules(&[("main", DEFAULT_CODE)]))
        .await
        .unwrap();
    let all = c.test_transform_all_samples(None, &[]).await.unwrap();
    assert_eq!(all.len(), 7);
    assert!(all.iter().all(|s| s.result.is_some()));
    let page_views = c
        .test_transform_all_samples(Some("page_view"), &[])
        .await
        .unwrap();
    assert_eq!(page_views.len(), 3);
    // The status filter is honoured (defect 7).
    let valid = c
        .test_transform_all_samples(Some("page_view"), &["VALID"])
        .await
        .unwrap();
    assert_eq!(valid.len(), 2);
    for s in &valid {
        assert_eq!(s.status.as_deref(), Some("VALID"));
        assert_eq!(s.result.get().unwrap().event(), Some(s.event()));
    }
}

#[tokio::test]
async fn test_code_engine_all_samples_runs_deployed_modules() {
    let emu = start().await;
    let c = client(&emu);
    c.set_code_engine_code(&modules(&[("main", DROP_CODE)]))
        .await
        .unwrap();
    let results = c
        .test_code_engine_all_samples(None, &["VALID", "TYPE_MISMATCH"])
        .await
        .unwrap();
    assert_eq!(results.len(), 5);
    assert!(results
        .iter()
        .all(|s| s.result.as_ref().is_some_and(|r| r.event().is_none())));
    assert_eq!(count(&emu, "POST", "transform/v2/functions/run"), 5);
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_transform_calls_read_set_and_delete_one_module() {
    let emu = start().await;
    let c = client(&emu);
    c.set_transform("def transform(event):\n\treturn None", "drop all")
        .await
        .unwrap();
    assert_eq!(
        c.get_transform("drop all").await.unwrap(),
        "def transform(event):\n\treturn None"
    );
    assert_eq!(count(&emu, "POST", "transform/functions/drop%20all"), 1);
    c.delete_transform("drop all").await.unwrap();
    assert!(emu.with_state(|s| !s.modules.contains_key("drop all")));
    // Without a deployed `main`, get_transform("main") falls back to the
    // service's default transform, as the reference did.
    c.delete_code_engine_module("main").await.unwrap();
    assert_eq!(
        c.get_transform("main").await.unwrap(),
        "def transform(event):\n\treturn event"
    );
    assert_eq!(count(&emu, "GET", "transform/defaults"), 1);
    assert!(c
        .get_transform("drop all")
        .await
        .unwrap_err()
        .is_not_found());
}

/// The Code Engine cases (`tests/data/code_engine_cases.json`: real
/// transforms' shapes) run through the SDK's and the reference client's
/// `test_code_engine_code` against the emulator give exactly what CPython
/// gives when it imports the same modules and calls `transform` on a copy
/// of the sample.
#[tokio::test(flavor = "multi_thread")]
async fn test_runs_give_what_cpython_gives_through_the_sdk_and_the_reference_client() {
    let cases_path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/code_engine_cases.json");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/code_engine_cases.py");
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(cases_path).unwrap()).unwrap();
    let run_script = |python: std::path::PathBuf, args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let out = std::process::Command::new(python)
                .arg(script)
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
        })
    };
    let cpython = run_script(
        alooma_tests::python::interpreter(),
        vec!["cpython".into(), cases_path.into()],
    )
    .await
    .unwrap();
    assert_eq!(cpython.len(), cases.len());

    let emu = start().await;
    let c = client(&emu);
    for (case, expected) in cases.iter().zip(&cpython) {
        let modules: BTreeMap<String, String> =
            serde_json::from_value(case["modules"].clone()).unwrap();
        let answer = c
            .test_code_engine_code(case["sample"].clone(), Some(&modules))
            .await
            .unwrap();
        let result = answer
            .result
            .get()
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let ours = match result.get("errorMessage").and_then(|m| m.as_str()) {
            Some(message) => {
                let last = message.trim_end().lines().last().unwrap_or_default();
                // `main.BadEvent: …` names the class as CPython prints it.
                let kind = last.split(':').next().unwrap_or_default();
                let kind = kind.rsplit('.').next().unwrap_or(kind);
                json!({"error": kind, "output": answer.output.as_deref().unwrap_or("")})
            }
            None => json!({"result": result, "output": answer.output.as_deref().unwrap_or("")}),
        };
        assert_eq!(&ours, expected, "the SDK's test run of {}", case["name"]);
        assert!(answer.runtime_ms().is_some_and(|ms| ms >= 0.0));
    }

    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("reference-venv");
    let python = tokio::task::spawn_blocking(move || alooma_tests::python::reference_client(&venv))
        .await
        .unwrap();
    let port = emu.addr().port().to_string();
    let reference = run_script(
        python,
        vec![
            "reference".into(),
            cases_path.into(),
            port,
            emu.account().to_owned(),
            emu.key().to_owned(),
        ],
    )
    .await
    .unwrap();
    for ((case, ours), expected) in cases.iter().zip(&reference).zip(&cpython) {
        assert_eq!(
            ours, expected,
            "the reference client's test run of {}",
            case["name"]
        );
    }
}
