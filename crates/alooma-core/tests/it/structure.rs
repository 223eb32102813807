//! Requests (insta snapshots) and decoders of the structure area.
//! Snapshots: `tests/snapshots/structure__<operation>.snap`.
#![allow(clippy::unwrap_used, clippy::panic)] // test helpers

use crate::common::*;

use alooma_core::structure::*;
use alooma_core::{render, Error, Operation};
use alooma_types::{SinkType, Structure, ALOOMA_PUBLIC_SSH_KEY};

const REDSHIFT_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_redshift_node.json");
const SNOWFLAKE_NODE: &str =
    include_str!("../../../alooma-types/tests/fixtures/node/get_snowflake_node.json");

/// A structure holding the documented nodes plus a transformer, a restream
/// queue and two mappers (one deleted).
fn structure_json() -> String {
    format!(
        r#"{{"nodes":[
        {{"id":"t-1","name":"Code Engine","type":"TRANSFORMER","category":"OTHER","deleted":false,"stats":{{"throughput":12.5,"latency":3}}}},
        {{"id":"m-1","name":"Mapper","type":"MAPPER","deleted":false,"stats":{{"throughput":7,"latency":1}}}},
        {{"id":"m-0","name":"Mapper","type":"MAPPER","deleted":true,"stats":{{"throughput":99,"latency":1}}}},
        {{"id":"r-1","name":"Restream","type":"RESTREAM","category":"INPUT","deleted":false,"stats":{{"throughput":0,"latency":0,"availbleForRestream":314}}}},
        {REDSHIFT_NODE},
        {SNOWFLAKE_NODE}
        ],"resolution":"1min"}}"#
    )
}

fn structure() -> Structure {
    GetStructure.decode(ok(&structure_json())).unwrap()
}

#[test]
fn get_structure() {
    let s = structure();
    assert_eq!(s.nodes().len(), 6);
    assert_eq!(s.extra["resolution"], "1min");
    let back = serde_json::to_value(&s).unwrap();
    let original: serde_json::Value = serde_json::from_str(&structure_json()).unwrap();
    assert_eq!(back, original);
}

#[test]
fn get_plumbing() {
    // The deprecated alias sends exactly get_structure's request.
    snapshot!("get_plumbing", render(&GetStructure.build().unwrap()));
}

#[test]
fn get_transform_node_id() {
    snapshot!(
        "get_transform_node_id",
        render(&GetStructure.build().unwrap())
    );
    assert_eq!(transform_node_id(&structure()).unwrap(), "t-1");
    let none = GetStructure.decode(ok(r#"{"nodes":[]}"#)).unwrap();
    assert!(matches!(
        transform_node_id(&none),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn get_throughput_by_name() {
    snapshot!(
        "get_throughput_by_name",
        render(&GetStructure.build().unwrap())
    );
    assert_eq!(throughput_by_name(&structure(), "Mapper"), [7.0]);
    assert_eq!(throughput_by_name(&structure(), "Redshift"), [69.9]);
    assert!(throughput_by_name(&structure(), "Nope").is_empty());
}

#[test]
fn get_redshift_node() {
    snapshot!("get_redshift_node", render(&GetStructure.build().unwrap()));
    let s = structure();
    let node = sink_node(&s, &SinkType::Redshift).unwrap();
    assert_eq!(node.name, "Redshift");
    assert_eq!(
        node.configuration.as_ref().unwrap().get("port").unwrap(),
        "1234"
    );
    assert_eq!(node.stats.as_ref().unwrap().latency(), Some(9052.0));
}

#[test]
fn get_snowflake_node() {
    snapshot!("get_snowflake_node", render(&GetStructure.build().unwrap()));
    let s = structure();
    let node = sink_node(&s, &SinkType::Snowflake).unwrap();
    assert_eq!(node.id, "<ID>");
    assert_eq!(
        node.state.clone().into_option().unwrap()["state"],
        "CONNECTION_SUCCESSFUL"
    );
}

#[test]
fn get_bigquery_node() {
    snapshot!("get_bigquery_node", render(&GetStructure.build().unwrap()));
    assert!(sink_node(&structure(), &SinkType::BigQuery).is_none());
}

#[test]
fn get_public_ssh_key() {
    // No request: the key is a constant.
    snapshot!("get_public_ssh_key", ALOOMA_PUBLIC_SSH_KEY);
}

#[test]
fn malformed_answers_are_errors_not_panics() {
    for body in [
        "",
        "{\"nodes\":[",
        "<html><body>502 Bad Gateway</body></html>",
        "[]",
    ] {
        let err = GetStructure.decode(ok(body)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Decode {
                    operation: "get_structure",
                    ..
                }
            ),
            "{body}: {err}"
        );
    }
    // A required key of another type is an error naming its path, also
    // after a configuration (kept as text) and after kept values.
    for (body, want) in [
        (
            r#"{"nodes":[{"id":7,"name":"n","type":"S3"}]}"#,
            "nodes[0].id",
        ),
        (
            r#"{"nodes":[{"id":"a","name":"n","type":"S3","configuration":{"k":[1,{"x":2}]}},
                         {"id":"b","name":"m","type":"S3","configuration":{},"deleted":7},
                         {"name":"m","configuration":[1]}]}"#,
            "nodes[2]",
        ),
    ] {
        match GetStructure.decode(ok(body)).unwrap_err() {
            Error::Decode { path, .. } => assert_eq!(path, want, "{body}"),
            e => panic!("{e}"),
        }
    }
    // Values of other types at optional keys are kept, configurations too.
    let kept = GetStructure
        .decode(ok(
            r#"{"nodes":[{"id":"x","name":"n","type":"S3","deleted":"no","configuration":[1]}]}"#,
        ))
        .unwrap();
    let found = alooma_types::mistyped_in(&kept);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].path, "nodes[0].deleted");
    assert_eq!(found[1].path, "nodes[0].configuration");
    let err = GetStructure
        .decode(answer(500, "<html>oops</html>"))
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err}");
}

#[test]
fn odd_values_are_kept() {
    assert_kept(
        &GetStructure,
        &["{\"nodes\":{}}", "{\"nodes\":[{\"id\":\"a\",\"type\":7}]}"],
    );
}
