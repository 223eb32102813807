//! Requests (insta snapshots) and decoders of the scheduled-queries area.
//! Snapshots: `tests/snapshots/queries__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers outside #[test] fns

use crate::common::*;

use alooma_core::{queries::*, render, Error, Operation, RetrySafety};
use alooma_types::{QueryConfiguration, QueryStatus, Schedule, ScheduledQueries};

const QUERIES: &str =
    include_str!("../../../alooma-types/tests/fixtures/scheduled_queries/get_queries.json");

fn one_query() -> String {
    let v: serde_json::Value = serde_json::from_str(QUERIES).unwrap();
    v["1234"].to_string()
}

fn bad_bodies<O: Operation>(op: &O)
where
    O::Output: std::fmt::Debug,
{
    for body in ["", "{\"1\":", "3", "<html>x</html>"] {
        assert!(
            matches!(op.decode(answer(200, body)), Err(Error::Decode { .. })),
            "{body}"
        );
    }
    assert!(matches!(
        op.decode(answer(500, "<html>x</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn get_queries() {
    let op = GetQueries;
    let by_id = op.decode(answer(200, QUERIES)).unwrap();
    let q = by_id.get("1234").unwrap();
    assert_eq!(q.status, alooma_types::Maybe::Value(QueryStatus::Active));
    assert_eq!(
        q.configuration.as_ref().unwrap().frequency_hours(),
        Some(8.0)
    );
    let list = op
        .decode(answer(200, &format!("[{}]", one_query())))
        .unwrap();
    assert!(matches!(list, ScheduledQueries::List(_)));
    assert_eq!(list.iter().next().unwrap().0.as_deref(), Some("1234"));
    bad_bodies(&op);
}

#[test]
fn get_query_by_event_type() {
    let op = GetQueryByEventType::new("web/clicks & more");
    let q = op
        .decode(answer(200, &format!("[{}]", one_query())))
        .unwrap();
    assert_eq!(q.state_id.as_deref(), Some("1234"));
    let one_by_id = op.decode(answer(200, QUERIES)).unwrap();
    assert_eq!(one_by_id.state_id.as_deref(), Some("1234"));
    match op.decode(answer(200, "[]")).unwrap_err() {
        Error::NotFound { what, .. } => assert!(what.contains("no scheduled query"), "{what}"),
        e => panic!("{e}"),
    }
    let two = format!("[{0},{0}]", one_query());
    match op.decode(answer(200, &two)).unwrap_err() {
        Error::NotFound { what, .. } => assert!(what.contains("2 scheduled queries"), "{what}"),
        e => panic!("{e}"),
    }
    bad_bodies(&op);
}

#[test]
fn get_queries_in_error_state() {
    let op = GetQueries;
    snapshot!("get_queries_in_error_state", render(&op.build().unwrap()));
    let all = op
        .decode(answer(
            200,
            r#"[{"state_id":"1","error_message":""},{"state_id":"2","error_message":null},
                {"state_id":"3","error_message":"relation does not exist"},{"state_id":"4"}]"#,
        ))
        .unwrap();
    let failed = queries_in_error_state(all);
    let ids: Vec<String> = failed.iter().filter_map(|(id, _)| id).collect();
    assert_eq!(ids, ["3"]);
}

#[test]
fn get_scheduled_queries() {
    let op = GetScheduledQueries;
    let all = op.decode(answer(200, QUERIES)).unwrap();
    assert!(matches!(all, ScheduledQueries::ById(_)));
    bad_bodies(&op);
}

#[test]
fn get_scheduled_queries_in_error_state() {
    let op = GetScheduledQueries;
    snapshot!(
        "get_scheduled_queries_in_error_state",
        render(&op.build().unwrap())
    );
    let all = op
        .decode(answer(
            200,
            r#"{"1":{"status":"active"},"2":{"status":"done"},"3":{"status":"failed"},"4":{}}"#,
        ))
        .unwrap();
    let failed = scheduled_queries_in_error_state(all);
    assert_eq!(
        serde_json::to_value(&failed).unwrap(),
        serde_json::json!({"3": {"status": "failed"}})
    );
}

#[test]
fn schedule_default_query() {
    let mut config = QueryConfiguration::new("orders/v2").frequency(8);
    config.custom_variables =
        alooma_types::Maybe::Value(serde_json::from_str(r#"{"keep":"me","over":"old"}"#).unwrap());
    let op = ScheduleDefaultQuery::new(config.clone())
        .custom_variables(serde_json::from_str(r#"{"over":"new","webhook":"w"}"#).unwrap());
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    // The caller's configuration is not changed.
    assert_eq!(op.configuration, config);
    let q = op.decode(answer(200, &one_query())).unwrap();
    assert_eq!(q.state_id.as_deref(), Some("1234"));
    assert!(matches!(
        op.decode(answer(200, "[")),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        op.decode(answer(400, "no event type")),
        Err(Error::Api { .. })
    ));
    let no_type = ScheduleDefaultQuery::new(QueryConfiguration::default());
    assert!(matches!(no_type.build(), Err(Error::Build { .. })));
}

#[test]
fn schedule_query() {
    let op = ScheduleQuery::new(
        "orders",
        "insert into x select * from y;",
        Schedule::Every { hours: 8 },
    );
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    let cron = ScheduleQuery::new("orders", "select 1;", Schedule::Cron("0 3 * * *".into()));
    let body: serde_json::Value = serde_json::from_slice(cron.build().unwrap().body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"custom_query": "select 1;", "event_type": "orders",
                           "avoid_duplicates": false, "run_at": "0 3 * * *"})
    );
    for bad in [
        ScheduleQuery::new("orders", "select 1;", Schedule::Every { hours: 0 }),
        ScheduleQuery::new("orders", "select 1;", Schedule::Cron("  ".into())),
        ScheduleQuery::new("", "select 1;", Schedule::Every { hours: 1 }),
        ScheduleQuery::new("orders", "", Schedule::Every { hours: 1 }),
    ] {
        assert!(matches!(bad.build(), Err(Error::Build { .. })), "{bad:?}");
    }
    assert_eq!(op.decode(answer(200, "")).unwrap(), serde_json::Value::Null);
    assert_eq!(op.decode(answer(200, r#"{"id":7}"#)).unwrap()["id"], 7);
    assert!(matches!(
        op.decode(answer(200, "{")),
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        op.decode(answer(500, "<html>x</html>")),
        Err(Error::Api { .. })
    ));
}

#[test]
fn remove_scheduled_query() {
    let op = RemoveScheduledQuery::new("12/34");
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(op.decode(answer(404, "")), Err(Error::Api { .. })));
}

#[test]
fn run_query() {
    let op = RunQuery::new("1234");
    assert_eq!(op.meta().retry, RetrySafety::NotIdempotent);
    op.decode(answer(200, "")).unwrap();
    assert!(matches!(
        op.decode(answer(504, "")),
        Err(Error::ServerTimeout { .. })
    ));
}

#[test]
fn odd_values_are_kept() {
    assert_kept(
        &GetQueries,
        &["[{\"status\":1}]", "{\"1\":{\"error_count\":\"x\"}}"],
    );
    assert_kept(&GetScheduledQueries, &["[{\"status\":1}]"]);
}
