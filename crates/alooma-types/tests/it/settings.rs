//! Settings: the reference's default e-mail notifications, secrets out of `Debug`.
#![allow(clippy::unwrap_used, clippy::panic)] // the shared tests/common harness panics by design

use alooma_types::*;

#[test]
fn default_email_notifications_are_the_reference_defaults() {
    let text =
        include_str!("../fixtures/email_notifications/set_settings_email_notifications.json");
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
