//! Facade tests of the restream area, through `MockService`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use alooma::mock::MockService;
use alooma::{Client, Error};
use serde_json::json;

const STRUCTURE_URI: &str = "/plumbing/?resolution=1min";
const STRUCTURE: &str = r#"{"nodes":[
    {"id":"in-1","name":"logs","type":"S3","category":"INPUT"},
    {"id":"rq 1","name":"Restream","type":"RESTREAM","category":"INPUT","deleted":false,
     "stats":{"throughput":0,"latency":0,"availbleForRestream":4242}}]}"#;

fn client() -> (MockService, Client<MockService>) {
    let mock = MockService::new();
    mock.always("GET", STRUCTURE_URI, 200, STRUCTURE);
    (mock.clone(), Client::with_service(mock))
}

#[tokio::test]
async fn queue_size_and_stats_read_the_misspelled_key() {
    let (_, client) = client();
    assert_eq!(client.get_restream_queue_size().await.unwrap(), 4242);
    let stats = client.get_restream_stats().await.unwrap();
    assert_eq!(
        serde_json::to_value(stats).unwrap(),
        json!({"number_of_events": 4242})
    );
}

#[tokio::test]
async fn start_restream_puts_the_documented_body() {
    let (mock, client) = client();
    mock.on("PUT", "/plumbing/nodes/rq%201", 200, "");
    client.start_restream().await.unwrap();
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(reqs[1].uri, "/plumbing/nodes/rq%201");
    assert_eq!(
        reqs[1].json(),
        json!({"id": "rq 1", "name": "Restream", "type": "RESTREAM",
               "configuration": {"streaming": "true"}, "category": "INPUT",
               "deleted": false, "state": null})
    );
}

#[tokio::test]
async fn no_restream_node_is_not_found() {
    let mock = MockService::new();
    mock.always(
        "GET",
        STRUCTURE_URI,
        200,
        r#"{"nodes":[{"id":"x","name":"logs","type":"S3"}]}"#,
    );
    let client = Client::with_service(mock.clone());
    let err = client.start_restream().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                operation: "start_restream",
                ..
            }
        ),
        "{err}"
    );
    assert!(matches!(
        client.get_restream_queue_size().await,
        Err(Error::NotFound { .. })
    ));
    assert!(
        mock.requests().iter().all(|r| r.method == "GET"),
        "nothing was written"
    );
}

#[tokio::test]
async fn purge_and_clean_send_delete() {
    let mock = MockService::new();
    mock.on("DELETE", "/plumbing/purge/restream", 200, "")
        .on("DELETE", "/plumbing/purge/restream", 204, "")
        .on("DELETE", "/plumbing/purge/restream", 500, "oops");
    let client = Client::with_service(mock.clone());
    client.purge_restream_queue().await.unwrap();
    client.clean_restream_queue().await.unwrap();
    assert!(matches!(
        client.purge_restream_queue().await,
        Err(Error::Api { .. })
    ));
    let ops: Vec<_> = mock.requests().iter().map(|r| r.operation).collect();
    assert_eq!(
        ops,
        [
            Some("purge_restream_queue"),
            Some("clean_restream_queue"),
            Some("purge_restream_queue")
        ]
    );
}
