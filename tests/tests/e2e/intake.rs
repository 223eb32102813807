//! Events pushed to the emulator's inputs flow: the webhook
//! (`/rest/{token}`, POST and GET) and the Python SDK's protocol, through
//! the deployed Code Engine code (real Python) and the Mapper into the
//! account's SQLite warehouse; what does not load waits in the Restream
//! Queue until the mapping is fixed and a restream loads it, once.

use alooma::types::{InputSpec, MappingMode};
use alooma_engine::warehouse::Warehouse;
use alooma_tests::{client, send_raw as send, start, warehouse_rows as rows};
use serde_json::{json, Value};

#[tokio::test]
async fn webhook_events_load_into_the_warehouse_through_the_code_engine() {
    let emu = start().await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::AutoMap).await.unwrap();
    c.create_input(&InputSpec::new("hooks", "REST_ENDPOINT"))
        .await
        .unwrap();
    let modules = std::collections::BTreeMap::from([(
        "main".to_owned(),
        "def transform(event):\n    if event.get('skip'):\n        return None\n    event['source'] = 'hook'\n    return event\n".to_owned(),
    )]);
    c.set_code_engine_code(&modules).await.unwrap();
    let token = emu
        .with_state(|s| s.input_token("hooks").map(str::to_owned))
        .unwrap();

    let (status, body) = send(
        &emu,
        "POST",
        &format!("/rest/{token}"),
        r#"[{"id": "a", "n": 1, "page": "/a"}, {"id": "b", "n": 2, "skip": true}]"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["events"], 2);
    let (status, _) = send(
        &emu,
        "GET",
        &format!("/rest/{token}?id=c&n=3&page=%2Fb"),
        "",
    )
    .await;
    assert_eq!(status, 200);

    // A GET's values arrive as text: `n` is BIGINT from the first event,
    // and "3" converts; `id` is the event type's own VARCHAR column.
    assert_eq!(
        rows(
            &emu,
            "SELECT id, n, page, source, _metadata_input_label AS label FROM public.hooks ORDER BY n"
        ),
        json!([
            {"id": "a", "n": 1, "page": "/a", "source": "hook", "label": "hooks"},
            {"id": "c", "n": 3, "page": "/b", "source": "hook", "label": "hooks"},
        ])
    );
    // Samples: the events as they arrived, with their status.
    let samples = c.get_samples(Some("hooks"), &[]).await.unwrap();
    let mut statuses: Vec<String> = samples
        .iter()
        .map(|s| s.status.get().cloned().unwrap_or_default())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["DROP", "VALID", "VALID"], "{samples:?}");
    assert!(samples
        .iter()
        .all(|s| s.sample.get().is_some_and(|e| e.get("source").is_none())));
    // The event type learned its fields, with auto-mapped columns.
    let et = c.get_event_type("hooks").await.unwrap();
    let names: Vec<String> = et.fields().iter().map(|f| f.field_name.clone()).collect();
    assert!(
        names.contains(&"page".to_owned()) && names.contains(&"source".to_owned()),
        "{names:?}"
    );

    // The journal has the request, without the token or the events.
    let intake: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some("intake"))
        .collect();
    assert_eq!(intake.len(), 2);
    assert!(intake
        .iter()
        .all(|r| r.path == "/rest/{token}" && r.body.is_none() && r.query.is_none()));
}

#[tokio::test]
async fn a_strict_failure_waits_in_the_restream_queue_and_a_restream_loads_it_once() {
    let emu = start().await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::Strict).await.unwrap();
    c.create_input(&InputSpec::new("orders_hook", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("orders_hook").map(str::to_owned))
        .unwrap();
    let (status, _) = send(
        &emu,
        "POST",
        &format!("/rest/{token}"),
        r#"{"id": "o-7", "order": 7, "total": 9.5}"#,
    )
    .await;
    assert_eq!(status, 200);
    // STRICT, and the event type is not mapped: it waits, with the reason.
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 1);
    // The metrics are what happened (one point a minute, ten minutes).
    let metric = |series: &[alooma::types::MetricSeries], name: &str| -> f64 {
        series
            .iter()
            .find(|s| s.target.as_str() == name)
            .map(|s| s.values().sum())
            .unwrap_or(-1.0)
    };
    use alooma::types::MetricName;
    let names = [
        MetricName::IncomingEvents,
        MetricName::UnmappedEvents,
        MetricName::RestreamedEvents,
        MetricName::ErrorEvents,
    ];
    let series = c
        .get_metrics_by_names_with(names.clone(), 10, Some(1))
        .await
        .unwrap();
    assert_eq!(metric(&series, "INCOMING_EVENTS"), 1.0, "{series:?}");
    assert_eq!(metric(&series, "UNMAPPED_EVENTS"), 1.0);
    assert_eq!(metric(&series, "ERROR_EVENTS"), 0.0);
    let queue = emu.with_state(|s| s.restream_queue());
    assert!(queue[0].1.contains("orders_hook"), "{queue:?}");
    // And a notification says so, and what to do.
    let notes = c.get_notifications(0).await.unwrap();
    let partial = notes
        .messages
        .iter()
        .find(|n| n.type_description.as_deref() == Some("Partially Mapped Event"))
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert!(partial
        .description
        .as_deref()
        .is_some_and(|d| d.starts_with("1 event(s) have fields")));

    // Fix: the event type auto-maps; then restream.
    let mut et = c.get_mapping("orders_hook").await.unwrap();
    et.set_mapping_mode(MappingMode::AutoMap);
    c.set_mapping(&et, "orders_hook").await.unwrap();
    c.start_restream().await.unwrap();
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    let series = c
        .get_metrics_by_names_with(names, 10, Some(1))
        .await
        .unwrap();
    assert_eq!(metric(&series, "RESTREAMED_EVENTS"), 1.0, "{series:?}");
    assert_eq!(metric(&series, "INCOMING_EVENTS"), 1.0);
    assert_eq!(
        rows(
            &emu,
            "SELECT \"order\", total, _metadata_restream_count AS passes FROM public.orders_hook"
        ),
        json!([{"order": 7, "total": 9.5, "passes": 1}])
    );
    // A second restream has nothing to send; nothing loads twice.
    c.start_restream().await.unwrap();
    assert_eq!(
        rows(&emu, "SELECT count(*) AS n FROM public.orders_hook"),
        json!([{"n": 1}])
    );
}

#[tokio::test]
async fn bad_intake_is_refused_clearly_and_takes_nothing() {
    let emu = start().await;
    let c = client(&emu);
    c.create_input(&InputSpec::new("h", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("h").map(str::to_owned))
        .unwrap();
    let (status, body) = send(&emu, "POST", "/pysdk/not-a-token", "[]").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("bad token"), "{body}");
    let (status, body) = send(&emu, "POST", &format!("/rest/{token}"), "{not json").await;
    assert_eq!(status, 400);
    assert!(body.contains("not JSON"), "{body}");
    let (status, body) = send(&emu, "POST", &format!("/rest/{token}"), r#"[{"a": 1}, 5]"#).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("event 2") && body.contains("nothing was taken"),
        "{body}"
    );
    assert_eq!(emu.with_state(|s| s.data_totals()), None, "nothing flowed");
    // The SDK's checks.
    let (status, body) = send(&emu, "GET", "/", "{}").await;
    assert_eq!(status, 200);
    assert!(
        serde_json::from_str::<Value>(&body).unwrap()["maxRequestSize"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        send(&emu, "GET", &format!("/verify/{token}"), "").await.0,
        200
    );
    assert_eq!(send(&emu, "GET", "/verify/nope", "").await.0, 400);
}

/// Runs `python/pysdk_send.py` (alooma-pysdk 2.1 from PyPI, unmodified, in
/// a venv made on first use) against the emulator's input `token`: five
/// events and a plain message, event type `sdk_events`.
async fn send_with_the_python_sdk(emu: &alooma_emulator::Emulator, token: String) {
    let venv = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pysdk-venv");
    let python = tokio::task::spawn_blocking(move || alooma_tests::python::event_sdk(&venv))
        .await
        .unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/pysdk_send.py");
    let host = format!("127.0.0.1:{}", emu.addr().port());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(host)
            .arg(token)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_python_sdk_from_pypi_delivers_its_events() {
    let emu = start().await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::AutoMap).await.unwrap();
    c.create_input(&InputSpec::new("sdk", "PYTHON_SDK"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("sdk").map(str::to_owned))
        .unwrap();
    send_with_the_python_sdk(&emu, token).await;
    // The SDK's event type, its message unwrapped, its metadata and its
    // @uuid in `_metadata`.
    assert_eq!(
        rows(
            &emu,
            "SELECT i, name, message, _metadata_source AS source, _metadata_input_label AS label
             FROM public.sdk_events ORDER BY i"
        ),
        json!([
            {"i": null, "name": null, "message": "a plain message", "source": null, "label": "sdk"},
            {"i": 0, "name": "n0", "message": null, "source": "test", "label": "sdk"},
            {"i": 1, "name": "n1", "message": null, "source": "test", "label": "sdk"},
            {"i": 2, "name": "n2", "message": null, "source": "test", "label": "sdk"},
            {"i": 3, "name": "n3", "message": null, "source": "test", "label": "sdk"},
            {"i": 4, "name": "n4", "message": null, "source": "test", "label": "sdk"},
        ])
    );
    assert_eq!(
        rows(
            &emu,
            "SELECT count(DISTINCT _metadata__uuid) AS n FROM public.sdk_events"
        ),
        json!([{"n": 6}])
    );
}

#[tokio::test]
async fn webhook_events_load_into_a_real_postgresql_server() {
    let server = tokio::task::spawn_blocking(alooma_tests::postgres::Server::start)
        .await
        .unwrap();
    let emu = alooma_tests::start_with(alooma_emulator::Emulator::builder().warehouse(
        alooma_emulator::domain::data::WarehouseLocation::Postgres(server.postgres_url()),
    ))
    .await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::AutoMap).await.unwrap();
    c.create_input(&InputSpec::new("pg_hook", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("pg_hook").map(str::to_owned))
        .unwrap();
    let body = r#"[{"id": "a", "n": 1.5, "at": "2024-05-01T10:00:00Z", "_metadata": {"@uuid": "0b0e9f2c-1111-4c8e-9a51-2f0e2f6d7a10"}},
                 {"id": "b", "n": 2.5, "_metadata": {"@uuid": "0b0e9f2c-2222-4c8e-9a51-2f0e2f6d7a10"}}]"#;
    let (status, answer) = send(&emu, "POST", &format!("/rest/{token}"), body).await;
    assert_eq!(status, 200, "{answer}");
    // Sent again (a sender's retry) with the same ids: nothing loads twice.
    assert_eq!(
        send(&emu, "POST", &format!("/rest/{token}"), body).await.0,
        200
    );
    let got = loaded(
        &emu,
        &Loads::Postgres(server.url()),
        "SELECT id, n, at FROM public.pg_hook ORDER BY id",
    )
    .await;
    assert_eq!(
        got,
        json!([
            {"id": "a", "n": 1.5, "at": "2024-05-01T10:00:00"},
            {"id": "b", "n": 2.5, "at": null},
        ])
    );
}

/// A second connection to the server, to read what the emulator loaded.
fn alooma_engine_postgres(url: &str) -> impl alooma_engine::warehouse::Warehouse {
    alooma_engine::warehouse::postgres::Postgres::connect(url).unwrap()
}

#[tokio::test]
async fn modules_that_do_not_load_hold_the_events_and_tokens_stay_out_of_the_journal() {
    let emu = start().await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::AutoMap).await.unwrap();
    c.create_input(&InputSpec::new("h2", "REST_ENDPOINT"))
        .await
        .unwrap();
    let modules = std::collections::BTreeMap::from([(
        "main".to_owned(),
        "import no_such_module_anywhere\n\ndef transform(event):\n    return event\n".to_owned(),
    )]);
    c.set_code_engine_code(&modules).await.unwrap();
    let token = emu
        .with_state(|s| s.input_token("h2").map(str::to_owned))
        .unwrap();
    assert_eq!(
        send(&emu, "POST", &format!("/rest/{token}"), r#"{"a": 1}"#)
            .await
            .0,
        200
    );
    // Never loaded without the user's code: it waits, saying why.
    let queue = emu.with_state(|s| s.restream_queue());
    assert_eq!(queue.len(), 1);
    assert!(queue[0].1.contains("do not load"), "{queue:?}");
    assert_eq!(emu.with_state(|s| s.data_totals()).unwrap().loaded, 0);

    // Another method on a token's path: 405, and the journal has no token.
    let (status, _) = send(&emu, "PUT", &format!("/rest/{token}"), "{}").await;
    assert_eq!(status, 405);
    assert!(emu.requests().iter().all(|r| !r.path.contains(&token)));
    // Nor does Debug.
    let shown = emu.with_state(|s| format!("{:?}", s.input_meta));
    assert!(!shown.contains(&token), "{shown}");
    let location = alooma_emulator::domain::data::WarehouseLocation::parse(
        "postgres://loader:s3cret@localhost:5432/dwh",
    )
    .unwrap();
    assert!(!format!("{location:?}").contains("s3cret"));
}

#[tokio::test]
async fn what_waits_survives_a_restart_with_its_state_file_and_loads_once_after() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let warehouse = dir.path().join("dwh.sqlite");
    let builder = || {
        alooma_emulator::Emulator::builder()
            .state_file(&state)
            .warehouse(alooma_emulator::domain::data::WarehouseLocation::File(
                warehouse.clone(),
            ))
    };
    let emu = alooma_tests::start_with(builder()).await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::Strict).await.unwrap();
    c.create_input(&InputSpec::new("kept", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("kept").map(str::to_owned))
        .unwrap();
    let body = r#"{"id": "k1", "page": "/x"}"#;
    assert_eq!(
        send(&emu, "POST", &format!("/rest/{token}"), body).await.0,
        200
    );
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 1);
    emu.shutdown().await.unwrap();

    // Restarted from its state file: the event still waits.
    let emu = alooma_tests::start_with(builder()).await;
    let c = client(&emu);
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 1);
    let mut et = c.get_mapping("kept").await.unwrap();
    et.set_mapping_mode(MappingMode::AutoMap);
    c.set_mapping(&et, "kept").await.unwrap();
    c.start_restream().await.unwrap();
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    assert_eq!(
        rows(&emu, "SELECT id, page FROM public.kept"),
        json!([{"id": "k1", "page": "/x"}])
    );
}

#[tokio::test]
async fn a_postgresql_warehouse_that_goes_away_mid_load_loses_nothing_and_loads_each_event_once_when_back(
) {
    let server = std::sync::Arc::new(
        tokio::task::spawn_blocking(alooma_tests::postgres::Server::start)
            .await
            .unwrap(),
    );
    let emu = alooma_tests::start_with(alooma_emulator::Emulator::builder().warehouse(
        alooma_emulator::domain::data::WarehouseLocation::Postgres(server.postgres_url()),
    ))
    .await;
    let c = client(&emu);
    c.set_mapping_mode(MappingMode::AutoMap).await.unwrap();
    c.create_input(&InputSpec::new("away", "REST_ENDPOINT"))
        .await
        .unwrap();
    let token = emu
        .with_state(|s| s.input_token("away").map(str::to_owned))
        .unwrap();
    let event = |id: &str| json!({"id": id, "n": 1}).to_string();
    for id in ["a", "b"] {
        assert_eq!(
            send(&emu, "POST", &format!("/rest/{token}"), &event(id))
                .await
                .0,
            200
        );
    }

    // The server goes away: what arrives is accepted and waits, saying why.
    let s = std::sync::Arc::clone(&server);
    tokio::task::spawn_blocking(move || s.stop()).await.unwrap();
    for id in ["c", "d", "e"] {
        let (status, answer) = send(&emu, "POST", &format!("/rest/{token}"), &event(id)).await;
        assert_eq!(status, 200, "{answer}");
    }
    let queue = emu.with_state(|s| s.restream_queue());
    assert_eq!(queue.len(), 3, "{queue:?}");
    let totals = emu.with_state(|s| s.data_totals()).unwrap();
    assert_eq!(totals.loaded, 2);

    // Back: a restream loads each waiting event once, and the ones loaded
    // before stay once.
    let s = std::sync::Arc::clone(&server);
    tokio::task::spawn_blocking(move || s.restart())
        .await
        .unwrap();
    c.start_restream().await.unwrap();
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    c.start_restream().await.unwrap();
    let got = loaded(
        &emu,
        &Loads::Postgres(server.url()),
        "SELECT id, count(*) AS n FROM public.away GROUP BY id ORDER BY id",
    )
    .await;
    assert_eq!(
        got,
        json!([
            {"id": "a", "n": 1}, {"id": "b", "n": 1}, {"id": "c", "n": 1},
            {"id": "d", "n": 1}, {"id": "e", "n": 1},
        ])
    );
}

#[tokio::test]
async fn intake_is_journaled_without_its_events_unless_asked_and_then_with_secrets_redacted() {
    for keep in [false, true] {
        let emu =
            alooma_tests::start_with(alooma_emulator::Emulator::builder().journal_events(keep))
                .await;
        let c = client(&emu);
        c.create_input(&InputSpec::new("journaled", "REST_ENDPOINT"))
            .await
            .unwrap();
        let token = emu
            .with_state(|s| s.input_token("journaled").map(str::to_owned))
            .unwrap();
        let body = r#"[{"user": "ada", "password": "hunter2", "nested": {"api_key": "k-123"}}]"#;
        assert_eq!(
            send(&emu, "POST", &format!("/rest/{token}"), body).await.0,
            200
        );
        let records = emu.requests();
        let intake: Vec<_> = records
            .iter()
            .filter(|r| r.operation.as_deref() == Some("intake"))
            .collect();
        assert_eq!(intake.len(), 1, "{records:?}");
        let text = serde_json::to_string(&records).unwrap();
        assert!(!text.contains(&token), "the token is a credential");
        assert!(
            !text.contains("hunter2") && !text.contains("k-123"),
            "{text}"
        );
        match (keep, &intake[0].body) {
            (false, None) => {}
            (true, Some(events)) => {
                assert_eq!(events[0]["user"], "ada");
                assert_eq!(events[0]["password"], "[redacted by the emulator]");
                assert_eq!(events[0]["nested"]["api_key"], "[redacted by the emulator]");
            }
            (keep, body) => panic!("journal_events({keep}) kept {body:?}"),
        }
    }
}

#[tokio::test]
async fn two_accounts_keep_their_events_queues_and_tables_apart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dwh.sqlite");
    let emu = alooma_tests::start_with(
        alooma_emulator::Emulator::builder()
            .warehouse(alooma_emulator::domain::data::WarehouseLocation::File(
                file.clone(),
            ))
            .add_account(alooma_emulator::AccountConfig::new("globex", "GLOBEX-KEY")),
    )
    .await;
    let acme = client(&emu);
    let globex = alooma_tests::builder(&emu)
        .account("globex")
        .api_key("GLOBEX-KEY")
        .build()
        .unwrap();
    let mut tokens = Vec::new();
    for (c, mode) in [
        (&acme, MappingMode::AutoMap),
        (&globex, MappingMode::Strict),
    ] {
        c.set_mapping_mode(mode).await.unwrap();
        c.create_input(&InputSpec::new("shared_name", "REST_ENDPOINT"))
            .await
            .unwrap();
    }
    for account in ["acme", "globex"] {
        tokens.push(
            emu.with_account_state(account, |s| s.input_token("shared_name").map(str::to_owned))
                .flatten()
                .unwrap(),
        );
    }
    assert_ne!(tokens[0], tokens[1]);
    for token in &tokens {
        let body = r#"{"id": "x1", "page": "/p"}"#;
        assert_eq!(
            send(&emu, "POST", &format!("/rest/{token}"), body).await.0,
            200
        );
    }
    // acme auto-maps and loads into its warehouse; globex is STRICT and
    // holds its event in its own queue.
    assert_eq!(acme.get_restream_queue_size().await.unwrap(), 0);
    assert_eq!(globex.get_restream_queue_size().await.unwrap(), 1);
    assert!(acme.get_table("public", "shared_name").await.is_ok());
    assert!(globex
        .get_table("public", "shared_name")
        .await
        .unwrap_err()
        .is_not_found());
    // Each account's rows in its own database file.
    assert_eq!(
        rows(&emu, "SELECT id, page FROM public.shared_name"),
        json!([{"id": "x1", "page": "/p"}])
    );
    let globex_file =
        alooma_emulator::domain::data::WarehouseLocation::File(file.clone()).for_account("globex");
    assert_eq!(
        globex_file,
        alooma_emulator::domain::data::WarehouseLocation::File(
            dir.path().join("dwh.sqlite.account-globex")
        )
    );
    // globex maps and restreams: its event loads into its own file.
    let mut et = globex.get_mapping("shared_name").await.unwrap();
    et.set_mapping_mode(MappingMode::AutoMap);
    globex.set_mapping(&et, "shared_name").await.unwrap();
    globex.start_restream().await.unwrap();
    assert_eq!(globex.get_restream_queue_size().await.unwrap(), 0);
    let theirs = emu
        .with_account_state_mut("globex", |s| {
            s.query_warehouse("SELECT id FROM public.shared_name")
        })
        .unwrap()
        .unwrap();
    assert_eq!(theirs, json!([{"id": "x1"}]));
    assert_eq!(
        rows(&emu, "SELECT count(*) AS n FROM public.shared_name"),
        json!([{"n": 1}]),
        "acme's table holds acme's row only"
    );
}

/// Where the scenario below loads, and how the test reads it back.
enum Loads {
    Sqlite,
    Postgres(String),
}

/// What the emulator's warehouse answers to `sql` (PostgreSQL through a
/// connection of the test's own, off the async runtime).
async fn loaded(emu: &alooma_emulator::Emulator, loads: &Loads, sql: &str) -> Value {
    match loads {
        Loads::Sqlite => rows(emu, sql),
        Loads::Postgres(url) => {
            let (url, sql) = (url.clone(), sql.to_owned());
            tokio::task::spawn_blocking(move || {
                alooma_engine_postgres(&url).query_json(&sql).unwrap()
            })
            .await
            .unwrap()
        }
    }
}

/// Events from the Python SDK (alooma-pysdk 2.1 from PyPI, unmodified)
/// and from the webhook wait in STRICT; the event types are mapped (auto)
/// and a restream loads each event once; a second restream and the
/// webhook's retry load nothing more.
async fn sdk_and_webhook_wait_in_strict_and_load_once_after_the_fix(
    emu: &alooma_emulator::Emulator,
    loads: &Loads,
) {
    let c = client(emu);
    c.set_mapping_mode(MappingMode::Strict).await.unwrap();
    for (name, kind) in [("shop_hook", "REST_ENDPOINT"), ("sdk", "PYTHON_SDK")] {
        c.create_input(&InputSpec::new(name, kind)).await.unwrap();
    }
    let token = |name: &str| {
        emu.with_state(|s| s.input_token(name).map(str::to_owned))
            .unwrap()
    };
    let hook = format!("/rest/{}", token("shop_hook"));
    let body = r#"[{"id": "o-1", "order": 1, "total": 9.5}, {"id": "o-2", "order": 2, "total": 20, "note": "gift"}]"#;
    assert_eq!(send(emu, "POST", &hook, body).await.0, 200);
    send_with_the_python_sdk(emu, token("sdk")).await;

    // STRICT, and neither event type is mapped: all 2 + 6 wait.
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 8);
    let waiting = emu.with_state(|s| s.restream_queue());
    assert!(
        waiting
            .iter()
            .all(|(_, why)| why.contains("shop_hook") || why.contains("sdk_events")),
        "{waiting:?}"
    );

    // The fix: each event type auto-maps; then a restream.
    for event_type in ["shop_hook", "sdk_events"] {
        let mut et = c.get_mapping(event_type).await.unwrap();
        et.set_mapping_mode(MappingMode::AutoMap);
        c.set_mapping(&et, event_type).await.unwrap();
    }
    c.start_restream().await.unwrap();
    assert_eq!(c.get_restream_queue_size().await.unwrap(), 0);
    let counts = |table: &str| {
        format!(
            "SELECT count(*) AS n, count(DISTINCT _metadata__uuid) AS ids, \
             min(_metadata_restream_count) AS passes FROM public.{table}"
        )
    };
    let expect = |n: i64| json!([{"n": n, "ids": n, "passes": 1}]);
    assert_eq!(loaded(emu, loads, &counts("shop_hook")).await, expect(2));
    assert_eq!(loaded(emu, loads, &counts("sdk_events")).await, expect(6));
    assert_eq!(
        loaded(
            emu,
            loads,
            "SELECT id, \"order\", note, \
             CASE WHEN total * 2 = 19 OR total = 20 THEN 'yes' ELSE 'no' END AS total_ok \
             FROM public.shop_hook ORDER BY \"order\""
        )
        .await,
        json!([
            {"id": "o-1", "order": 1, "note": null, "total_ok": "yes"},
            {"id": "o-2", "order": 2, "note": "gift", "total_ok": "yes"},
        ])
    );

    // Nothing loads twice: a second restream has nothing to send.
    c.start_restream().await.unwrap();
    assert_eq!(loaded(emu, loads, &counts("shop_hook")).await, expect(2));
    assert_eq!(loaded(emu, loads, &counts("sdk_events")).await, expect(6));
}

#[tokio::test]
async fn sdk_and_webhook_events_wait_in_strict_and_load_once_into_sqlite_after_the_fix() {
    let emu = start().await;
    sdk_and_webhook_wait_in_strict_and_load_once_after_the_fix(&emu, &Loads::Sqlite).await;
}

#[tokio::test]
async fn sdk_and_webhook_events_wait_in_strict_and_load_once_into_postgresql_after_the_fix() {
    let server = tokio::task::spawn_blocking(alooma_tests::postgres::Server::start)
        .await
        .unwrap();
    let emu = alooma_tests::start_with(alooma_emulator::Emulator::builder().warehouse(
        alooma_emulator::domain::data::WarehouseLocation::Postgres(server.postgres_url()),
    ))
    .await;
    sdk_and_webhook_wait_in_strict_and_load_once_after_the_fix(
        &emu,
        &Loads::Postgres(server.url()),
    )
    .await;
}
