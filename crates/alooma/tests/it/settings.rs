//! Client methods of the settings area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::types::{EmailNotifications, S3RetentionOptions};
use alooma::Client;
use serde_json::json;

#[tokio::test]
async fn get_settings() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/settings/",
        200,
        include_str!("../../../alooma-types/tests/fixtures/settings/get_settings.json"),
    );
    let s = Client::with_service(mock).get_settings().await.unwrap();
    assert_eq!(
        s.email_notifications
            .into_option()
            .unwrap()
            .recipient_list(),
        ["user@example.com"]
    );
    assert!(!format!("{:?}", s.s3_retention).contains("Puel0J9"));
}

#[tokio::test]
async fn set_settings_email_notifications_defaults() {
    let mock = MockService::new();
    mock.on("POST", "/settings/email-notifications", 200, "");
    Client::with_service(mock.clone())
        .set_settings_email_notifications(&EmailNotifications::default())
        .await
        .unwrap();
    assert_eq!(
        mock.requests()[0].json(),
        json!({"digestInfo": true, "digestWarning": true, "digestError": true,
               "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": []})
    );
}

#[tokio::test]
async fn set_and_delete_s3_retention() {
    let mock = MockService::new();
    mock.on("POST", "/settings/s3-retention", 200, "")
        .on("POST", "/settings/s3-retention", 200, "")
        .on("DELETE", "/settings/s3-retention", 200, "");
    let client = Client::with_service(mock.clone());
    client
        .set_s3_retention(
            "bucket",
            "AKIAEXAMPLE",
            "s3cr3t",
            S3RetentionOptions::default(),
        )
        .await
        .unwrap();
    client
        .set_s3_retention(
            "bucket",
            "AKIAEXAMPLE",
            "s3cr3t",
            S3RetentionOptions::default()
                .file_prefix("raw")
                .save_metadata(false),
        )
        .await
        .unwrap();
    client.delete_s3_retention().await.unwrap();
    let reqs = mock.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"awsBucketName": "bucket", "awsAccessKeyId": "AKIAEXAMPLE",
               "awsSecretAccessKey": "s3cr3t", "saveMetadata": true, "gzip": true,
               "serverSideEncryption": true})
    );
    assert_eq!(reqs[1].json()["filePrefix"], "raw");
    assert_eq!(reqs[1].json()["saveMetadata"], false);
    assert_eq!(reqs[2].method, "DELETE");
}
