//! Inputs end to end: every input operation against the emulator, checked
//! by reading the state back.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::core::inputs::{CreateInput, InputFilter};
use alooma::types::{Delimited, InputSpec, MixpanelInput, S3FileFormat, S3Input};
use alooma::Error;
use alooma_tests::{client, count, start, start_empty};
use serde_json::json;

const WEB_EVENTS: &str = "7f0e2a10-3c55-4b8d-a2f4-0000000000a1";
const SALESFORCE: &str = "7f0e2a10-3c55-4b8d-a2f4-0000000000a2";

/// The emulator's node with this id, as JSON.
fn node(emu: &alooma_emulator::Emulator, id: &str) -> Option<serde_json::Value> {
    emu.with_state(|s| s.node(id).map(|n| serde_json::to_value(n).unwrap()))
}

#[tokio::test]
async fn get_inputs_lists_and_filters() {
    let emu = start().await;
    let c = client(&emu);
    let mut all: Vec<String> = c
        .get_inputs()
        .await
        .unwrap()
        .into_iter()
        .map(|n| String::from(n.name.into_option().unwrap()))
        .collect();
    all.sort();
    assert_eq!(all, ["orders_db", "salesforce", "web_events"]);

    let by_name = c
        .get_inputs_with(&InputFilter::new().name("sales"))
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].id, SALESFORCE);
    // The name is a regex matched at the start only.
    assert!(c
        .get_inputs_with(&InputFilter::new().name("force"))
        .await
        .unwrap()
        .is_empty());
    let by_type = c
        .get_inputs_with(&InputFilter::new().input_type("POSTGRESQL"))
        .await
        .unwrap();
    assert_eq!(by_type.len(), 1);
    assert_eq!(by_type[0].name, "orders_db");
    let by_id = c
        .get_inputs_with(&InputFilter::new().input_id(WEB_EVENTS))
        .await
        .unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].name, "web_events");
    // Filtering is client-side: one GET inputs per call.
    assert_eq!(count(&emu, "GET", "inputs"), 5);
}

#[tokio::test]
async fn get_input_by_id_reports_job_and_task() {
    let emu = start().await;
    let c = client(&emu);
    let details = c.get_input_by_id(WEB_EVENTS).await.unwrap();
    assert_eq!(details.job.get().unwrap().id, WEB_EVENTS);
    assert_eq!(details.job.get().unwrap().name, "web_events");
    assert_eq!(details.job.get().unwrap().input_type, "RESTAPI");
    assert_eq!(details.tasks().len(), 1);
    let missing = c.get_input_by_id("no-such-input").await.unwrap_err();
    assert!(
        matches!(missing, Error::Api { .. } | Error::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn get_input_by_name_finds_exact_name() {
    let emu = start().await;
    let c = client(&emu);
    let details = c.get_input_by_name("orders_db").await.unwrap();
    assert_eq!(details.job.get().unwrap().name, "orders_db");
    assert_eq!(details.job.get().unwrap().input_type, "POSTGRESQL");
    let err = c.get_input_by_name("orders").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn create_input_appears_in_structure_and_inputs() {
    let emu = start_empty().await;
    let c = client(&emu);
    let spec = InputSpec::new("clicks", "RESTAPI").with_config("input_default_schema", "public");
    let before = spec.clone();
    let id = c.create_input(&spec).await.unwrap();
    // The caller's spec is untouched (defect 10).
    assert_eq!(spec, before);
    let node = node(&emu, &id).unwrap();
    assert_eq!(node["name"], "clicks");
    assert_eq!(node["category"], "INPUT");
    // one_click defaults to true: auto_map is set.
    assert_eq!(node["configuration"]["auto_map"], "true");
    assert_eq!(node["configuration"]["input_default_schema"], "public");
    let listed = c
        .get_inputs_with(&InputFilter::new().input_id(&id))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(c
        .get_structure()
        .await
        .unwrap()
        .nodes()
        .iter()
        .any(|n| n.id == id));
    // validate=true (default): POST plumbing/inputs, exactly once.
    assert_eq!(count(&emu, "POST", "plumbing/inputs"), 1);
    assert_eq!(count(&emu, "POST", "inputs"), 0);
}

#[tokio::test]
async fn create_input_with_options_skips_validation() {
    let emu = start_empty().await;
    let c = client(&emu);
    let spec = InputSpec::new("raw", "RESTAPI");
    let id = c
        .create_input_with(CreateInput::new(&spec).one_click(false).validate(false))
        .await
        .unwrap();
    let node = node(&emu, &id).unwrap();
    assert_eq!(node["name"], "raw");
    assert_ne!(node["configuration"]["auto_map"], "true");
    let posts = alooma_tests::requests_to(&emu, "POST", "inputs");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].query.as_deref(), Some("validate=false"));
    assert_eq!(count(&emu, "POST", "plumbing/inputs"), 0);
}

#[tokio::test]
async fn create_s3_input_stores_configuration() {
    let emu = start_empty().await;
    let c = client(&emu);
    let input = S3Input::new("logs", "AKIAEXAMPLE", "s3-secret", "my-bucket")
        .with_prefix("events/")
        .with_file_format(S3FileFormat::Delimited(
            Delimited::new().with_delimiter("\t"),
        ));
    let id = c.create_s3_input(input).await.unwrap();
    let node = node(&emu, &id).unwrap();
    assert_eq!(node["type"], "S3");
    let config = &node["configuration"];
    // Defect 1: the key is the caller's, not a loop variable.
    assert_eq!(config["awsAccessKeyId"], "AKIAEXAMPLE");
    assert_eq!(config["awsSecretAccessKey"], "s3-secret");
    assert_eq!(config["awsBucketName"], "my-bucket");
    assert_eq!(config["filePrefix"], "events/");
    let format: serde_json::Value =
        serde_json::from_str(config["fileFormat"].as_str().unwrap()).unwrap();
    assert_eq!(format, json!({"type": "delimited", "delimiter": "\t"}));
    assert_eq!(config["auto_map"], "true");
}

#[tokio::test]
async fn create_mixpanel_input_stores_configuration() {
    let emu = start_empty().await;
    let c = client(&emu);
    let id = c
        .create_mixpanel_input(MixpanelInput::new(
            "mp-key",
            "mp-secret",
            "2024-01-01",
            "mixpanel",
        ))
        .await
        .unwrap();
    let node = node(&emu, &id).unwrap();
    assert_eq!(node["type"], "MIXPANEL");
    assert_eq!(node["name"], "mixpanel");
    assert_eq!(node["configuration"]["mixpanelApiKey"], "mp-key");
    assert_eq!(node["configuration"]["mixpanelApiSecret"], "mp-secret");
    assert_eq!(node["configuration"]["fromDate"], "2024-01-01");
}

#[tokio::test]
async fn edit_input_changes_configuration() {
    let emu = start().await;
    let c = client(&emu);
    let spec = InputSpec::new("orders_db", "POSTGRESQL")
        .with_id("7f0e2a10-3c55-4b8d-a2f4-0000000000a3")
        .with_config("tables", "public.orders");
    c.edit_input(&spec).await.unwrap();
    let details = c.get_input_by_name("orders_db").await.unwrap();
    let config = details.job.get().unwrap().configuration.get().unwrap();
    assert_eq!(config["tables"], "public.orders");
    // A spec without id is refused before any request.
    let before = emu.requests().len();
    let err = c
        .edit_input(&InputSpec::new("orders_db", "POSTGRESQL"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }), "{err:?}");
    assert_eq!(emu.requests().len(), before);
}

#[tokio::test]
async fn pause_and_resume_input() {
    let emu = start().await;
    let c = client(&emu);
    c.pause_input_by_id(WEB_EVENTS).await.unwrap();
    assert!(emu.with_state(|s| s.input_meta[WEB_EVENTS].paused));
    let job = c
        .get_input_by_id(WEB_EVENTS)
        .await
        .unwrap()
        .job
        .into_option()
        .unwrap();
    assert_eq!(job.paused.get().map(|p| *p.get()), Some(true));
    c.resume_input_by_id(WEB_EVENTS).await.unwrap();
    assert!(!emu.with_state(|s| s.input_meta[WEB_EVENTS].paused));
    let job = c
        .get_input_by_id(WEB_EVENTS)
        .await
        .unwrap()
        .job
        .into_option()
        .unwrap();
    assert_eq!(job.paused.get().map(|p| *p.get()), Some(false));
    let pauses = alooma_tests::requests_to(&emu, "PUT", &format!("inputs/{WEB_EVENTS}/pause"));
    let queries: Vec<_> = pauses.iter().map(|r| r.query.as_deref()).collect();
    assert_eq!(queries, [Some("pause=true"), Some("pause=false")]);
}

#[tokio::test]
async fn remove_input_removes_node() {
    let emu = start().await;
    let c = client(&emu);
    c.remove_input(SALESFORCE).await.unwrap();
    let still_there = emu.with_state(|s| s.node(SALESFORCE).is_some_and(|n| !n.deleted));
    assert!(!still_there);
    let names: Vec<String> = c
        .get_inputs()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|n| n.name.into_option().map(String::from))
        .collect();
    assert!(!names.contains(&"salesforce".to_owned()), "{names:?}");
    assert_eq!(
        count(&emu, "POST", &format!("plumbing/nodes/remove/{SALESFORCE}")),
        1
    );
}

#[tokio::test]
async fn remove_all_inputs_keeps_restream() {
    let emu = start().await;
    let c = client(&emu);
    let report = c.remove_all_inputs().await.unwrap();
    assert!(report.is_success(), "{report}");
    assert_eq!(report.len(), 3);
    assert!(c.get_inputs().await.unwrap().is_empty());
    let structure = c.get_structure().await.unwrap();
    assert!(structure
        .nodes()
        .iter()
        .any(|n| n.node_type == "RESTREAM" && !n.is_deleted()));
}

#[tokio::test]
async fn input_sleep_time_round_trips() {
    let emu = start().await;
    let c = client(&emu);
    assert_eq!(c.get_input_sleep_time(WEB_EVENTS).await.unwrap(), 60.0);
    c.set_input_sleep_time(WEB_EVENTS, 12.5).await.unwrap();
    assert_eq!(c.get_input_sleep_time(WEB_EVENTS).await.unwrap(), 12.5);
    assert_eq!(
        emu.with_state(|s| s.input_meta[WEB_EVENTS].sleep_time),
        12.5
    );
    // A failed call is an error, not a value (defect 9).
    assert!(c.get_input_sleep_time("missing").await.is_err());
    assert!(c.set_input_sleep_time("missing", 1.0).await.is_err());
}
