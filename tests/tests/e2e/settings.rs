//! Settings (digest e-mails, S3 retention) end to end.

// An integration test file: unwrap/expect/panic are how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alooma::types::{DigestFrequency, EmailNotifications, S3RetentionOptions};
use alooma_tests::{client, count, start};
use serde_json::json;

#[tokio::test]
async fn get_settings_reads_both_sections() {
    let emu = start().await;
    let c = client(&emu);
    let settings = c.get_settings().await.unwrap();
    let email = settings.email_notifications.into_option().unwrap();
    assert_eq!(email.recipient_list(), ["ops@example.com"]);
    assert_eq!(email.digest_send_hour.get().map(|h| *h.get()), Some(20));
    assert!(settings.s3_retention.is_null());
}

#[tokio::test]
async fn set_settings_email_notifications_stores_them() {
    let emu = start().await;
    let c = client(&emu);
    let wanted = EmailNotifications::default()
        .recipients(["a@example.com", "b@example.com"])
        .severities(false, true, true)
        .frequency(DigestFrequency::Other("WEEKLY".into()));
    c.set_settings_email_notifications(&wanted).await.unwrap();
    let back = c
        .get_settings()
        .await
        .unwrap()
        .email_notifications
        .into_option()
        .unwrap();
    assert_eq!(back.recipient_list(), ["a@example.com", "b@example.com"]);
    assert!(!back.digest_info());
    assert_eq!(
        back.digest_frequency,
        alooma_types::Maybe::Value(DigestFrequency::Other("WEEKLY".into()))
    );
    let stored = emu.with_state(|s| s.email_notifications.clone());
    assert_eq!(stored["digestInfo"], false);
    assert_eq!(stored["recipientsChanged"], true);
}

#[tokio::test]
async fn set_s3_retention_then_delete_s3_retention() {
    let emu = start().await;
    let c = client(&emu);
    c.set_s3_retention(
        "archive-bucket",
        "AKIARETAIN",
        "retention-secret",
        S3RetentionOptions::default()
            .file_prefix("raw/")
            .gzip(false),
    )
    .await
    .unwrap();
    let stored = emu.with_state(|s| s.s3_retention.clone()).unwrap();
    assert_eq!(stored["awsBucketName"], "archive-bucket");
    assert_eq!(stored["awsAccessKeyId"], "AKIARETAIN");
    assert_eq!(stored["awsSecretAccessKey"], "retention-secret");
    assert_eq!(stored["filePrefix"], "raw/");
    assert_eq!(stored["gzip"], false);
    assert_eq!(stored["saveMetadata"], true);
    assert_eq!(stored["serverSideEncryption"], true);
    let back = c
        .get_settings()
        .await
        .unwrap()
        .s3_retention
        .into_option()
        .unwrap();
    assert_eq!(back.aws_bucket_name, "archive-bucket");
    assert_eq!(back.file_prefix.as_deref(), Some("raw/"));
    c.delete_s3_retention().await.unwrap();
    assert!(emu.with_state(|s| s.s3_retention.is_none()));
    assert_eq!(emu.state_json()["settings"]["s3-retention"], json!(false));
    assert_eq!(count(&emu, "DELETE", "settings/s3-retention"), 1);
}
