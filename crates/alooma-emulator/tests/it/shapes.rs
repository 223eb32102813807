//! Every endpoint family answers with the service's response shape
//! (against the built-in demo seed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use alooma_emulator::Emulator;
use http::Method;
use serde_json::json;

#[tokio::test]
async fn structure_and_nodes() {
    let emu = Emulator::start().await.unwrap();
    let s = get_ok(&emu, "plumbing/?resolution=1min").await;
    let nodes = s["nodes"].as_array().unwrap();
    for n in nodes {
        for key in ["id", "name", "type", "category"] {
            assert!(n[key].is_string(), "{key} in {n}");
        }
        assert!(n["deleted"].is_boolean());
        assert!(n["stats"].is_object());
    }
    let find = |t: &str| nodes.iter().find(|n| n["type"] == t).unwrap();
    assert_eq!(find("TRANSFORMER")["name"], "Code Engine");
    let restream = find("RESTREAM");
    assert_eq!(restream["category"], "INPUT");
    assert_eq!(restream["stats"]["availbleForRestream"], 1250);
    assert_eq!(find("MAPPER")["name"], "Mapper");
    assert!(nodes.iter().any(|n| n["name"] == "Inputs"));
    assert_eq!(find("REDSHIFT")["category"], "OUTPUT");

    let outputs = get_ok(&emu, "plumbing/outputs").await;
    assert_eq!(outputs.as_array().unwrap().len(), 1);
    assert_eq!(outputs[0]["type"], "REDSHIFT");
    assert_eq!(outputs[0]["configuration"]["sinkType"], "REDSHIFT");

    // Without the account in the path, and without the trailing slash.
    let key = emu.api_key().unwrap().to_owned();
    let r = raw(
        &emu,
        Method::GET,
        "/rest/plumbing?resolution=1min",
        None,
        Auth::Key(&key),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), s);
    assert_eq!(r.headers["content-type"], "application/json");
}

#[tokio::test]
async fn account_reads() {
    let emu = Emulator::builder()
        .account("widgets")
        .start()
        .await
        .unwrap();
    assert_eq!(
        get_ok(&emu, "repository").await,
        json!({"config_clientName": "widgets"})
    );
    let users = get_ok(&emu, "user/").await;
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["email"].is_string()));
    let info = get_ok(&emu, "deployInfo").await;
    assert!(info["deploymentName"].is_string());
    assert!(info["gitCommitId"].is_string());
    let company = get_ok(&emu, "credits/company").await;
    assert!(company["company_name"].is_string());
    assert!(company["used_credits"].is_number());

    let used = get_ok(&emu, "credits/used-credits").await;
    let used = used.as_array().unwrap();
    assert_eq!(used.len(), 5);
    assert!(used.iter().all(|r| r["instance_name"] == "widgets"));
    let all = get_ok(&emu, "credits/used-credits?all=true").await;
    assert_eq!(all.as_array().unwrap().len(), 6);
    let ranged = get_ok(&emu, "credits/used-credits?from=2024-04-28&to=2024-04-30").await;
    let dates: Vec<&str> = ranged
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2024-04-28", "2024-04-29", "2024-04-30"]);
    get(&emu, "credits/used-credits?from=yesterday")
        .await
        .assert_error(400);

    let loaded = get_ok(
        &emu,
        "events/loaded-events-per-table/summary?from=2024-05-01T00:00:00",
    )
    .await;
    let tables: Vec<&str> = loaded
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["table_name"].as_str().unwrap())
        .collect();
    assert_eq!(tables, ["PUBLIC.PAGE_VIEW", "PUBLIC.CHECKOUT"]);
    let loaded_all = get_ok(
        &emu,
        "events/loaded-events-per-table/summary?from=2024-04-30T00:00:00&to=2024-05-01T06:00:00&all=True",
    )
    .await;
    assert_eq!(loaded_all.as_array().unwrap().len(), 2);
    get(&emu, "events/loaded-events-per-table/summary")
        .await
        .assert_error(400);
}

#[tokio::test]
async fn inputs_shapes() {
    let emu = Emulator::start().await.unwrap();
    let inputs = get_ok(&emu, "inputs").await;
    let inputs = inputs.as_object().unwrap();
    assert_eq!(inputs.len(), 3);
    for (id, node) in inputs {
        assert_eq!(node["id"], id.as_str());
        assert_eq!(node["category"], "INPUT");
        assert!(node["configuration"].is_object());
    }
    let id = inputs.values().find(|n| n["name"] == "salesforce").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = get_ok(&emu, &format!("inputs/{id}")).await;
    assert_eq!(one["job"]["id"], id.as_str());
    assert_eq!(one["job"]["type"], "SALESFORCE");
    let tasks = one["tasks"].as_object().unwrap();
    assert_eq!(tasks.len(), 1);
    let task = tasks.values().next().unwrap();
    assert_eq!(task["type"], "SALESFORCE");
    assert_eq!(task["status"], "active");
    assert_eq!(
        get_ok(&emu, &format!("inputSleepTime/{id}")).await,
        json!({"inputSleepTime": 60.0})
    );
    get(&emu, "inputs/no-such-input").await.assert_error(404);
    get(&emu, "inputSleepTime/no-such-input")
        .await
        .assert_error(404);
}

#[tokio::test]
async fn event_types_shapes() {
    let emu = Emulator::start().await.unwrap();
    let list = get_ok(&emu, "event-types").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    for et in list {
        assert!(et["name"].is_string());
        assert!(et.get("fields").is_none(), "list entries have no fields");
        assert!(et["mapping"].is_object());
    }
    let pv = get_ok(&emu, "event-types/page_view").await;
    assert_eq!(pv["name"], "page_view");
    let user = pv["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fieldName"] == "user")
        .unwrap();
    assert!(user["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["fieldName"] == "geo"));
    // A name with a slash arrives percent-encoded as one segment.
    let feed = get_ok(&emu, "event-types/partner%2Ffeed").await;
    assert_eq!(feed["name"], "partner/feed");
    get(&emu, "event-types/partner/feed")
        .await
        .assert_error(404);
    assert_eq!(get_ok(&emu, "mapping-mode").await, json!("AUTO_MAP"));
}

#[tokio::test]
async fn code_engine_shapes() {
    let emu = Emulator::start().await.unwrap();
    let fns = get_ok(&emu, "transform/functions").await;
    let fns = fns.as_array().unwrap();
    assert!(fns
        .iter()
        .all(|f| f["functionName"].is_string() && f["code"].is_string()));
    assert!(fns.iter().any(|f| f["functionName"] == "main"));
    let main = get_ok(&emu, "transform/functions/main").await;
    assert!(main["code"].as_str().unwrap().contains("def transform"));
    assert_eq!(
        get_ok(&emu, "transform/defaults").await,
        json!({"PYTHON": "def transform(event):\n\treturn event"})
    );
    let reqs = get_ok(&emu, "code-engine/requirements").await;
    assert!(reqs
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["name"].is_string() && r["version"].is_string()));
    get(&emu, "transform/functions/nope")
        .await
        .assert_error(404);
}

#[tokio::test]
async fn transform_test_runs() {
    let emu = Emulator::start().await.unwrap();
    let sample = json!({"a": 1, "nested": {"b": [1, 2]}});
    let r = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"language": "PYTHON", "functionName": "main",
                    "code": "def transform(event):\n\treturn event", "sample": sample})),
    )
    .await;
    assert_eq!(r["result"], sample);
    assert_eq!(r["output"], "");
    assert_eq!(r["notifications"], json!([]));
    assert!(r["runtime"].as_f64().unwrap() < 100.0);

    // The code runs for real: what it prints is the output, what it
    // returns the result.
    let changed = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"code": "def transform(event):\n    print('b is', event['nested']['b'])\n    event['a'] += 41\n    return event",
                    "sample": sample})),
    )
    .await;
    assert_eq!(changed["result"]["a"], 42);
    assert_eq!(changed["output"], "b is [1, 2]\n");
    // An exception: the traceback in `result.errorMessage`, a notification.
    let failed = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(
            json!({"code": "def transform(event):\n    return event['missing']", "sample": sample}),
        ),
    )
    .await;
    let message = failed["result"]["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("File \"main\", line 2, in transform"),
        "{message}"
    );
    assert!(message.ends_with("KeyError: 'missing'\n"), "{message}");
    assert_eq!(failed["notifications"][0]["level"], "ERROR");

    let dropped = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"code": "def transform(event):\n\treturn None", "sample": sample})),
    )
    .await;
    assert!(dropped["result"].is_null());

    // Without code, the deployed modules run (the seed's `main` imports
    // `utils` and normalises the user's email).
    let event =
        json!({"user": {"email": " Ann@Example.COM "}, "_metadata": {"event_type": "page_view"}});
    let deployed = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"sample": event})),
    )
    .await;
    assert_eq!(deployed["result"]["user"]["email"], "ann@example.com");

    let v2 = ok(
        &emu,
        Method::POST,
        "transform/v2/functions/run",
        Some(json!({"modules": [
            {"language": "PYTHON", "functionName": "main", "code": "def transform(event):\n\treturn None"},
            {"language": "PYTHON", "functionName": "util", "code": "X = 1"}],
          "sample": sample})),
    )
    .await;
    assert!(v2["result"].is_null());
    let v2_keep = ok(
        &emu,
        Method::POST,
        "transform/v2/functions/run",
        Some(json!({"modules": [{"language": "PYTHON", "functionName": "main", "code": "def transform(e):\n\treturn e"}],
                    "sample": sample})),
    )
    .await;
    assert_eq!(v2_keep["result"], sample);
    call(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"code": "x"})),
    )
    .await
    .assert_error(400);
    // A syntax error in a test run is the run's error, naming the line.
    let syntax = ok(
        &emu,
        Method::POST,
        "transform/functions/run",
        Some(json!({"code": "def transform(event):\n    return event[", "sample": sample})),
    )
    .await;
    let message = syntax["result"]["errorMessage"].as_str().unwrap();
    assert!(
        message.contains("SyntaxError") && message.contains("line 2"),
        "{message}"
    );
    // Deploying it is refused, naming the module and the line.
    let refused = call(
        &emu,
        Method::POST,
        "transform/v2/functions",
        Some(json!([{"language": "PYTHON", "functionName": "main", "code": "def transform(event):\n    return event["}])),
    )
    .await;
    refused.assert_error(400);
    assert!(
        refused.text().contains("main, line 2"),
        "{}",
        refused.text()
    );
}

#[tokio::test]
async fn without_code_execution_test_runs_answer_501() {
    let emu = Emulator::builder()
        .code_execution(alooma_emulator::CodeExecution::disabled())
        .start()
        .await
        .unwrap();
    let r = call(
        &emu,
        Method::POST,
        "transform/v2/functions/run",
        Some(json!({"sample": {"a": 1}})),
    )
    .await;
    r.assert_error(501);
    assert!(r.text().contains("--no-code-execution"), "{}", r.text());
    // Deploys store the code (unchecked).
    ok(
        &emu,
        Method::POST,
        "transform/v2/functions",
        Some(json!([{"language": "PYTHON", "functionName": "main", "code": "def transform(e):\n    return e"}])),
    )
    .await;
}

#[tokio::test]
async fn samples_shapes() {
    let emu = Emulator::start().await.unwrap();
    let all = get_ok(&emu, "samples").await;
    assert_eq!(all.as_array().unwrap().len(), 7);
    let pv = get_ok(&emu, "samples?eventType=page_view").await;
    assert_eq!(pv.as_array().unwrap().len(), 3);
    assert!(pv
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["sample"].is_object()));
    let filtered = get_ok(&emu, "samples?eventType=page_view&status=VALID").await;
    assert_eq!(filtered.as_array().unwrap().len(), 2);
    let two = get_ok(&emu, "samples?status=VALID&status=TYPE_MISMATCH").await;
    assert_eq!(two.as_array().unwrap().len(), 5);
    let slash = get_ok(&emu, "samples?eventType=partner%2Ffeed").await;
    assert_eq!(slash.as_array().unwrap().len(), 1);
    let stats = get_ok(&emu, "samples/stats").await;
    assert_eq!(
        stats["page_view"],
        json!({"VALID": 2, "UNMAPPED_FIELDS": 1})
    );
    assert_eq!(stats["checkout"]["TYPE_MISMATCH"], 1);
    let codes = get_ok(&emu, "status-types").await;
    assert_eq!(codes["VALID"], "Valid");
}

#[tokio::test]
async fn metrics_series() {
    let emu = Emulator::start().await.unwrap();
    let m = get_ok(
        &emu,
        "metrics?metrics=EVENTS_IN_PIPELINE,LATENCY_MAX&from=-60min&resolution=5min",
    )
    .await;
    let series = m.as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["target"], "EVENTS_IN_PIPELINE");
    assert_eq!(series[1]["target"], "LATENCY_MAX");
    for s in series {
        let points = s["datapoints"].as_array().unwrap();
        // One point per 5-minute step over the hour, both ends included.
        assert_eq!(points.len(), 13);
        let nulls = points.iter().filter(|p| p[0].is_null()).count();
        assert_eq!(nulls, 3, "every fourth point is null");
        let stamps: Vec<i64> = points.iter().map(|p| p[1].as_i64().unwrap()).collect();
        assert!(stamps.windows(2).all(|w| w[1] - w[0] == 300));
        assert!(points
            .iter()
            .all(|p| p[0].is_null() || p[0].as_f64().unwrap() > 0.0));
    }
    // Deterministic values.
    let again = get_ok(
        &emu,
        "metrics?metrics=EVENTS_IN_PIPELINE,LATENCY_MAX&from=-60min&resolution=5min",
    )
    .await;
    let values = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v[0]["datapoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].clone())
            .collect()
    };
    assert_eq!(values(&m), values(&again));
    // Resolution defaults to the window: its two ends.
    let one = get_ok(&emu, "metrics?metrics=EVENTS_IN_TRANSIT&from=-30min").await;
    assert_eq!(one[0]["datapoints"].as_array().unwrap().len(), 2);
    assert!(one[0]["datapoints"][0][0].is_number());
    // A 60-minute window at 60-minute resolution gives two points, as
    // clients index them (`datapoints[1]` is the latest).
    let hour = get_ok(
        &emu,
        "metrics?metrics=INCOMING_EVENTS&from=-60min&resolution=60min",
    )
    .await;
    let points = hour[0]["datapoints"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(
        points[1][1].as_i64().unwrap() - points[0][1].as_i64().unwrap(),
        3600
    );
    // Every known name works.
    let names = "EVENT_SIZE_AVG,EVENT_SIZE_TOTAL,EVENT_PROCESSING_RATE,INCOMING_EVENTS,RESTREAMED_EVENTS,UNMAPPED_EVENTS,IGNORED_EVENTS,ERROR_EVENTS,LOADED_EVENTS_RATE,LATENCY_AVG,LATENCY_PERCENTILE_50,LATENCY_PERCENTILE_95,LATENCY_MAX,EVENTS_IN_PIPELINE,EVENTS_IN_TRANSIT";
    let all = get_ok(
        &emu,
        &format!("metrics?metrics={names}&from=-10min&resolution=1min"),
    )
    .await;
    assert_eq!(all.as_array().unwrap().len(), 15);
    get(&emu, "metrics?metrics=BOGUS&from=-10min")
        .await
        .assert_error(400);
    get(&emu, "metrics?metrics=LATENCY_MAX&from=10min")
        .await
        .assert_error(400);
    get(&emu, "metrics?from=-10min").await.assert_error(400);
    get(
        &emu,
        "metrics?metrics=LATENCY_MAX&from=-99999999min&resolution=1min",
    )
    .await
    .assert_error(400);
}

#[tokio::test]
async fn notifications_settings_secrets_shapes() {
    let emu = Emulator::start().await.unwrap();
    let n = get_ok(&emu, "notifications?from=0").await;
    let messages = n["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert!(messages
        .iter()
        .all(|m| m["typeDescription"].is_string() && m["severity"].is_string()));
    let later = get_ok(&emu, "notifications?from=1714546800").await;
    assert_eq!(later["messages"].as_array().unwrap().len(), 2);
    get(&emu, "notifications?from=soon").await.assert_error(400);

    let settings = get_ok(&emu, "settings/").await;
    assert_eq!(settings["email-notifications"]["digestFrequency"], "DAILY");
    assert!(settings.as_object().unwrap().contains_key("s3-retention"));
    let secrets = get_ok(&emu, "secrets").await;
    assert_eq!(secrets, json!(["db_password", "partner_api_token"]));
}

#[tokio::test]
async fn tables_and_schemas_shapes() {
    let emu = Emulator::start().await.unwrap();
    let tables = get_ok(&emu, "tables").await;
    let tables = tables.as_array().unwrap();
    assert!(tables.iter().all(|t| t["schema"] == "public"));
    let pv = tables
        .iter()
        .find(|t| t["tableName"] == "page_view")
        .unwrap();
    assert!(pv["columns"].as_array().unwrap().len() > 3);
    assert!(pv.as_object().unwrap().contains_key("retention"));
    let shallow = get_ok(&emu, "tables?shallow=true").await;
    assert!(shallow
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["columns"] == json!([])));
    let analytics = get_ok(&emu, "tables/analytics?shallow=true").await;
    let names: Vec<&str> = analytics
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tableName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["revenue_report", "sessions"]);
    let deps = get_ok(&emu, "tables/public/orders/dependencies").await;
    assert_eq!(deps, json!(["public.orders_daily"]));
    let schemas = get_ok(&emu, "schemas/").await;
    assert_eq!(schemas[0], json!({"schemaName": "public", "default": true}));
}

#[tokio::test]
async fn queries_shapes() {
    let emu = Emulator::start().await.unwrap();
    let v2 = get_ok(&emu, "v2/consolidation").await;
    let v2 = v2.as_array().unwrap();
    assert_eq!(v2.len(), 2);
    assert!(v2
        .iter()
        .all(|q| q["configuration"]["event_type"].is_string()));
    assert!(v2.iter().any(|q| q["error_message"] != ""));
    let orders = get_ok(&emu, "v2/consolidation?event_type=orders").await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert_eq!(orders[0]["id"], 1);
    let v1 = get_ok(&emu, "consolidation").await;
    assert_eq!(v1["1"]["status"], "active");
    assert_eq!(v1["2"]["status"], "failed");
}
