//! Plans and applies against the emulator: drift, prune, dry runs, faults
//! in the middle, secrets, idempotence, the Code Engine test.

use crate::support::*;
use alooma::types::{InputSpec, MappingMode};
use alooma_emulator::{Fault, Seed};
use alooma_pipeline::{
    Action, ApplyOptions, Kind, Pipeline, Plan, PlanOptions, ResourceId, SecretValues, StepOutcome,
};
use serde_json::{json, Value};
use std::path::Path;

fn edit_json(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string(&v).unwrap()).unwrap();
}

/// A new plan of `desired` (no prune, no secret values) has nothing left.
async fn assert_converged(desired: &Pipeline, client: &alooma::Client) {
    let left = plan(desired, client, &PlanOptions::default()).await;
    assert!(left.is_empty(), "{left}");
}

fn summary(plan: &Plan) -> Vec<String> {
    plan.changes()
        .iter()
        .map(|c| format!("{} {}", c.action.as_str(), c.id))
        .collect()
}

async fn exported(client: &alooma::Client) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fetch(client).await.write(dir.path()).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_plans_no_change_with_or_without_prune() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    let desired = Pipeline::load(dir.path()).unwrap();
    for prune in [false, true] {
        let plan = plan(&desired, &client, &PlanOptions::prune(prune)).await;
        assert!(plan.is_empty(), "{plan}");
        assert!(plan.unmanaged().is_empty(), "{plan}");
        assert_eq!(
            plan.to_string().lines().next(),
            Some("No changes: the live system matches the directory.")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_through_the_plain_api_is_detected_and_reverted() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    let desired = Pipeline::load(dir.path()).unwrap();

    // Changes made "in the UI" after the export.
    let mut orders = client.get_mapping("orders").await.unwrap();
    let mut v = serde_json::to_value(&orders).unwrap();
    v["mapping"]["tableName"] = json!("orders_v2");
    orders = serde_json::from_value(v).unwrap();
    client.set_mapping(&orders, "orders").await.unwrap();
    client.set_mapping_mode(MappingMode::Strict).await.unwrap();
    client.delete_code_engine_module("utils").await.unwrap();
    client
        .create_input(&InputSpec::new("made_in_ui", "RESTAPI"))
        .await
        .unwrap();
    client.set_secrets([("new_secret", "v")]).await.unwrap();
    let queries = client.get_queries().await.unwrap();
    let custom = queries
        .iter()
        .find(|(_, q)| {
            q.configuration
                .get()
                .and_then(|c| c.query_type.get())
                .map(String::as_str)
                == Some("custom")
        })
        .unwrap();
    client
        .remove_scheduled_query(&custom.0.clone().unwrap())
        .await
        .unwrap();

    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(
        summary(&plan),
        [
            "create code-module \"utils\"",
            "update mapping-mode",
            "update event-type \"orders\"",
            "create query \"orders.custom\"",
        ],
        "{plan}"
    );
    let orders_change = &plan.changes()[2];
    assert_eq!(
        orders_change
            .fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["~ mapping.tableName: \"orders_v2\" -> \"orders\""]
    );
    // The new input made its event type, as the service does.
    assert_eq!(
        plan.unmanaged(),
        [
            ResourceId::new(Kind::Secret, "new_secret"),
            ResourceId::new(Kind::EventType, "made_in_ui"),
            ResourceId::new(Kind::Input, "made_in_ui"),
        ]
    );
    let text = plan.to_string();
    assert!(
        text.contains("Plan: 2 to create, 2 to update, 0 to replace, 0 to delete."),
        "{text}"
    );
    assert!(
        text.contains("3 live resource(s) not in the directory are kept (--prune deletes them)"),
        "{text}"
    );

    let report = plan.apply(&client, &ApplyOptions::default()).await;
    assert!(report.is_success(), "{report}");
    let after = self::plan(&desired, &client, &PlanOptions::default()).await;
    assert!(after.is_empty(), "{after}");
    assert_eq!(
        client
            .get_mapping("orders")
            .await
            .unwrap()
            .mapping
            .get()
            .unwrap()
            .table_name
            .get()
            .map(String::as_str),
        Some("orders")
    );

    // With --prune the two live-only resources are deleted, and nothing else.
    let pruning = self::plan(&desired, &client, &PlanOptions::prune(true)).await;
    assert_eq!(
        summary(&pruning),
        [
            "delete input \"made_in_ui\"",
            "delete event-type \"made_in_ui\"",
            "delete secret \"new_secret\"",
        ],
        "{pruning}"
    );
    assert!(pruning
        .apply(&client, &ApplyOptions::default())
        .await
        .is_success());
    assert!(self::plan(&desired, &client, &PlanOptions::prune(true))
        .await
        .is_empty());
    assert!(!client
        .get_secrets()
        .await
        .unwrap()
        .contains(&"new_secret".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_prune_nothing_is_deleted() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    for f in [
        "inputs/salesforce.json",
        "event-types/checkout.json",
        "code-engine/utils.py",
        "queries/orders.custom.json",
        "secrets.json",
    ] {
        std::fs::remove_file(dir.path().join(f)).unwrap();
    }
    let desired = Pipeline::load(dir.path()).unwrap();
    emu.clear_requests();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert!(plan.is_empty(), "{plan}");
    assert_eq!(plan.unmanaged().len(), 6, "{plan}");
    assert!(plan
        .apply(&client, &ApplyOptions::default())
        .await
        .is_success());
    assert_eq!(writes(&emu), 0);

    let pruning = self::plan(&desired, &client, &PlanOptions::prune(true)).await;
    // Deletions in reverse dependency order: queries before event types,
    // inputs before Code Engine, secrets last.
    assert_eq!(
        summary(&pruning),
        [
            "delete query \"orders.custom\"",
            "delete input \"salesforce\"",
            "delete event-type \"checkout\"",
            "delete code-module \"utils\"",
            "delete secret \"db_password\"",
            "delete secret \"partner_api_token\"",
        ],
        "{pruning}"
    );
    let report = pruning.apply(&client, &ApplyOptions::default()).await;
    assert!(report.is_success(), "{report}");
    assert!(self::plan(&desired, &client, &PlanOptions::prune(true))
        .await
        .is_empty());
}

/// A directory with three edits: an event type, an input, the notifications.
async fn three_edits(client: &alooma::Client) -> tempfile::TempDir {
    let dir = exported(client).await;
    edit_json(&dir.path().join("event-types/checkout.json"), |v| {
        v["mapping"]["tableName"] = json!("checkout_v2")
    });
    edit_json(&dir.path().join("inputs/web_events.json"), |v| {
        v["configuration"]["input_default_schema"] = json!("web")
    });
    edit_json(&dir.path().join("notifications.json"), |v| {
        v["digestFrequency"] = json!("WEEKLY")
    });
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_sends_no_write_and_shows_every_request() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = three_edits(&client).await;
    edit_json(&dir.path().join("inputs/orders_db.json"), |v| {
        v["configuration"]["port"] = json!(6543)
    });
    let desired = Pipeline::load(dir.path()).unwrap();
    let mut values = SecretValues::new();
    values.insert("INPUT_ORDERS_DB_PASSWORD", "n3w-pa55");
    let plan = plan(
        &desired,
        &client,
        &PlanOptions::default().with_secrets(values),
    )
    .await;
    assert_eq!(plan.changes().len(), 4, "{plan}");
    emu.clear_requests();
    let report = plan.apply(&client, &ApplyOptions::dry_run()).await;
    assert!(report.is_success(), "{report}");
    assert_eq!(writes(&emu), 0, "{:?}", emu.requests());
    assert_eq!(report.writes_sent, 0);
    let text = report.to_string();
    for expected in [
        "POST /event-types/checkout/mapping",
        "PUT /inputs/",
        "POST /settings/email-notifications",
        "\"password\": \"<redacted>\"",
        "dry run: no write sent",
    ] {
        assert!(text.contains(expected), "{expected} not in\n{text}");
    }
    assert!(!text.contains("n3w-pa55"), "{text}");
    // Nothing changed.
    assert_eq!(
        self::plan(&desired, &client, &PlanOptions::default())
            .await
            .changes()
            .len(),
        4
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_in_the_middle_is_reported_and_the_next_plan_lists_the_rest() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = three_edits(&client).await;
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(
        summary(&plan),
        [
            "update event-type \"checkout\"",
            "update input \"web_events\"",
            "update notifications"
        ]
    );

    emu.inject(Fault::status(500).path("inputs/").method("PUT").times(10));
    let report = plan.apply(&client, &ApplyOptions::default()).await;
    assert!(!report.is_success());
    let outcomes: Vec<&str> = report
        .steps
        .iter()
        .map(|s| match &s.outcome {
            StepOutcome::Done => "done",
            StepOutcome::Failed { .. } => "failed",
            StepOutcome::NotAttempted => "not attempted",
            _ => "other",
        })
        .collect();
    assert_eq!(outcomes, ["done", "failed", "not attempted"], "{report}");
    let failed = report.failures().next().unwrap();
    assert!(
        matches!(&failed.outcome, StepOutcome::Failed { error: Some(e), .. } if e.status().map(|s| s.as_u16()) == Some(500)),
        "{report}"
    );
    let text = report.to_string();
    assert!(
        text.contains("failed         update input \"web_events\": "),
        "{text}"
    );
    assert!(
        text.contains("Apply: 1 done, 1 failed, 1 not attempted."),
        "{text}"
    );

    let rest = self::plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(
        summary(&rest),
        ["update input \"web_events\"", "update notifications"],
        "{rest}"
    );

    // --keep-going goes past the failure.
    let report = rest
        .apply(&client, &ApplyOptions::default().keep_going(true))
        .await;
    let outcomes: Vec<bool> = report
        .steps
        .iter()
        .map(|s| matches!(s.outcome, StepOutcome::Done))
        .collect();
    assert_eq!(outcomes, [false, true], "{report}");
    let rest = self::plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(summary(&rest), ["update input \"web_events\""], "{rest}");

    emu.clear_faults();
    assert!(rest
        .apply(&client, &ApplyOptions::default())
        .await
        .is_success());
    assert_converged(&desired, &client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_twice_sends_no_write_the_second_time() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = three_edits(&client).await;
    std::fs::write(
        dir.path().join("code-engine/extra.py"),
        "def helper(x):\n    return x\n",
    )
    .unwrap();
    let desired = Pipeline::load(dir.path()).unwrap();
    let first = apply(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(first.writes_sent, 4);
    emu.clear_requests();
    let second = apply(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(second.writes_sent, 0);
    assert_eq!(writes(&emu), 0, "{:?}", emu.requests());
}

fn stored_input_password(emu: &alooma_emulator::Emulator, name: &str) -> Value {
    let state = emu.state_json();
    let nodes = state["nodes"].as_array().unwrap();
    let node = nodes.iter().find(|n| n["name"] == name).unwrap();
    node["configuration"]["password"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reference_without_a_value_keeps_the_servers_value() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    // A real password on the server.
    let mut input = client.get_input_by_name("orders_db").await.unwrap();
    let id = client
        .get_inputs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.name() == Some("orders_db"))
        .unwrap()
        .id;
    let _ = &mut input;
    let mut spec = InputSpec::new("orders_db", "POSTGRESQL").with_id(&id);
    let config = emu.state_json()["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "orders_db")
        .unwrap()["configuration"]
        .clone();
    for (k, v) in config.as_object().unwrap() {
        spec.configuration_mut().insert(k.clone(), v.clone());
    }
    spec.configuration_mut()
        .insert("password".into(), json!("the-real-pw"));
    client.edit_input(&spec).await.unwrap();

    let dir = exported(&client).await;
    let text = std::fs::read_to_string(dir.path().join("inputs/orders_db.json")).unwrap();
    assert!(!text.contains("the-real-pw"));
    edit_json(&dir.path().join("inputs/orders_db.json"), |v| {
        v["configuration"]["port"] = json!(6543)
    });
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(
        plan.changes()[0]
            .fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["~ configuration.port: 5432 -> 6543"]
    );
    assert!(plan
        .apply(&client, &ApplyOptions::default())
        .await
        .is_success());
    assert_eq!(stored_input_password(&emu, "orders_db"), "the-real-pw");
    assert_eq!(
        emu.state_json()["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == "orders_db")
            .unwrap()["configuration"]["port"],
        6543
    );
    // No request carried a placeholder.
    assert!(!format!("{:?}", emu.requests()).contains("<redacted>"));

    // With a value, the password is changed; then nothing is left to do.
    let mut values = SecretValues::new();
    values.insert("INPUT_ORDERS_DB_PASSWORD", "n3w-pa55");
    let options = PlanOptions::default().with_secrets(values);
    let plan = self::plan(&desired, &client, &options).await;
    assert_eq!(
        plan.changes()[0]
            .fields
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["~ configuration.password: (sensitive) -> (secret INPUT_ORDERS_DB_PASSWORD)"]
    );
    assert!(plan
        .apply(&client, &ApplyOptions::default())
        .await
        .is_success());
    assert_eq!(stored_input_password(&emu, "orders_db"), "n3w-pa55");
    assert!(self::plan(&desired, &client, &options).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_resource_whose_reference_has_no_value_fails_before_sending() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    std::fs::write(
        dir.path().join("inputs/new_pg.json"),
        r#"{"name": "new_pg", "type": "POSTGRESQL", "configuration": {"hostname": "h", "password": {"$secret": "NEW_PG"}}}"#,
    ).unwrap();
    edit_json(&dir.path().join("secrets.json"), |v| {
        v.as_array_mut().unwrap().push(json!("ci_token"))
    });
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(
        summary(&plan),
        ["create secret \"ci_token\"", "create input \"new_pg\""]
    );
    let text = plan.to_string();
    assert!(
        text.contains("! no value for NEW_PG: set ALOOMA_SECRET_NEW_PG"),
        "{text}"
    );
    emu.clear_requests();
    let report = plan
        .apply(&client, &ApplyOptions::default().keep_going(true))
        .await;
    assert_eq!(report.failures().count(), 2, "{report}");
    assert!(
        report.to_string().contains("ALOOMA_SECRET_NEW_PG"),
        "{report}"
    );
    assert_eq!(writes(&emu), 0);

    // With the values, both are created and the value is stored.
    let mut values = SecretValues::new();
    values.insert("NEW_PG", "pg-pw");
    values.insert("CI_TOKEN", "ci-t0ken");
    let options = PlanOptions::default().with_secrets(values);
    apply(&desired, &client, &options).await;
    assert_eq!(stored_input_password(&emu, "new_pg"), "pg-pw");
    assert_eq!(
        emu.with_state(|s| s.secrets.get("ci_token").cloned())
            .as_deref(),
        Some("ci-t0ken")
    );
    assert!(self::plan(&desired, &client, &options).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_value_written_in_a_file_is_warned_about_and_never_shown() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    edit_json(&dir.path().join("inputs/orders_db.json"), |v| {
        v["configuration"]["password"] = json!("plain-text-pw")
    });
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(plan.warnings().len(), 1, "{plan}");
    assert!(
        plan.warnings()[0]
            .contains("input \"orders_db\": configuration.password holds a secret value"),
        "{plan}"
    );
    let text = format!("{plan}{}", plan.to_json());
    assert!(!text.contains("plain-text-pw"), "{text}");
    assert!(
        text.contains("~ configuration.password: (sensitive) -> (sensitive)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_input_type_is_a_replacement() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = exported(&client).await;
    edit_json(&dir.path().join("inputs/web_events.json"), |v| {
        v["type"] = json!("MIXPANEL")
    });
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    assert_eq!(summary(&plan), ["replace input \"web_events\""]);
    assert_eq!(plan.changes()[0].action, Action::Replace);
    apply(&desired, &client, &PlanOptions::default()).await;
    assert_converged(&desired, &client).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn code_that_fails_its_test_is_not_applied() {
    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = three_edits(&client).await;
    std::fs::write(
        dir.path().join("code-engine/main.py"),
        "def transform(event):\n    return clean(event\n",
    )
    .unwrap();
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = plan(&desired, &client, &PlanOptions::default()).await;
    emu.clear_requests();
    let report = plan
        .apply(&client, &ApplyOptions::default().test_code(true))
        .await;
    assert!(!report.is_success());
    let text = report.to_string();
    assert!(
        text.contains("refused: the Code Engine modules do not load")
            && text.contains("SyntaxError")
            && text.contains("main, line 2"),
        "{text}"
    );
    assert!(report
        .steps
        .iter()
        .all(|s| matches!(s.outcome, StepOutcome::NotAttempted)));
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.method == "GET" || r.path.ends_with("/run")),
        "{:?}",
        emu.requests()
    );

    // Code that loads but raises on a sample, run for real.
    std::fs::write(
        dir.path().join("code-engine/main.py"),
        "def transform(event):\n    return event['no_such_key']\n",
    )
    .unwrap();
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = self::plan(&desired, &client, &PlanOptions::default()).await;
    let report = plan
        .apply(&client, &ApplyOptions::default().test_code(true))
        .await;
    let text = report.to_string();
    assert!(
        text.contains("refused: the Code Engine modules fail on sample 1")
            && text.contains("KeyError: 'no_such_key' (main, line 2)"),
        "{text}"
    );
    assert_eq!(report.writes_sent, 0);

    std::fs::write(
        dir.path().join("code-engine/main.py"),
        "def transform(event):\n    return event\n",
    )
    .unwrap();
    let desired = Pipeline::load(dir.path()).unwrap();
    let plan = self::plan(&desired, &client, &PlanOptions::default()).await;
    let report = plan
        .apply(&client, &ApplyOptions::default().test_code(true))
        .await;
    assert!(report.is_success(), "{report}");
    assert!(
        report.code_tests.iter().all(|l| l.ends_with("passed")) && !report.code_tests.is_empty(),
        "{report}"
    );
}

#[tokio::test]
async fn secrets_never_show_in_files_plans_reports_or_logs() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = emulator(Seed::demo()).await;
    let client = client(&emu);
    let dir = three_edits(&client).await;
    edit_json(&dir.path().join("output.json"), |v| {
        v["configuration"]["port"] = json!("5440")
    });
    edit_json(&dir.path().join("inputs/orders_db.json"), |v| {
        v["configuration"]["port"] = json!(6543)
    });
    edit_json(&dir.path().join("secrets.json"), |v| {
        v.as_array_mut().unwrap().push(json!("ci_token"))
    });
    std::fs::write(dir.path().join("s3-retention.json"), r#"{"awsBucketName": "b", "awsAccessKeyId": {"$secret": "S3_KEY"}, "awsSecretAccessKey": {"$secret": "S3_SECRET"}, "gzip": true}"#).unwrap();
    let secret_values = [
        "0ut-pa55-value",
        "n3w-pa55-value",
        "ci-t0ken-value",
        "AKIA-key-value",
        "s3-secret-value",
    ];
    let mut values = SecretValues::new();
    for (name, v) in [
        "OUTPUT_PASSWORD",
        "INPUT_ORDERS_DB_PASSWORD",
        "CI_TOKEN",
        "S3_KEY",
        "S3_SECRET",
    ]
    .iter()
    .zip(secret_values)
    {
        values.insert(name, v);
    }
    let desired = Pipeline::load(dir.path()).unwrap();
    let options = PlanOptions::default().with_secrets(values);
    let plan = plan(&desired, &client, &options).await;
    let dry = plan.apply(&client, &ApplyOptions::dry_run()).await;
    let real = plan.apply(&client, &ApplyOptions::default()).await;
    assert!(real.is_success(), "{real}");
    let again = tempfile::tempdir().unwrap();
    fetch(&client).await.write(again.path()).unwrap();
    let mut shown = vec![
        plan.to_string(),
        plan.to_json().to_string(),
        format!("{plan:?}"),
        dry.to_string(),
        real.to_string(),
        format!("{real:?}"),
        format!("{desired:?}"),
        format!("{options:?}"),
    ];
    shown.push(String::from_utf8_lossy(&buf.0.lock().unwrap()).into_owned());
    for (_, bytes) in tree(again.path()).into_iter().chain(tree(dir.path())) {
        shown.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    for text in &shown {
        for v in secret_values
            .iter()
            .chain(["s3cr3t-demo", "tok-demo-123"].iter())
        {
            assert!(!text.contains(v), "{v} shown in:\n{text}");
        }
    }
    // The values did reach the service.
    let state = emu.state_json().to_string()
        + &emu.with_state(|s| {
            format!(
                "{:?} {:?}",
                s.secrets.values().collect::<Vec<_>>(),
                s.s3_retention
            )
        });
    for v in secret_values {
        assert!(state.contains(v), "{v} not stored");
    }
}
