//! `alooma::blocking::Client`: one generic `call` over the async client,
//! safe construction and drop around async contexts.
// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::panic)]
#![cfg(feature = "blocking")]

use alooma::mock::MockService;
use alooma::{blocking, Error, RetryPolicy, Transport};
use std::time::Duration;

fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}

#[test]
fn blocking_clients_are_clone_send_sync() {
    assert_clone_send_sync::<blocking::Client>();
    assert_clone_send_sync::<blocking::Client<Transport>>();
    assert_clone_send_sync::<blocking::Client<MockService>>();
}

#[test]
fn call_runs_any_method_of_the_async_client() {
    let mock = MockService::new();
    mock.on("GET", "/event-types", 200, r#"[{"name":"a"},{"name":"b"}]"#)
        .on(
            "GET",
            "/event-types/a%2Fb",
            200,
            r#"{"name":"a/b","fields":[]}"#,
        )
        .on("GET", "/repository", 200, r#"{"config_clientName":"acme"}"#);
    let alooma = blocking::Client::with_service(mock.clone()).unwrap();
    let names: Vec<String> = alooma
        .call(|c| c.get_event_types())
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        alooma.call(|c| c.get_event_type("a/b")).unwrap().name,
        "a/b"
    );
    assert_eq!(alooma.call(|c| c.get_account_name()).unwrap(), "acme");
    let uris: Vec<String> = mock.requests().into_iter().map(|r| r.uri).collect();
    assert_eq!(uris, ["/event-types", "/event-types/a%2Fb", "/repository"]);
}

#[test]
fn every_method_is_a_blocking_method_too() {
    let mock = MockService::new();
    mock.always("GET", "/event-types", 200, r#"[{"name":"a"}]"#)
        .on(
            "GET",
            "/event-types/a",
            200,
            r#"{"name":"a","stats":{"count":1},"fields":[]}"#,
        )
        .on("POST", "/event-types/a/mapping", 200, "")
        .on("PUT", "/secrets", 200, "")
        .on("GET", "/repository", 200, r#"{"config_clientName":"acme"}"#);
    let alooma = blocking::Client::with_service(mock.clone()).unwrap();
    // Requests, directly, with the async methods' signatures.
    assert_eq!(alooma.get_event_types().unwrap()[0].name, "a");
    let mut mapping = alooma.get_mapping("a").unwrap();
    assert!(mapping.stats.is_absent(), "get_mapping removed the stats");
    // Offline helpers too.
    let field = alooma.add_field(mapping.fields_mut(), "user");
    field.field_name = "user".into();
    alooma.set_mapping(&mapping, "a").unwrap();
    alooma.set_secrets([("db_user", "u")]).unwrap();
    assert_eq!(alooma.get_account_name().unwrap(), "acme");
    // Any operation, by hand.
    let names = alooma
        .send(alooma::core::event_types::GetEventTypes)
        .unwrap();
    assert_eq!(names.len(), 1);
    assert_eq!(mock.requests().len(), 6);
}

#[test]
fn a_blocking_method_inside_an_async_context_is_a_config_error() {
    let alooma = blocking::Client::with_service(MockService::new()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = runtime.block_on(async { alooma.get_event_types().unwrap_err() });
    assert!(matches!(err, Error::Config { .. }), "{err}");
    drop(runtime);
}

#[test]
fn api_errors_come_back_unchanged() {
    let mock = MockService::new();
    mock.on("GET", "/event-types/x", 500, "boom");
    let alooma = blocking::Client::with_service(mock).unwrap();
    let err = alooma.call(|c| c.get_event_type("x")).unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err}");
}

#[test]
fn clones_share_the_runtime_and_outlive_the_original() {
    let mock = MockService::new();
    mock.always("GET", "/event-types", 200, "[]");
    let alooma = blocking::Client::with_service(mock.clone()).unwrap();
    let clone = alooma.clone();
    drop(alooma);
    assert!(clone.call(|c| c.get_event_types()).unwrap().is_empty());
    // From another thread, too.
    let again = clone.clone();
    std::thread::spawn(move || again.call(|c| c.get_event_types()).unwrap())
        .join()
        .unwrap();
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn building_does_no_network_io_and_the_first_call_connects() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let alooma = blocking::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::none())
        .connect_timeout(Duration::from_secs(2))
        .build_blocking()
        .unwrap();
    let err = alooma.call(|c| c.get_event_types()).unwrap_err();
    assert!(err.is_retryable(), "{err:?}");

    let from_builder = blocking::Client::from_builder(
        alooma::Client::builder()
            .base_url("http://127.0.0.1:9")
            .account("acme"),
    )
    .unwrap();
    assert_eq!(from_builder.call(|c| c.get_account_name()).unwrap(), "acme");
    assert!(matches!(
        blocking::Client::from_builder(alooma::Client::builder().base_url("nope")),
        Err(Error::Config { .. })
    ));
}

#[tokio::test]
async fn inside_an_async_context_it_refuses_instead_of_panicking() {
    let err = blocking::Client::with_service(MockService::new()).unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("async"), "{err}");
}

#[test]
fn call_inside_an_async_context_is_a_config_error() {
    let mock = MockService::new();
    mock.always("GET", "/event-types", 200, "[]");
    let alooma = blocking::Client::with_service(mock.clone()).unwrap();
    let other = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = other.block_on(async { alooma.call(|c| c.get_event_types()) });
    assert!(matches!(result, Err(Error::Config { .. })), "{result:?}");
    assert!(mock.requests().is_empty());
    // Outside it works again.
    assert!(alooma.call(|c| c.get_event_types()).unwrap().is_empty());
}

#[test]
fn dropping_inside_another_runtime_does_not_panic() {
    let alooma = blocking::Client::with_service(MockService::new()).unwrap();
    let other = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    other.block_on(async move {
        drop(alooma);
    });
    let alooma = blocking::Client::with_service(MockService::new()).unwrap();
    // On one of the other runtime's worker threads.
    other
        .block_on(other.spawn(async move { drop(alooma) }))
        .unwrap();
}

#[test]
fn from_async_shares_the_async_clients_state() {
    let mock = MockService::new();
    mock.on("GET", "/repository", 200, r#"{"config_clientName":"acme"}"#);
    let client = alooma::Client::with_service(mock.clone());
    let alooma = blocking::Client::from_async(client.clone()).unwrap();
    assert_eq!(alooma.call(|c| c.get_account_name()).unwrap(), "acme");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // The async clone sees the name the blocking client resolved.
    assert_eq!(rt.block_on(client.get_account_name()).unwrap(), "acme");
    assert_eq!(mock.requests().len(), 1);
    assert_eq!(alooma.block_on(async { 6 * 7 }).unwrap(), 42);
}
