//! The request journal: what it records, its filters, its redaction of
//! every secret field, and the verify helper.

use crate::common::{admin, call, get_ok, ok, raw, Auth};
use alooma_emulator::{Clock, Emulator, Expect, JournalFilter};
use http::Method;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn every_request_is_recorded_with_its_operation_status_and_body() {
    let emu = Emulator::builder()
        .clock(Clock::manual(1_700_000_000_000))
        .start()
        .await
        .unwrap();
    get_ok(&emu, "inputs").await;
    ok(
        &emu,
        Method::POST,
        "event-types/orders/mapping",
        Some(json!({"name": "orders", "mappingMode": "STRICT"})),
    )
    .await;
    call(&emu, Method::GET, "event-types/none-such", None)
        .await
        .assert_error(404);
    ok(
        &emu,
        Method::PUT,
        "inputs/7f0e2a10-3c55-4b8d-a2f4-0000000000a1/pause?pause=false",
        None,
    )
    .await;
    let log = emu.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].operation.as_deref(), Some("get_inputs"));
    assert_eq!(log[0].seq, 1);
    assert_eq!(log[0].time_ms, 1_700_000_000_000);
    assert_eq!(log[0].time, "2023-11-14T22:13:20.000000");
    assert_eq!(log[0].account.as_deref(), Some("acme"));
    assert_eq!(log[1].operation.as_deref(), Some("set_mapping"));
    assert_eq!(log[1].method, "POST");
    assert_eq!(log[1].path, "/acme/rest/event-types/orders/mapping");
    assert_eq!(
        log[1].body,
        Some(json!({"name": "orders", "mappingMode": "STRICT"}))
    );
    assert_eq!(log[1].status, Some(200));
    assert_eq!(log[2].status, Some(404));
    assert_eq!(log[3].operation.as_deref(), Some("resume_input_by_id"));
    assert_eq!(log[3].query.as_deref(), Some("pause=false"));
    // The admin API is not journaled.
    admin(&emu, Method::GET, "state", None).await;
    assert_eq!(emu.requests().len(), 4);
}

#[tokio::test]
async fn the_journal_filters_by_operation_time_sequence_and_limit_and_clears() {
    let clock = Clock::manual(1_700_000_000_000);
    let emu = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    get_ok(&emu, "inputs").await;
    clock.advance(Duration::from_secs(60));
    get_ok(&emu, "event-types").await;
    get_ok(&emu, "inputs").await;
    let by_op = admin(&emu, Method::GET, "requests?operation=get_inputs", None)
        .await
        .json();
    assert_eq!(by_op.as_array().unwrap().len(), 2);
    for since in ["1700000030", "1700000030000", "2023-11-14T22:13:50"] {
        let recent = admin(&emu, Method::GET, &format!("requests?since={since}"), None)
            .await
            .json();
        assert_eq!(recent.as_array().unwrap().len(), 2, "since={since}");
    }
    let after = admin(&emu, Method::GET, "requests?after=2", None)
        .await
        .json();
    assert_eq!(after[0]["seq"], 3);
    let newest = admin(&emu, Method::GET, "requests?limit=1", None)
        .await
        .json();
    assert_eq!(newest.as_array().unwrap().len(), 1);
    assert_eq!(newest[0]["seq"], 3);
    admin(&emu, Method::GET, "requests?since=soon", None)
        .await
        .assert_error(400);
    admin(&emu, Method::GET, "requests?colour=red", None)
        .await
        .assert_error(400);
    let rust = emu.requests_matching(&JournalFilter::default().operation("get_event_types"));
    assert_eq!(rust.len(), 1);
    assert_eq!(
        admin(&emu, Method::DELETE, "requests", None).await.status,
        200
    );
    assert!(emu.requests().is_empty());
    get_ok(&emu, "inputs").await;
    assert_eq!(emu.requests()[0].seq, 4, "numbering goes on after a clear");
}

/// Every secret a client sends, in every place it is sent: none reaches
/// the journal (Rust API, HTTP, web page), every other value does.
#[tokio::test]
async fn the_journal_redacts_every_secret_field() {
    let emu = Emulator::start().await.unwrap();
    let secrets = [
        "pw-input-1",
        "AKIA-ACCESS",
        "aws-secret-2",
        "pw-output-3",
        "secret-value-4",
        "secret-value-5",
        "tok-6",
        "ssh-priv-7",
        "phrase-8",
        "emulator-password",
    ];
    ok(
        &emu,
        Method::POST,
        "plumbing/inputs",
        Some(json!({"name": "db", "type": "MYSQL", "configuration": {
            "server": "db.example", "password": secrets[0],
            "awsAccessKeyId": secrets[1], "awsSecretAccessKey": secrets[2],
            "auth": {"api_token": secrets[6], "ssh_private_key": secrets[7], "passphrase": secrets[8]}}})),
    )
    .await;
    let output = "5b1c6d2e-0a41-4f7e-9c11-000000000005";
    ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{output}"),
        Some(json!({"configuration": {"hostname": "rs.example", "password": secrets[3], "sinkType": "REDSHIFT"}})),
    )
    .await;
    ok(
        &emu,
        Method::PUT,
        "secrets",
        Some(json!({"DB_PASSWORD": secrets[4], "PLAIN_NAME": secrets[5]})),
    )
    .await;
    let login = raw(
        &emu,
        Method::POST,
        "/acme/rest/login",
        Some(
            json!({"email": "demo@example.com", "password": secrets[9]})
                .to_string()
                .into_bytes(),
        ),
        Auth::None,
    )
    .await;
    assert_eq!(login.status, 200);
    let rust = format!("{:?}", emu.requests());
    let http = String::from_utf8_lossy(&admin(&emu, Method::GET, "requests", None).await.body)
        .into_owned();
    let page = String::from_utf8_lossy(&admin(&emu, Method::GET, "", None).await.body).into_owned();
    for (name, text) in [("Rust API", &rust), ("HTTP", &http), ("web page", &page)] {
        for s in secrets {
            assert!(!text.contains(s), "{name} leaks {s}");
        }
        assert!(text.contains("db.example"), "{name} keeps the rest");
        assert!(text.contains("DB_PASSWORD"), "{name} keeps secret names");
    }
    let log = emu.requests();
    let input = log[0].body.as_ref().unwrap();
    assert_eq!(
        input["configuration"]["password"],
        alooma_emulator::journal::REDACTED
    );
    assert_eq!(input["configuration"]["server"], "db.example");
}

#[tokio::test]
async fn verify_counts_calls_with_a_body_subset_and_says_what_it_saw() {
    let emu = Emulator::start().await.unwrap();
    for mode in ["STRICT", "FLEXIBLE"] {
        ok(
            &emu,
            Method::POST,
            "event-types/orders/mapping",
            Some(json!({"name": "orders", "mappingMode": mode, "fields": [{"fieldName": "a", "fields": []}]})),
        )
        .await;
    }
    emu.verify(Expect::operation("set_mapping").times(2))
        .unwrap();
    emu.verify(
        Expect::operation("set_mapping")
            .body(json!({"mappingMode": "STRICT"}))
            .times(1),
    )
    .unwrap();
    emu.verify(
        Expect::operation("set_mapping")
            .body(json!({"fields": [{"fieldName": "a"}]}))
            .times(2),
    )
    .unwrap();
    emu.verify(Expect::operation("set_mapping").status(200))
        .unwrap();
    emu.verify(Expect::operation("delete_event_type").never())
        .unwrap();
    let err = emu
        .verify(Expect::operation("set_mapping").body(json!({"mappingMode": "AUTO_MAP"})))
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("0 matched, of 2 call(s)"), "{text}");
    assert!(
        text.contains("/acme/rest/event-types/orders/mapping"),
        "{text}"
    );
    assert!(text.contains("FLEXIBLE"), "shows the bodies seen: {text}");
    assert_eq!(err.calls.len(), 2);
    let _: Value = json!(err.matching);
}

#[tokio::test]
async fn the_admin_state_redacts_input_and_output_credentials() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::POST,
        "plumbing/inputs",
        Some(json!({"name": "db", "type": "MYSQL", "configuration": {"server": "h", "password": "in-pw-77"}})),
    )
    .await;
    ok(&emu, Method::PUT, "secrets", Some(json!({"S": "sv-88"}))).await;
    let state =
        String::from_utf8_lossy(&admin(&emu, Method::GET, "state", None).await.body).into_owned();
    assert!(
        !state.contains("in-pw-77") && !state.contains("sv-88"),
        "{state}"
    );
    assert!(state.contains("\"server\":\"h\""));
}
