//! Scenario chains: several operations in a row, each step checked by
//! reading the state back through the client and the emulator. Each chain
//! is a function of the emulator it runs on: its test runs it on the demo
//! account, and `cassettes.rs` runs every chain again on a copy of the
//! account seeded from a recorded session ([`CHAINS`]).

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::core::inputs::InputFilter;
use alooma::mapping::{discard_field, map_field, FieldPath};
use alooma::types::{ColumnType, EmailNotifications, InputSpec, S3RetentionOptions, Schedule};
use alooma_emulator::Emulator;
use alooma_tests::{client, count, start};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

/// The chain of [`input_lifecycle_create_list_edit_pause_resume_remove`] on `emu`.
pub(crate) async fn input_lifecycle(emu: Emulator) {
    let c = client(&emu);
    // Create.
    let spec =
        InputSpec::new("events_api", "RESTAPI").with_config("input_default_schema", "public");
    let id = c.create_input(&spec).await.unwrap();
    // Listed.
    let listed = c
        .get_inputs_with(&InputFilter::new().name("events_api"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(
        c.get_input_by_name("events_api")
            .await
            .unwrap()
            .job
            .get()
            .unwrap()
            .id,
        id.as_str()
    );
    // Edited.
    let edited = spec
        .clone()
        .with_id(&id)
        .with_config("input_default_schema", "analytics");
    c.edit_input(&edited).await.unwrap();
    let job = c
        .get_input_by_id(&id)
        .await
        .unwrap()
        .job
        .into_option()
        .unwrap();
    assert_eq!(
        job.configuration.into_option().unwrap()["input_default_schema"],
        "analytics"
    );
    // Paused, then resumed.
    c.pause_input_by_id(&id).await.unwrap();
    let details = c.get_input_by_id(&id).await.unwrap();
    assert_eq!(
        details.job.get().unwrap().paused.get().map(|p| *p.get()),
        Some(true)
    );
    assert!(details
        .tasks()
        .values()
        .all(|t| t.status.as_deref() == Some("paused")));
    c.resume_input_by_id(&id).await.unwrap();
    let details = c.get_input_by_id(&id).await.unwrap();
    assert_eq!(
        details.job.get().unwrap().paused.get().map(|p| *p.get()),
        Some(false)
    );
    assert!(details
        .tasks()
        .values()
        .all(|t| t.status.as_deref() == Some("active")));
    // Removed.
    c.remove_input(&id).await.unwrap();
    assert!(c
        .get_inputs_with(&InputFilter::new().input_id(&id))
        .await
        .unwrap()
        .is_empty());
    assert!(c.get_input_by_id(&id).await.is_err());
    assert!(emu.with_state(|s| s.node(&id).is_none() && !s.input_meta.contains_key(&id)));
}

/// The chain of [`mapping_round_trip_get_edit_offline_set_get`] on `emu`.
pub(crate) async fn mapping_round_trip(emu: Emulator) {
    let c = client(&emu);
    let mut mapping = c.get_mapping("page_view").await.unwrap();
    let original = mapping.clone();
    // Offline edits, with the mapping crate directly and with the client's helpers.
    let referrer: FieldPath = "referrer".parse().unwrap();
    discard_field(&mut mapping, &referrer).unwrap();
    let city: FieldPath = "user.geo.city".parse().unwrap();
    map_field(
        &mut mapping,
        &city,
        "city",
        ColumnType::new("VARCHAR").with_length(200),
    )
    .unwrap();
    c.unmap_field(&mut mapping, "user.email").unwrap();
    c.map_field(
        &mut mapping,
        "device.type",
        "device_type",
        ColumnType::new("VARCHAR").with_length(16),
    )
    .unwrap();
    // Nothing was sent while editing.
    assert_eq!(count(&emu, "POST", "event-types/page_view/mapping"), 0);
    assert_ne!(mapping, original);
    c.set_mapping(&mapping, "page_view").await.unwrap();
    let mut back = c.get_mapping("page_view").await.unwrap();
    assert_eq!(back.fields(), mapping.fields());
    let r = c.find_field_name(&mut back, "referrer", false).unwrap();
    assert!(r.mapping.get().unwrap().discarded());
    let city = c
        .find_field_name(&mut back, "user.geo.city", false)
        .unwrap();
    let city_mapping = city.mapping.get().unwrap();
    assert_eq!(city_mapping.column_name.as_deref(), Some("city"));
    assert_eq!(city_mapping.column_type().unwrap().length(), Some(200));
    assert!(c.find_field_name(&mut back, "user.email", false).is_err());
    let device = c.find_field_name(&mut back, "device.type", false).unwrap();
    assert_eq!(
        device.mapping.get().unwrap().column_name.as_deref(),
        Some("device_type")
    );
}

/// The chain of [`code_engine_set_then_read_each_module`] on `emu`.
pub(crate) async fn code_engine_modules(emu: Emulator) {
    let c = client(&emu);
    let modules: BTreeMap<String, String> = [
        (
            "main".to_owned(),
            "def transform(event):\n\treturn event".to_owned(),
        ),
        ("lib/geo".to_owned(), "COUNTRIES = {}".to_owned()),
    ]
    .into();
    c.set_code_engine_code(&modules).await.unwrap();
    for (name, code) in &modules {
        assert_eq!(&c.get_code_engine_module(name).await.unwrap(), code);
    }
    let all = c.get_code_engine_code().await.unwrap();
    assert_eq!(all["lib/geo"], "COUNTRIES = {}");
    assert!(all.contains_key("utils"));
}

/// The chain of [`scheduled_query_schedule_list_run_remove`] on `emu`.
pub(crate) async fn scheduled_query(emu: Emulator) {
    let c = client(&emu);
    let created = c
        .schedule_query(
            "page_view",
            "INSERT INTO page_view_daily SELECT 1",
            Schedule::Every { hours: 24 },
        )
        .await
        .unwrap();
    let id = created["id"].to_string();
    let listed = c.get_queries().await.unwrap();
    assert_eq!(listed.len(), 3);
    let q = listed.get(&id).unwrap();
    let config = q.configuration.get().unwrap();
    assert_eq!(config.event_type.as_deref(), Some("page_view"));
    assert_eq!(
        config.custom_query.as_deref(),
        Some("INSERT INTO page_view_daily SELECT 1")
    );
    assert_eq!(config.frequency_hours(), Some(24.0));
    let before_run = q.last_processing_time.clone();
    c.run_query(&id).await.unwrap();
    let after = c.get_queries().await.unwrap();
    let ran = after.get(&id).unwrap();
    assert_ne!(ran.last_processing_time, before_run);
    assert_eq!(
        count(&emu, "POST", &format!("v2/consolidation/{id}/run")),
        1
    );
    c.remove_scheduled_query(&id).await.unwrap();
    let remaining = c.get_queries().await.unwrap();
    assert_eq!(remaining.len(), 2);
    assert!(remaining.get(&id).is_none());
}

/// The chain of [`clean_system_leaves_a_clean_system`] on `emu`.
pub(crate) async fn clean_system(emu: Emulator) {
    let c = client(&emu);
    // Dirty the system first, through the client.
    c.create_input(&InputSpec::new("extra", "RESTAPI"))
        .await
        .unwrap();
    c.set_s3_retention("bucket", "AKIA", "secret", S3RetentionOptions::default())
        .await
        .unwrap();
    assert!(emu.with_state(|s| s.s3_retention.is_some()));
    let report = c.clean_system().await;
    assert!(report.is_success(), "{report}");

    // No inputs but the Restream Queue (read back through the client).
    assert!(c.get_inputs().await.unwrap().is_empty());
    let structure = c.get_structure().await.unwrap();
    let inputs: Vec<&str> = structure
        .nodes()
        .iter()
        .filter(|n| n.is_input())
        .map(|n| n.node_type.as_deref().unwrap())
        .collect();
    assert_eq!(inputs, ["RESTREAM"]);
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    // No event types.
    assert!(c.get_event_types().await.unwrap().is_empty());
    // The default transform.
    assert_eq!(
        c.get_code_engine_module("main").await.unwrap(),
        "def transform(event):\n\treturn event"
    );
    // Default e-mail settings, no S3 retention.
    let settings = c.get_settings().await.unwrap();
    assert_eq!(
        settings.email_notifications.into_option().unwrap(),
        EmailNotifications::default()
    );
    assert!(settings.s3_retention.is_null());
    // And the same, read from the emulator's state.
    let state = emu.state_json();
    assert_eq!(state["event_types"], serde_json::json!({}));
    assert_eq!(state["settings"]["s3-retention"], false);
    assert_eq!(
        state["settings"]["email-notifications"],
        serde_json::json!({
            "digestInfo": true, "digestWarning": true, "digestError": true,
            "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": []
        })
    );
    assert!(emu.with_state(|s| s.input_meta.is_empty()));
}

/// A chain, boxed to sit in a list.
pub(crate) type Chain = fn(Emulator) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Every chain, by name.
pub(crate) const CHAINS: &[(&str, Chain)] = &[
    ("input_lifecycle", |emu| Box::pin(input_lifecycle(emu))),
    ("mapping_round_trip", |emu| {
        Box::pin(mapping_round_trip(emu))
    }),
    ("code_engine_modules", |emu| {
        Box::pin(code_engine_modules(emu))
    }),
    ("scheduled_query", |emu| Box::pin(scheduled_query(emu))),
    ("clean_system", |emu| Box::pin(clean_system(emu))),
];

#[tokio::test]
async fn input_lifecycle_create_list_edit_pause_resume_remove() {
    input_lifecycle(start().await).await;
}

#[tokio::test]
async fn mapping_round_trip_get_edit_offline_set_get() {
    mapping_round_trip(start().await).await;
}

#[tokio::test]
async fn code_engine_set_then_read_each_module() {
    code_engine_modules(start().await).await;
}

#[tokio::test]
async fn scheduled_query_schedule_list_run_remove() {
    scheduled_query(start().await).await;
}

#[tokio::test]
async fn clean_system_leaves_a_clean_system() {
    clean_system(start().await).await;
}
