//! Requests (insta snapshots) and decoders of the inputs area.
//! Snapshots: `tests/snapshots/inputs__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use crate::common::*;

use alooma_core::inputs::*;
use alooma_core::structure::GetStructure;
use alooma_core::{render, Error, Operation};
use alooma_types::{Delimited, InputSpec, LoadFiles, MixpanelInput, S3FileFormat, S3Input};

const INPUT: &str = include_str!("../../../alooma-types/tests/fixtures/node/get_inputs.json");
const INPUT_DETAILS: &str =
    include_str!("../../../alooma-types/tests/fixtures/input_details/get_input_by_name.json");

/// An odd id: every character that must not reach the path raw.
const ODD: &str = "in/1?x=2#frag 50% é";

fn inputs_answer() -> String {
    format!(
        r#"{{"<ID>": {INPUT}, "b-2": {{"id":"b-2","name":"Salesforce EU","type":"SALESFORCE","category":"INPUT"}},
            "c-3": {{"id":"c-3","name":"logs","type":"S3","category":"INPUT"}}}}"#
    )
}

#[test]
fn get_inputs() {
    let all = GetInputs.decode(ok(&inputs_answer())).unwrap();
    assert_eq!(all.len(), 3);
    let sf = filter_inputs(all.clone(), &InputFilter::new().name("Sales")).unwrap();
    assert_eq!(
        sf.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["<ID>", "b-2"]
    );
    let eu = filter_inputs(all.clone(), &InputFilter::new().name("EU")).unwrap();
    assert!(eu.is_empty(), "the regex is anchored at the start");
    let s3 = filter_inputs(all, &InputFilter::new().input_type("S3").input_id("c-3")).unwrap();
    assert_eq!(s3[0].name, "logs");
    for body in [
        "",
        "[]",
        "{\"a\":1}",
        "<html>500</html>",
        "{\"a\":{\"id\":\"a\"}",
    ] {
        assert!(
            matches!(GetInputs.decode(ok(body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn get_input_by_id() {
    let op = GetInputById::new(ODD);
    let d = op.decode(ok(INPUT_DETAILS)).unwrap();
    assert_eq!(d.job.get().unwrap().input_type, "SALESFORCE");
    assert_eq!(
        d.tasks()["42bcb"].error_count.get().map(|c| *c.get()),
        Some(1876)
    );
    assert!(matches!(
        op.decode(answer(404, "{\"error\":\"no such input\"}")),
        Err(Error::Api { .. })
    ));
    // Sparse answers decode (a job without a name, no job at all) …
    let sparse = op
        .decode(ok(
            "{\"job\":{\"id\":\"a3ef\",\"type\":\"S3\"},\"tasks\":{}}",
        ))
        .unwrap();
    assert!(sparse.job.get().unwrap().name.is_absent());
    assert!(op.decode(ok("{\"tasks\":{}}")).unwrap().job.is_absent());
    // … and so do values of other types, kept as read.
    let odd = op.decode(ok("{\"job\":{\"name\":7}}")).unwrap();
    assert_eq!(odd.job.get().unwrap().name.mistyped().unwrap().json(), 7);
    assert!(matches!(
        GetInputById::new("").build(),
        Err(Error::Build { .. })
    ));
}

#[test]
fn get_input_by_name() {
    // GET inputs, then GET inputs/{id} of the input with that exact name.
    snapshot!("get_input_by_name", render(&GetInputs.build().unwrap()));
    let all = GetInputs.decode(ok(&inputs_answer())).unwrap();
    let id = input_id_by_name(&all, "Salesforce EU").unwrap();
    snapshot!(
        "get_input_by_name_then",
        render(&GetInputById::new(id).build().unwrap())
    );
    assert!(matches!(
        input_id_by_name(&all, "Sales"),
        Err(Error::NotFound {
            operation: "get_input_by_name",
            ..
        })
    ));
}

#[test]
fn create_input() {
    let spec = InputSpec::new("orders db", "POSTGRESQL")
        .with_config("hostname", "db.example.com")
        .with_config("port", 5432)
        .with_config("password", "pg-pw");
    let op = CreateInput::new(&spec);
    assert!(op
        .build()
        .unwrap()
        .extensions()
        .get::<alooma_core::auth::SensitiveBody>()
        .is_some());
    assert!(!op.meta().retry.is_idempotent());
    assert!(
        spec.config().get("auto_map").is_none(),
        "the caller's spec is unchanged"
    );
    let no_validate = CreateInput::new(&spec).one_click(false).validate(false);
    assert_eq!(
        no_validate.build().unwrap().uri(),
        "/inputs?validate=false",
        "without validation, the other endpoint"
    );
    assert_eq!(
        op.decode(ok(r#"{"id":"new-1","name":"orders db"}"#))
            .unwrap(),
        Some("new-1".into())
    );
    assert_eq!(op.decode(ok("")).unwrap(), None);
    assert_eq!(op.decode(ok("created")).unwrap(), None);
    assert!(matches!(
        op.decode(answer(400, "{\"error\":\"invalid\"}")),
        Err(Error::Api { .. })
    ));
    assert!(CreateInput::new(&InputSpec::new("", "S3")).build().is_err());
}

#[test]
fn create_s3_input() {
    let spec = S3Input::new("s3 logs", "AKIAEXAMPLE", "s3-secret", "my-bucket")
        .with_prefix("events/2024")
        .with_load_files(LoadFiles::New)
        .with_file_format(S3FileFormat::Delimited(
            Delimited::new().with_delimiter("\t").with_quote_char("\""),
        ))
        .into_spec();
    let req = CreateInput::new(&spec).build().unwrap();
    snapshot!("create_s3_input", render(&req));
    // Defect 1: the delimited format keeps the real access key id.
    let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
    assert_eq!(body["configuration"]["awsAccessKeyId"], "AKIAEXAMPLE");
    assert!(!format!("{spec:?}").contains("s3-secret"));
    assert!("parquet".parse::<S3FileFormat>().is_err());
}

#[test]
fn create_mixpanel_input() {
    let spec = MixpanelInput::new("mp-key", "mp-secret", "2024-01-01", "mixpanel").into_spec();
    let req = CreateInput::new(&spec).build().unwrap();
    snapshot!("create_mixpanel_input", render(&req));
}

#[test]
fn edit_input() {
    let spec = InputSpec::new("orders db", "POSTGRESQL")
        .with_id(ODD)
        .with_config("auto_map", "true")
        .with_config("tables", "orders customers");
    let op = EditInput::new(&spec);
    assert_eq!(op.decode(ok(INPUT)).unwrap().unwrap()["type"], "SALESFORCE");
    let err = EditInput::new(&InputSpec::new("x", "S3"))
        .build()
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
    assert!(EditInput::new(&InputSpec::new("x", "S3").with_id(""))
        .build()
        .is_err());
}

#[test]
fn pause_input_by_id() {
    let op = PauseInputById::new(ODD);
    assert_eq!(op.decode(ok("")).unwrap(), None);
    assert!(op.decode(answer(404, "")).is_err());
}

#[test]
fn resume_input_by_id() {
    let op = ResumeInputById::new(ODD);
    assert_eq!(
        op.decode(ok("{\"paused\":false}")).unwrap().unwrap()["paused"],
        false
    );
}

#[test]
fn remove_input() {
    let op = RemoveInput::new(ODD);
    op.decode(ok("")).unwrap();
    assert!(matches!(
        op.decode(answer(500, "<html>boom</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn remove_all_inputs() {
    snapshot!("remove_all_inputs", render(&GetStructure.build().unwrap()));
    let s = GetStructure
        .decode(ok(r#"{"nodes":[
            {"id":"i1","name":"logs","type":"S3","category":"INPUT"},
            {"id":"r1","name":"Restream","type":"RESTREAM","category":"INPUT"},
            {"id":"a1","name":"agent","type":"AGENT","category":"INPUT"},
            {"id":"o1","name":"Redshift","type":"REDSHIFT","category":"OUTPUT"},
            {"id":"i2","name":"mp","type":"MIXPANEL","category":"INPUT"}]}"#))
        .unwrap();
    assert_eq!(removable_inputs(&s), ["i1", "i2"]);
}

#[test]
fn get_input_sleep_time() {
    let op = GetInputSleepTime::new(ODD);
    assert_eq!(op.decode(ok(r#"{"inputSleepTime": 30}"#)).unwrap(), 30.0);
    assert_eq!(op.decode(ok(r#"{"inputSleepTime": "1.5"}"#)).unwrap(), 1.5);
    // Defect 9: a failed call is an error, not a decoded value.
    assert!(matches!(
        op.decode(answer(500, r#"{"inputSleepTime": 3}"#)),
        Err(Error::Api { .. })
    ));
    assert!(op.decode(answer(401, "")).unwrap_err().is_auth());
    for body in [
        "",
        "{}",
        "{\"inputSleepTime\":null}",
        "<html></html>",
        "{\"inputSleepTime\":\"soon\"}",
    ] {
        assert!(
            matches!(op.decode(ok(body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn set_input_sleep_time() {
    let op = SetInputSleepTime::new(ODD, 2.5);
    op.decode(ok("")).unwrap();
    // Defect 9: a failed call is an error.
    assert!(matches!(
        op.decode(answer(400, "bad")),
        Err(Error::Api { .. })
    ));
    // The number goes out as given: an integer stays an integer (the
    // reference sends `45`, not `45.0`).
    assert_eq!(
        &SetInputSleepTime::new("x", 45).build().unwrap().body()[..],
        b"45"
    );
    assert_eq!(
        &SetInputSleepTime::new("x", 45.0).build().unwrap().body()[..],
        b"45.0"
    );
    assert!(SetInputSleepTime::new("x", -1.0).build().is_err());
    assert!(SetInputSleepTime::new("x", f64::INFINITY).build().is_err());
}
