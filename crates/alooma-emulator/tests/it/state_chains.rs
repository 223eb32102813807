//! State that behaves like the service: writes are read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use alooma_emulator::{Emulator, Seed};
use http::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn input_lifecycle() {
    let emu = Emulator::start().await.unwrap();
    let body = json!({"name": "events/raw", "type": "S3",
        "configuration": {"awsBucketName": "b", "auto_map": "true", "fileFormat": "{\"type\": \"json\"}"}});
    let created = ok(&emu, Method::POST, "plumbing/inputs", Some(body)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "events/raw");
    assert_eq!(created["category"], "INPUT");
    assert_eq!(created["configuration"]["awsBucketName"], "b");

    // Listed in inputs and in the structure.
    let inputs = get_ok(&emu, "inputs").await;
    assert_eq!(inputs[&id]["type"], "S3");
    let s = get_ok(&emu, "plumbing/?resolution=1min").await;
    assert_eq!(
        s["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["id"] == id.as_str())
            .count(),
        1
    );
    // An event type of the input's name, with a small mapping.
    let et = get_ok(&emu, "event-types/events%2Fraw").await;
    assert_eq!(et["fields"].as_array().unwrap().len(), 2);

    // Edited.
    let edited = ok(
        &emu,
        Method::PUT,
        &format!("inputs/{id}"),
        Some(json!({"id": id, "name": "events_raw", "type": "S3", "configuration": {"awsBucketName": "c"}})),
    )
    .await;
    assert_eq!(edited["name"], "events_raw");
    assert_eq!(
        get_ok(&emu, "inputs").await[&id]["configuration"]["awsBucketName"],
        "c"
    );
    call(
        &emu,
        Method::PUT,
        &format!("inputs/{id}"),
        Some(json!({"id": "other"})),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::PUT,
        &format!("inputs/{id}"),
        Some(json!({"type": "MYSQL"})),
    )
    .await
    .assert_error(400);

    // Paused and resumed.
    let paused = ok(
        &emu,
        Method::PUT,
        &format!("inputs/{id}/pause?pause=true"),
        None,
    )
    .await;
    assert_eq!(paused["paused"], true);
    let job = get_ok(&emu, &format!("inputs/{id}")).await;
    assert_eq!(
        job["tasks"].as_object().unwrap().values().next().unwrap()["status"],
        "paused"
    );
    ok(
        &emu,
        Method::PUT,
        &format!("inputs/{id}/pause?pause=false"),
        None,
    )
    .await;
    let job = get_ok(&emu, &format!("inputs/{id}")).await;
    assert_eq!(job["job"]["paused"], false);
    call(
        &emu,
        Method::PUT,
        &format!("inputs/{id}/pause?pause=maybe"),
        None,
    )
    .await
    .assert_error(400);

    // Sleep time.
    ok(
        &emu,
        Method::PUT,
        &format!("inputSleepTime/{id}"),
        Some(json!(2.5)),
    )
    .await;
    assert_eq!(
        get_ok(&emu, &format!("inputSleepTime/{id}")).await["inputSleepTime"],
        2.5
    );
    call(
        &emu,
        Method::PUT,
        &format!("inputSleepTime/{id}"),
        Some(json!("soon")),
    )
    .await
    .assert_error(400);

    // Removed.
    ok(
        &emu,
        Method::POST,
        &format!("plumbing/nodes/remove/{id}"),
        None,
    )
    .await;
    assert!(get_ok(&emu, "inputs").await.get(&id).is_none());
    get(&emu, &format!("inputs/{id}")).await.assert_error(404);
    call(
        &emu,
        Method::POST,
        &format!("plumbing/nodes/remove/{id}"),
        None,
    )
    .await
    .assert_error(404);
    // System nodes cannot be removed.
    let restream_id = emu.with_state(|s| {
        s.nodes
            .iter()
            .find(|n| n.node_type == "RESTREAM")
            .unwrap()
            .id
            .clone()
    });
    call(
        &emu,
        Method::POST,
        &format!("plumbing/nodes/remove/{restream_id}"),
        None,
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn create_input_without_validation_and_two_of_one_name() {
    let emu = Emulator::builder()
        .seed(Seed::empty())
        .start()
        .await
        .unwrap();
    let body =
        json!({"name": "mix", "type": "MIXPANEL", "configuration": {"fromDate": "2024-01-01"}});
    let a = ok(
        &emu,
        Method::POST,
        "inputs?validate=false",
        Some(body.clone()),
    )
    .await;
    let b = ok(&emu, Method::POST, "plumbing/inputs", Some(body)).await;
    assert_ne!(a["id"], b["id"]);
    assert_eq!(get_ok(&emu, "inputs").await.as_object().unwrap().len(), 2);
    call(
        &emu,
        Method::POST,
        "plumbing/inputs",
        Some(json!({"type": "S3"})),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "plumbing/inputs",
        Some(json!({"name": "x", "type": "S3", "configuration": []})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn mapping_round_trip_and_event_type_deletion() {
    let emu = Emulator::start().await.unwrap();
    let mut et = get_ok(&emu, "event-types/checkout").await;
    et["fields"].as_array_mut().unwrap().push(json!({
        "fieldName": "coupon", "fields": [],
        "mapping": {"columnName": "coupon", "columnType": {"type": "VARCHAR", "length": 32, "nonNull": false}, "isDiscarded": false}
    }));
    et["mappingMode"] = json!("STRICT");
    ok(
        &emu,
        Method::POST,
        "event-types/checkout/mapping",
        Some(et.clone()),
    )
    .await;
    let back = get_ok(&emu, "event-types/checkout").await;
    assert_eq!(back["fields"], et["fields"]);

    // A name with a slash, decoded once.
    let discard = json!({"name": "partner/feed", "mapping": {"isDiscarded": true, "tableName": ""},
                         "fields": [], "mappingMode": "STRICT"});
    ok(
        &emu,
        Method::POST,
        "event-types/partner%2Ffeed/mapping",
        Some(discard),
    )
    .await;
    let feed = get_ok(&emu, "event-types/partner%2Ffeed").await;
    assert_eq!(feed["mapping"]["isDiscarded"], true);
    assert_eq!(feed["fields"], json!([]));
    assert_eq!(feed["state"], "DISCARDED");

    // Wrong shapes.
    call(
        &emu,
        Method::POST,
        "event-types/checkout/mapping",
        Some(json!([1])),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "event-types/checkout/mapping",
        Some(json!({"fields": 3})),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "event-types/checkout/mapping",
        Some(json!({"mappingMode": "LOOSE"})),
    )
    .await
    .assert_error(400);

    ok(&emu, Method::DELETE, "event-types/partner%2Ffeed", None).await;
    get(&emu, "event-types/partner%2Ffeed")
        .await
        .assert_error(404);
    call(&emu, Method::DELETE, "event-types/partner%2Ffeed", None)
        .await
        .assert_error(404);

    // Mapping mode.
    ok(&emu, Method::POST, "mapping-mode", Some(json!("FLEXIBLE"))).await;
    assert_eq!(get_ok(&emu, "mapping-mode").await, json!("FLEXIBLE"));
    call(&emu, Method::POST, "mapping-mode", Some(json!("LOOSE")))
        .await
        .assert_error(400);
    call(
        &emu,
        Method::POST,
        "mapping-mode",
        Some(json!({"mode": "STRICT"})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn code_engine_modules() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::POST,
        "transform/v2/functions",
        Some(json!([{"language": "PYTHON", "functionName": "submodule", "code": "X = 1"},
                    {"language": "PYTHON", "functionName": "main", "code": "def transform(e):\n\treturn e"}])),
    )
    .await;
    let list = get_ok(&emu, "transform/functions").await;
    let code = |name: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f["functionName"] == name)
            .map(|f| f["code"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(code("submodule"), "X = 1");
    assert_eq!(code("main"), "def transform(e):\n\treturn e");

    ok(
        &emu,
        Method::POST,
        "transform/functions/main",
        Some(json!({"language": "PYTHON", "code": "def transform(event):\n\treturn event", "functionName": "main"})),
    )
    .await;
    assert_eq!(
        get_ok(&emu, "transform/functions/main").await["code"],
        "def transform(event):\n\treturn event"
    );
    ok(&emu, Method::DELETE, "transform/functions/submodule", None).await;
    get(&emu, "transform/functions/submodule")
        .await
        .assert_error(404);
    call(
        &emu,
        Method::POST,
        "transform/v2/functions",
        Some(json!([{"functionName": "x"}])),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "transform/v2/functions",
        Some(json!({"main": "x"})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn tables_create_alter_drop_cascade() {
    let emu = Emulator::start().await.unwrap();
    let cols = json!([
        {"columnName": "price", "distKey": false, "primaryKey": false, "sortKeyIndex": -1,
         "columnType": {"type": "FLOAT", "nonNull": false}},
        {"columnName": "event", "distKey": true, "primaryKey": false, "sortKeyIndex": 0,
         "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}}]);
    let t = ok(&emu, Method::POST, "tables/prices", Some(cols.clone())).await;
    assert_eq!(t["tableName"], "prices");
    assert_eq!(t["schema"], "public");
    assert_eq!(t["columns"], cols);
    call(&emu, Method::POST, "tables/prices", Some(cols.clone()))
        .await
        .assert_error(400);

    let mut altered = cols.clone();
    altered
        .as_array_mut()
        .unwrap()
        .push(json!({"columnName": "qty", "columnType": {"type": "INTEGER", "nonNull": false}}));
    let t = ok(&emu, Method::PUT, "tables/prices", Some(altered.clone())).await;
    assert_eq!(t["columns"].as_array().unwrap().len(), 3);
    let listed = get_ok(&emu, "tables/public").await;
    let prices = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tableName"] == "prices")
        .unwrap();
    assert_eq!(prices["columns"], altered);
    call(&emu, Method::PUT, "tables/nope", Some(altered))
        .await
        .assert_error(404);
    call(
        &emu,
        Method::POST,
        "tables/bad",
        Some(json!([{"columnName": "x"}])),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "tables/bad",
        Some(json!({"columnName": "x"})),
    )
    .await
    .assert_error(400);

    ok(&emu, Method::DELETE, "tables/public/prices", None).await;
    get(&emu, "tables/public/prices").await.assert_error(404);

    // orders ← orders_daily ← analytics.revenue_report.
    call(&emu, Method::DELETE, "tables/public/orders", None)
        .await
        .assert_error(400);
    assert!(emu.with_state(|s| s.tables.iter().any(|t| t.table_name == "orders")));
    ok(
        &emu,
        Method::DELETE,
        "tables/public/orders?cascade=true",
        None,
    )
    .await;
    let remaining: Vec<String> =
        emu.with_state(|s| s.tables.iter().map(|t| t.qualified_name()).collect());
    for gone in [
        "public.orders",
        "public.orders_daily",
        "analytics.revenue_report",
    ] {
        assert!(
            !remaining.iter().any(|r| r == gone),
            "{gone} should be dropped"
        );
    }
    assert!(remaining.iter().any(|r| r == "analytics.sessions"));
    call(&emu, Method::DELETE, "tables/public/orders", None)
        .await
        .assert_error(404);

    // Schemas.
    ok(
        &emu,
        Method::POST,
        "schemas",
        Some(json!({"schemaName": "staging"})),
    )
    .await;
    let schemas = get_ok(&emu, "schemas/").await;
    assert!(schemas
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["schemaName"] == "staging" && s["default"] == false));
    call(
        &emu,
        Method::POST,
        "schemas",
        Some(json!({"schemaName": "staging"})),
    )
    .await
    .assert_error(400);
    call(&emu, Method::POST, "schemas", Some(json!({"name": "x"})))
        .await
        .assert_error(400);
}

#[tokio::test]
async fn scheduled_queries_lifecycle() {
    let emu = Emulator::start().await.unwrap();
    let q = ok(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(json!({"custom_query": "select 1;", "event_type": "page_view", "avoid_duplicates": false, "frequency": 4})),
    )
    .await;
    let id = q["id"].as_u64().unwrap();
    assert_eq!(q["configuration"]["custom_query"], "select 1;");
    assert_eq!(q["configuration"]["query_type"], "custom");
    assert!(q["last_processing_time"].is_null());
    let by_type = get_ok(&emu, "v2/consolidation?event_type=page_view").await;
    assert_eq!(by_type.as_array().unwrap().len(), 1);
    assert_eq!(by_type[0]["id"], id);

    let ran = ok(
        &emu,
        Method::POST,
        &format!("v2/consolidation/{id}/run"),
        None,
    )
    .await;
    assert!(ran["last_processing_time"].is_string());
    let listed = get_ok(&emu, "v2/consolidation?event_type=page_view").await;
    assert_eq!(
        listed[0]["last_processing_time"],
        ran["last_processing_time"]
    );
    assert!(get_ok(&emu, "consolidation").await[id.to_string()].is_object());

    let d = ok(
        &emu,
        Method::POST,
        "v2/consolidation",
        Some(json!({"event_type": "Account", "custom_variables": {"k": "v"}})),
    )
    .await;
    assert_eq!(d["configuration"]["query_type"], "default");
    assert_eq!(d["configuration"]["custom_variables"]["k"], "v");

    ok(
        &emu,
        Method::DELETE,
        &format!("v2/consolidation/{id}"),
        None,
    )
    .await;
    assert_eq!(
        get_ok(&emu, "v2/consolidation?event_type=page_view").await,
        json!([])
    );
    call(
        &emu,
        Method::DELETE,
        &format!("v2/consolidation/{id}"),
        None,
    )
    .await
    .assert_error(404);
    call(&emu, Method::POST, "v2/consolidation/999/run", None)
        .await
        .assert_error(404);

    // Neither frequency nor run_at; unknown event type.
    call(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(json!({"custom_query": "x", "event_type": "orders"})),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::POST,
        "v2/consolidation/custom",
        Some(json!({"custom_query": "x", "event_type": "nope", "run_at": "0 * * * *"})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn secrets_settings_notifications() {
    let emu = Emulator::start().await.unwrap();
    ok(
        &emu,
        Method::PUT,
        "secrets",
        Some(json!({"my_user": "example", "my_password": "12345678"})),
    )
    .await;
    let names = get_ok(&emu, "secrets").await;
    assert!(names.as_array().unwrap().contains(&json!("my_user")));
    ok(&emu, Method::DELETE, "secrets/my_user", None).await;
    let names = get_ok(&emu, "secrets").await;
    assert!(!names.as_array().unwrap().contains(&json!("my_user")));
    assert!(names.as_array().unwrap().contains(&json!("my_password")));
    call(&emu, Method::DELETE, "secrets/my_user", None)
        .await
        .assert_error(404);
    call(
        &emu,
        Method::PUT,
        "secrets",
        Some(json!({"x": {"nested": 1}})),
    )
    .await
    .assert_error(400);
    // Values never come back, not even in the state dump.
    assert!(!emu.state_json().to_string().contains("12345678"));

    let email = json!({"digestInfo": false, "digestWarning": true, "digestError": true,
                       "digestFrequency": "WEEKLY", "recipientsChanged": true, "recipients": ["a@example.com"]});
    ok(
        &emu,
        Method::POST,
        "settings/email-notifications",
        Some(email.clone()),
    )
    .await;
    ok(
        &emu,
        Method::POST,
        "settings/s3-retention",
        Some(
            json!({"awsBucketName": "b", "awsAccessKeyId": "AKIA", "awsSecretAccessKey": "s",
                    "saveMetadata": true, "gzip": true, "serverSideEncryption": true}),
        ),
    )
    .await;
    let settings = get_ok(&emu, "settings/").await;
    assert_eq!(settings["email-notifications"], email);
    assert_eq!(settings["s3-retention"]["awsBucketName"], "b");
    ok(&emu, Method::DELETE, "settings/s3-retention", None).await;
    assert!(get_ok(&emu, "settings/").await["s3-retention"].is_null());
    call(
        &emu,
        Method::POST,
        "settings/s3-retention",
        Some(json!({"awsBucketName": "b"})),
    )
    .await
    .assert_error(400);

    let before = get_ok(&emu, "notifications?from=0").await["messages"]
        .as_array()
        .unwrap()
        .len();
    let published = ok(
        &emu,
        Method::POST,
        "notifications/custom",
        Some(json!({"level": "error", "description": "custom failure", "data": {"k": 1}})),
    )
    .await;
    assert_eq!(published["severity"], "error");
    let now_secs = published["timestamp"].as_i64().unwrap() / 1000;
    let recent = get_ok(&emu, &format!("notifications?from={now_secs}")).await;
    let recent = recent["messages"].as_array().unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0]["description"], "custom failure");
    assert_eq!(recent[0]["typeDescription"], "Custom Notification");
    let all = get_ok(&emu, "notifications?from=0").await;
    assert_eq!(all["messages"].as_array().unwrap().len(), before + 1);
    call(
        &emu,
        Method::POST,
        "notifications/custom",
        Some(json!({"level": "loud", "description": "x"})),
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn restream_output_and_nodes() {
    let emu = Emulator::start().await.unwrap();
    let restream = |s: &Value| -> Value {
        s["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["type"] == "RESTREAM")
            .unwrap()
            .clone()
    };
    let node = restream(&get_ok(&emu, "plumbing/?resolution=1min").await);
    assert_eq!(node["stats"]["availbleForRestream"], 1250);
    let id = node["id"].as_str().unwrap().to_owned();
    ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{id}"),
        Some(json!({"id": id, "name": "Restream", "type": "RESTREAM", "configuration": {"streaming": "true"},
                    "category": "INPUT", "deleted": false, "state": null})),
    )
    .await;
    let node = restream(&get_ok(&emu, "plumbing/?resolution=1min").await);
    assert_eq!(node["configuration"]["streaming"], "true");
    ok(&emu, Method::DELETE, "plumbing/purge/restream", None).await;
    let node = restream(&get_ok(&emu, "plumbing/?resolution=1min").await);
    assert_eq!(node["stats"]["availbleForRestream"], 0);

    // set_output.
    let out = get_ok(&emu, "plumbing/outputs").await[0].clone();
    let out_id = out["id"].as_str().unwrap().to_owned();
    let config = json!({"hostname": "h", "port": 5439, "schemaName": "public", "databaseName": "d",
                        "username": "u", "password": "pw", "skipValidation": false, "sinkType": "REDSHIFT"});
    let answer = ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{out_id}"),
        Some(
            json!({"configuration": config, "category": "OUTPUT", "id": out_id, "name": "Redshift",
                    "type": "REDSHIFT", "deleted": false}),
        ),
    )
    .await;
    assert_eq!(answer["configuration"]["hostname"], "h");
    assert_eq!(answer["configuration"]["password"], "**********");
    assert_eq!(
        get_ok(&emu, "plumbing/outputs").await[0]["configuration"]["databaseName"],
        "d"
    );
    let mut snow = config.clone();
    snow["sinkType"] = json!("SNOWFLAKE");
    call(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{out_id}"),
        Some(json!({"configuration": snow})),
    )
    .await
    .assert_error(400);
    call(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{out_id}"),
        Some(json!({"type": "BIGQUERY"})),
    )
    .await
    .assert_error(400);
    call(&emu, Method::PUT, "plumbing/nodes/nope", Some(json!({})))
        .await
        .assert_error(404);
}

#[tokio::test]
async fn output_passwords_are_stored_and_a_masked_one_keeps_them() {
    let emu = Emulator::start().await.unwrap();
    let out = get_ok(&emu, "plumbing/outputs").await[0].clone();
    let id = out["id"].as_str().unwrap().to_owned();
    let mut config = json!({"hostname": "h", "password": "real-pw", "sinkType": "REDSHIFT"});
    ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{id}"),
        Some(json!({"configuration": config})),
    )
    .await;
    let stored =
        |emu: &Emulator| emu.with_state(|s| s.node(&id).unwrap().configuration["password"].clone());
    assert_eq!(stored(&emu), "real-pw");
    // Sending back the mask the service answered keeps the stored password.
    config["password"] = json!("**********");
    config["hostname"] = json!("h2");
    ok(
        &emu,
        Method::PUT,
        &format!("plumbing/nodes/{id}"),
        Some(json!({"configuration": config})),
    )
    .await;
    assert_eq!(stored(&emu), "real-pw");
    let shown = get_ok(&emu, "plumbing/?resolution=1min").await;
    let node = shown["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(node["configuration"]["password"], "**********");
    assert_eq!(node["configuration"]["hostname"], "h2");
}

#[tokio::test]
async fn auto_map_clear_stats_and_tables_in_a_schema() {
    let emu = Emulator::start().await.unwrap();
    // A field without a mapping, at depth.
    let mut et = get_ok(&emu, "event-types/orders").await;
    et["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"fieldName": "meta", "mapping": null,
        "fields": [{"fieldName": "source ip", "fields": [], "mapping": null}]}));
    et["stats"] = json!({"count": 3});
    ok(&emu, Method::POST, "event-types/orders/mapping", Some(et)).await;
    let mapped = ok(&emu, Method::POST, "event-types/orders/auto-map", None).await;
    let meta = mapped["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fieldName"] == "meta")
        .unwrap()
        .clone();
    assert_eq!(
        meta["mapping"],
        Value::Null,
        "a parent keeps its null mapping"
    );
    let ip = &meta["fields"][0]["mapping"];
    assert_eq!(ip["columnName"], "meta_source_ip");
    assert_eq!(ip["machineGenerated"], true);
    call(&emu, Method::POST, "event-types/nope/auto-map", None)
        .await
        .assert_error(404);

    emu.with_state_mut(|s| {
        s.event_types
            .get_mut("orders")
            .unwrap()
            .rest
            .insert("stats".into(), json!({"count": 3}))
    });
    assert_eq!(
        call(&emu, Method::DELETE, "event-types/orders/clear-stats", None)
            .await
            .status,
        204
    );
    assert_eq!(
        get_ok(&emu, "event-types/orders").await["stats"],
        Value::Null
    );
    call(&emu, Method::DELETE, "event-types/nope/clear-stats", None)
        .await
        .assert_error(404);

    ok(
        &emu,
        Method::POST,
        "schemas",
        Some(json!({"schemaName": "staging"})),
    )
    .await;
    let columns = json!([{"columnName": "id", "columnType": {"type": "INT", "nonNull": true}}]);
    let t = ok(
        &emu,
        Method::POST,
        "tables/staging/copy",
        Some(columns.clone()),
    )
    .await;
    assert_eq!(t["schema"], "staging");
    assert_eq!(
        get_ok(&emu, "tables/staging/copy").await["tableName"],
        "copy"
    );
    call(
        &emu,
        Method::POST,
        "tables/staging/copy",
        Some(columns.clone()),
    )
    .await
    .assert_error(400);
    call(&emu, Method::POST, "tables/nowhere/copy", Some(columns))
        .await
        .assert_error(404);
}
