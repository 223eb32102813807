//! Requests (insta snapshots) and decoders of the settings area.
//! Snapshots: `tests/snapshots/settings__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{auth::SensitiveBody, settings::*, Error, Operation};
use alooma_types::Maybe;
use alooma_types::{DigestFrequency, EmailNotifications, S3RetentionOptions};

const SETTINGS: &str =
    include_str!("../../../alooma-types/tests/fixtures/settings/get_settings.json");
const DEFAULTS: &str = include_str!(
    "../../../alooma-types/tests/fixtures/email_notifications/set_settings_email_notifications.json"
);

#[test]
fn get_settings() {
    let op = GetSettings;
    let s = op.decode(answer(200, SETTINGS)).unwrap();
    let email = s.email_notifications.as_ref().unwrap();
    assert_eq!(email.digest_frequency, Maybe::Value(DigestFrequency::Daily));
    assert_eq!(email.digest_send_hour.get().map(|h| *h.get()), Some(20));
    let s3 = s.s3_retention.clone().into_option().unwrap();
    assert_eq!(
        s3.aws_secret_access_key.get().unwrap().expose(),
        "0123456789Puel0J9uQjT4SLbyqQoK/abcdefghi"
    );
    assert!(!format!("{s:?}").contains("Puel0J9"));
    for body in ["", "{\"email-notifications\":", "[]", "<html></html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn set_settings_email_notifications() {
    let op = SetSettingsEmailNotifications::default();
    let body: serde_json::Value = serde_json::from_slice(op.build().unwrap().body()).unwrap();
    assert_eq!(
        body,
        serde_json::from_str::<serde_json::Value>(DEFAULTS).unwrap()
    );
    let mine = SetSettingsEmailNotifications::new(
        EmailNotifications::default()
            .recipients(["ops@example.com"])
            .severities(false, true, true),
    );
    let body: serde_json::Value = serde_json::from_slice(mine.build().unwrap().body()).unwrap();
    assert_eq!(body["recipients"], serde_json::json!(["ops@example.com"]));
    assert_eq!(body["recipientsChanged"], true);
    assert_eq!(body["digestInfo"], false);
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(500, "<html>x</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn set_s3_retention() {
    let op = SetS3Retention::new(
        "alooma-retention",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        S3RetentionOptions::default()
            .file_prefix("raw/events")
            .gzip(false),
    );
    assert!(!format!("{op:?}").contains("bPxRfiCY"));
    let req = op.build().unwrap();
    assert!(req.extensions().get::<SensitiveBody>().is_some());
    let plain = SetS3Retention::new("b", "k", "s", S3RetentionOptions::default());
    let body: serde_json::Value = serde_json::from_slice(plain.build().unwrap().body()).unwrap();
    assert!(body.get("filePrefix").is_none());
    assert!(matches!(
        SetS3Retention::new("b", "k", "", S3RetentionOptions::default()).build(),
        Err(Error::Build { .. })
    ));
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(400, "bad key")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn delete_s3_retention() {
    let op = DeleteS3Retention;
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(401, "")),
        Err(Error::Auth { .. })
    ));
}

#[test]
fn odd_values_are_kept() {
    assert_kept(&GetSettings, &["{\"s3-retention\":{\"gzip\":1}}"]);
}
