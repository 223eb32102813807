//! Round trips of the settings examples.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use crate::common::{check_area, round_trip};
use alooma_types::*;

#[test]
fn settings_fixtures_round_trip() {
    check_area(
        "settings",
        &[
            ("get_settings.json", round_trip::<Settings>),
            (
                "set_settings_email_notifications.json",
                round_trip::<EmailNotifications>,
            ),
        ],
    );
}

#[test]
fn default_email_notifications_are_the_reference_defaults() {
    let text = include_str!("../fixtures/settings/set_settings_email_notifications.json");
    let expected: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(EmailNotifications::default()).unwrap(),
        expected
    );
}

#[test]
fn the_aws_secret_key_is_redacted() {
    let s: Settings =
        serde_json::from_str(include_str!("../fixtures/settings/get_settings.json")).unwrap();
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("Puel0J9uQjT4SLbyqQoK"), "{dbg}");
}
