//! Every operation through the client over `MockService`, from the
//! registry, with no operation named: for each example of each entry,
//!
//! - the client sends exactly the request the operation builds (method,
//!   URI, body, the operation's name in its extensions), once;
//! - an answer it has no route for comes back as the 404 it is;
//! - a recorded answer (`alooma-types/tests/fixtures/<model>/<operation>.json`,
//!   for an operation whose output is the answer as read), or an empty
//!   one where that is a success, decodes through the client to what the
//!   operation's own decoder gives.
//!
//! The client methods that send one operation are checked against the
//! in-process emulator by their documentation's examples.

use alooma::core::operations;
use alooma::mock::MockService;
use alooma::Client;
use bytes::Bytes;
use std::collections::BTreeMap;
use std::path::Path;

fn recorded() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../alooma-types/tests/fixtures");
    let mut found = BTreeMap::new();
    for model in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(model.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                found.insert(stem.to_owned(), std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    found
}

#[tokio::test]
async fn every_operation_goes_out_as_built_and_comes_back_decoded() {
    let recorded = recorded();
    let mut sent = 0;
    let mut decoded = 0;
    for info in operations() {
        let name = info.meta().name;
        for (i, example) in info.examples().into_iter().enumerate() {
            // A fresh copy of the example, to send.
            let fresh = || info.examples().swap_remove(i).operation;
            let what = example.snapshot_name();
            let built = example.operation.build().unwrap();
            let method = built.method().as_str().to_owned();
            let uri = built.uri().to_string();

            // Nothing scripted: the mock answers 404.
            let mock = MockService::new();
            let client = Client::with_service(mock.clone());
            let err = client.send(fresh()).await.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{what}: {err}");
            let requests = mock.requests();
            assert_eq!(requests.len(), 1, "{what}: a 404 is not retried");
            let request = &requests[0];
            assert_eq!(request.method.as_str(), method, "{what}");
            assert_eq!(request.uri, uri, "{what}");
            assert_eq!(request.body, *built.body(), "{what}");
            assert_eq!(request.operation, Some(name), "{what}");
            sent += 1;

            // A recorded answer, or an empty one.
            // (A mapped answer's example is its method's result, not
            // what the server sent.)
            let body = match recorded.get(name).filter(|_| info.answers_as_read()) {
                Some(text) => text.clone(),
                None if example.operation.decode_json(ok("")).is_ok() => String::new(),
                None => continue,
            };
            let mock = MockService::new();
            mock.on(&method, &uri, 200, body.clone());
            let client = Client::with_service(mock.clone());
            let through_client = client
                .send(fresh())
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let by_decoder = example.operation.decode_json(ok(&body)).unwrap();
            assert_eq!(through_client, by_decoder, "{what}");
            assert_eq!(mock.pending(), 0, "{what}");
            decoded += 1;
        }
    }
    assert!(
        sent >= 70 && decoded >= 30,
        "{sent} sent, {decoded} decoded"
    );
}

fn ok(body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}
