//! Client methods of the credits area over `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns may panic

use alooma::mock::MockService;
use alooma::{Client, Error};

#[tokio::test]
async fn get_company_credits() {
    let mock = MockService::new();
    mock.on(
        "GET",
        "/credits/company",
        200,
        include_str!(
            "../../../alooma-types/tests/fixtures/company_credits/get_company_credits.json"
        ),
    );
    let c = Client::with_service(mock)
        .get_company_credits()
        .await
        .unwrap();
    assert_eq!(c.payment_period.as_deref(), Some("Annually"));
}

#[tokio::test]
async fn get_used_credits() {
    let used =
        include_str!("../../../alooma-types/tests/fixtures/used_credits/get_used_credits.json");
    let mock = MockService::new();
    mock.on("GET", "/credits/used-credits", 200, used)
        .on(
            "GET",
            "/credits/used-credits?from=2018-10-24&to=2018-10-28&all=True",
            200,
            used,
        )
        .on("GET", "/credits/used-credits?to=2018-10-28", 200, used);
    let client = Client::with_service(mock.clone());
    assert_eq!(
        client
            .get_used_credits(None, None, false)
            .await
            .unwrap()
            .len(),
        5
    );
    client
        .get_used_credits(Some("2018-10-24"), Some("2018-10-28"), true)
        .await
        .unwrap();
    client
        .get_used_credits(None, Some("2018-10-28"), false)
        .await
        .unwrap();
    let err = client
        .get_used_credits(Some("yesterday"), None, false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }));
    assert_eq!(mock.requests().len(), 3);
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn get_loaded_events_per_table_summary() {
    let body = include_str!(
        "../../../alooma-types/tests/fixtures/loaded_events/get_loaded_events_per_table_summary.json"
    );
    let mock = MockService::new();
    mock.on(
        "GET",
        "/events/loaded-events-per-table/summary?from=2018-12-13T00%3A00%3A00&to=2018-12-13T07%3A25%3A18&all=True",
        200,
        body,
    )
    .on(
        "GET",
        "/events/loaded-events-per-table/summary?from=2018-12-13T00%3A00%3A00",
        200,
        body,
    );
    let client = Client::with_service(mock.clone());
    let rows = client
        .get_loaded_events_per_table_summary(
            "2018-12-13T00:00:00",
            Some("2018-12-13T07:25:18"),
            true,
        )
        .await
        .unwrap();
    assert_eq!(rows[0].table_name.as_deref(), Some("SAMPLE1.USER_LOG"));
    client
        .get_loaded_events_per_table_summary("2018-12-13T00:00:00", None, false)
        .await
        .unwrap();
    let err = client
        .get_loaded_events_per_table_summary("2018-12-13", None, false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Build { .. }));
    assert_eq!(mock.pending(), 0);
}
