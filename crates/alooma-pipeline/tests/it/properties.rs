//! Property tests over generated pipeline states A and B, each case
//! against a fresh emulator over loopback:
//! - load(export(A)) plans no change;
//! - apply(plan(B over A)) makes the live state B, and the next plan is empty;
//! - export → load → export is byte-identical;
//! - the order of keys and of list items never shows up as a change.

use crate::support::*;
use alooma_emulator::Seed;
use alooma_pipeline::{
    secret_name, ApplyOptions, Document, Kind, Pipeline, Plan, PlanOptions, ResourceId,
    SecretValues,
};
use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
struct Input {
    postgres: bool,
    port: u16,
    port_as_text: bool,
    password: bool,
}

#[derive(Debug, Clone)]
struct EventType {
    fields: BTreeMap<&'static str, (&'static str, bool)>,
    mode: &'static str,
    table: &'static str,
}

#[derive(Debug, Clone)]
struct State {
    inputs: BTreeMap<&'static str, Input>,
    event_types: BTreeMap<&'static str, EventType>,
    mode: &'static str,
    modules: BTreeMap<&'static str, u8>,
    queries: BTreeMap<&'static str, u32>,
    secrets: BTreeSet<&'static str>,
    retention: Option<(bool, &'static str)>,
    digest: (&'static str, Vec<&'static str>),
}

const MODES: [&str; 3] = ["AUTO_MAP", "STRICT", "FLEXIBLE"];

fn input() -> impl Strategy<Value = Input> {
    (any::<bool>(), 1000u16..9999, any::<bool>(), any::<bool>()).prop_map(
        |(postgres, port, port_as_text, password)| Input {
            postgres,
            port,
            port_as_text,
            password,
        },
    )
}

fn event_type() -> impl Strategy<Value = EventType> {
    (
        btree_map(
            prop::sample::select(vec!["id", "amount", "user.email", "Ünï côde", "a/b"]),
            (
                prop::sample::select(vec!["VARCHAR", "BIGINT", "FLOAT"]),
                any::<bool>(),
            ),
            0..4,
        ),
        prop::sample::select(MODES.to_vec()),
        prop::sample::select(vec!["t_one", "t_two"]),
    )
        .prop_map(|(fields, mode, table)| EventType {
            fields,
            mode,
            table,
        })
}

fn state() -> impl Strategy<Value = State> {
    (
        btree_map(
            prop::sample::select(vec!["alpha", "beta gamma", "web/clicks", "Ünï"]),
            input(),
            0..3,
        ),
        btree_map(
            prop::sample::select(vec!["orders", "web/clicks v2", "Account", ".hidden"]),
            event_type(),
            0..3,
        ),
        prop::sample::select(MODES.to_vec()),
        btree_map(
            prop::sample::select(vec!["main", "utils", "my module"]),
            0u8..3,
            0..3,
        ),
        any::<u32>(),
        btree_set(
            prop::sample::select(vec!["db_password", "api-token", "X"]),
            0..3,
        ),
        prop::option::of((any::<bool>(), prop::sample::select(vec!["b1", "b2"]))),
        (
            prop::sample::select(vec!["DAILY", "WEEKLY"]),
            vec(
                prop::sample::select(vec!["a@x.io", "b@x.io", "c@x.io"]),
                0..3,
            ),
        ),
    )
        .prop_map(
            |(
                inputs,
                mut event_types,
                mode,
                modules,
                q,
                secrets,
                retention,
                (freq, mut recipients),
            )| {
                // An input's events are an event type of its name (the service
                // makes one when the input is created): a state has it.
                for name in inputs.keys() {
                    event_types.entry(*name).or_insert_with(|| EventType {
                        fields: BTreeMap::new(),
                        mode: "AUTO_MAP",
                        table: "t_one",
                    });
                }
                recipients.sort();
                recipients.dedup();
                // A custom query for some of the event types (hours from q).
                let queries = event_types
                    .keys()
                    .enumerate()
                    .filter(|(i, _)| q >> i & 1 == 1)
                    .map(|(i, name)| (*name, 1 + (q >> (i + 4)) % 24))
                    .collect();
                State {
                    inputs,
                    event_types,
                    mode,
                    modules,
                    queries,
                    secrets,
                    retention,
                    digest: (freq, recipients),
                }
            },
        )
}

/// The pipeline a state stands for, with the values of its references.
/// `shuffled` writes every list in another order (what a plan must not see).
fn pipeline(s: &State, shuffled: bool) -> (Pipeline, SecretValues) {
    let mut p = Pipeline::new();
    let mut values = SecretValues::new();
    for name in &s.secrets {
        p.insert(
            ResourceId::new(Kind::Secret, *name),
            Document::Json(Value::Null),
        );
        values.insert(name, format!("value of {name}"));
    }
    for (name, code) in &s.modules {
        let text = match code {
            0 => format!("def transform(event):\n    return event  # {name}\n"),
            1 => "def helper(x):\n\treturn x\n".to_owned(),
            _ => "import json\n\ndef transform(event):\n    event['x'] = json.dumps([1, 2])\n    return event\n".to_owned(),
        };
        p.insert(
            ResourceId::new(Kind::CodeModule, *name),
            Document::Text(text),
        );
    }
    p.insert(
        ResourceId::singleton(Kind::MappingMode),
        Document::Json(json!(s.mode)),
    );
    for (name, et) in &s.event_types {
        let mut fields: Vec<Value> = et
            .fields
            .iter()
            .map(|(f, (t, discarded))| {
                json!({"fieldName": f, "fields": [], "mapping": {
                    "columnName": if *discarded { String::new() } else { f.replace(['.', ' ', '/'], "_").to_lowercase() },
                    "columnType": {"type": t, "nonNull": false},
                    "isDiscarded": discarded}})
            })
            .collect();
        if shuffled {
            fields.reverse();
        }
        p.insert(
            ResourceId::new(Kind::EventType, *name),
            Document::Json(json!({
                "name": name,
                "mappingMode": et.mode,
                "mapping": {"tableName": et.table, "schema": "public", "isDiscarded": false, "readOnly": false},
                "fields": fields,
            })),
        );
    }
    for (name, i) in &s.inputs {
        let mut config = json!({
            "hostname": format!("{name}.example.com"),
            "port": if i.port_as_text { json!(i.port.to_string()) } else { json!(i.port) },
        });
        if i.password {
            let reference = secret_name("INPUT", &[name, "password"]);
            values.insert(&reference, format!("pw of {name}"));
            config["password"] = json!({"$secret": reference});
        }
        p.insert(
            ResourceId::new(Kind::Input, *name),
            Document::Json(json!({"name": name, "type": if i.postgres { "POSTGRESQL" } else { "MYSQL" }, "configuration": config})),
        );
    }
    for (event_type, hours) in &s.queries {
        p.insert(
            ResourceId::new(Kind::Query, format!("{event_type}.custom")),
            Document::Json(json!({
                "event_type": event_type, "query_type": "custom", "avoid_duplicates": false,
                "custom_query": format!("INSERT INTO t SELECT * FROM {};", event_type.replace(['/', ' ', '.'], "_")),
                "frequency": hours, "run_at": null,
            })),
        );
    }
    let mut recipients = s.digest.1.clone();
    if shuffled {
        recipients.reverse();
    }
    p.insert(
        ResourceId::singleton(Kind::Notifications),
        Document::Json(json!({"digestInfo": true, "digestWarning": true, "digestError": true, "digestFrequency": s.digest.0, "recipientsChanged": false, "recipients": recipients})),
    );
    if let Some((gzip, bucket)) = s.retention {
        values.insert("S3_RETENTION_AWS_ACCESS_KEY_ID", "AKIA-prop");
        values.insert("S3_RETENTION_AWS_SECRET_ACCESS_KEY", "secret-prop");
        p.insert(
            ResourceId::singleton(Kind::S3Retention),
            Document::Json(json!({
                "awsBucketName": bucket, "gzip": gzip, "saveMetadata": true, "serverSideEncryption": true,
                "awsAccessKeyId": {"$secret": "S3_RETENTION_AWS_ACCESS_KEY_ID"},
                "awsSecretAccessKey": {"$secret": "S3_RETENTION_AWS_SECRET_ACCESS_KEY"},
            })),
        );
    }
    (p, values)
}

/// Every key of `want` is in `got` with the same value (`got` may hold
/// keys the service fills in).
fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| contains(gv, v))),
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(a, b)| contains(a, b))
        }
        (Value::String(g), Value::Number(w)) | (Value::Number(w), Value::String(g)) => {
            g == &w.to_string()
        }
        _ => got == want,
    }
}

fn run(a: &State, b: &State) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = emulator(Seed::empty()).await;
        let client = client(&emu);
        let all = PlanOptions::prune(true);
        // A onto the empty system.
        let (pa, va) = pipeline(a, false);
        apply(&pa, &client, &all.clone().with_secrets(va.clone())).await;
        // load(export(A)) plans no change; export → load → export is identical.
        let dir = tempfile::tempdir().unwrap();
        fetch(&client).await.write(dir.path()).unwrap();
        let loaded = Pipeline::load(dir.path()).unwrap();
        let replan = Plan::new(&loaded, &fetch(&client).await, &all).unwrap();
        prop_assert!(replan.is_empty(), "export of A plans changes:\n{replan}");
        let again = tempfile::tempdir().unwrap();
        loaded.write(again.path()).unwrap();
        prop_assert_eq!(tree(dir.path()), tree(again.path()));

        // B over A.
        let (pb, vb) = pipeline(b, false);
        let options = all.clone().with_secrets(vb.clone());
        let plan = Plan::new(&pb, &fetch(&client).await, &options).unwrap();
        let report = plan.apply(&client, &ApplyOptions::default()).await;
        prop_assert!(report.is_success(), "{plan}\n{report}");
        let after = Plan::new(&pb, &fetch(&client).await, &options).unwrap();
        prop_assert!(after.is_empty(), "after apply:\n{after}");
        // The live state is B: every resource of B, nothing else managed.
        let live = fetch(&client).await;
        for (id, want) in pb.resources() {
            let got = live.get(id);
            prop_assert!(got.is_some(), "{id} missing after apply");
            match (got.unwrap(), want) {
                (Document::Json(g), Document::Json(w)) => {
                    prop_assert!(contains(g, w), "{id}: live {g} is not {w}")
                }
                (g, w) => prop_assert_eq!(g, w),
            }
        }
        for (id, _) in live.resources() {
            if id.kind.is_managed() && id.kind.is_deletable() {
                prop_assert!(
                    pb.get(id).is_some(),
                    "{id} left over after apply with prune"
                );
            }
        }
        // Order of keys and lists, and formatting, never show.
        let (shuffled, _) = pipeline(b, true);
        let odd = tempfile::tempdir().unwrap();
        shuffled.write(odd.path()).unwrap();
        for (path, bytes) in tree(odd.path()) {
            if path.ends_with(".json") {
                let v: Value = serde_json::from_slice(&bytes).unwrap();
                std::fs::write(odd.path().join(&path), serde_json::to_string(&v).unwrap()).unwrap();
            }
        }
        let reordered = Pipeline::load(odd.path()).unwrap();
        let plan = Plan::new(&reordered, &fetch(&client).await, &options).unwrap();
        prop_assert!(plan.is_empty(), "order shows as a change:\n{plan}");
        emu.shutdown().await.unwrap();
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn plans_converge_and_exports_are_stable(a in state(), b in state()) {
        run(&a, &b)?;
    }
}
