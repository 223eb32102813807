//! Cassettes: record against the emulator, replay with it stopped (byte
//! equal answers, the same typed results), a missing call named with the
//! closest recorded one, redaction of every secret kind, and an emulator
//! seeded from a recorded session that the scenario chains pass against.

use alooma::core::event_types::GetEventType;
use alooma::core::Operation;
use alooma::replay::{Replay, ReplayOrder};
use alooma::types::{InputSpec, MappingMode};
use alooma::Client;
use alooma_tests::{builder, start};
use serde_json::Value;
use tower::ServiceExt;

/// A demo emulator and a client recording to a fresh cassette (the
/// directory lives as long as its handle).
async fn recording(
    name: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    alooma_emulator::Emulator,
    Client,
) {
    let dir = tempfile::tempdir().unwrap();
    let cassette = dir.path().join(name);
    let emu = start().await;
    let live = builder(&emu)
        .api_key(emu.key())
        .record_to(&cassette)
        .build()
        .unwrap();
    (dir, cassette, emu, live)
}

/// A value as JSON with every secret redacted.
fn redacted<T: serde::Serialize>(value: &T) -> Value {
    let mut v = serde_json::to_value(value).unwrap();
    alooma::types::redact_value(&mut v);
    v
}

/// A raw GET of the emulator over a plain socket: what it sent, byte for
/// byte.
async fn raw_get(emu: &alooma_emulator::Emulator, rest_path: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let head = format!(
        "GET /{}/rest/{rest_path} HTTP/1.1\r\nHost: {}\r\nAuthorization: API {}\r\nConnection: close\r\n\r\n",
        emu.account(),
        emu.addr(),
        emu.key()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    let at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    answer.split_off(at + 4)
}

#[tokio::test]
async fn record_then_replay_with_the_emulator_stopped() {
    let (_dir, cassette, emu, live) = recording("session.jsonl").await;
    let structure = live.get_structure().await.unwrap();
    let types = live.get_event_types().await.unwrap();
    let orders = live.get_event_type("orders").await.unwrap();
    live.set_mapping_mode(MappingMode::Strict).await.unwrap();
    let mode = live.get_mapping_mode().await.unwrap();
    let queries = live.get_queries().await.unwrap();
    let secrets = live.get_secrets().await.unwrap();
    let tables = live.get_tables().await.unwrap();
    let orders_bytes = raw_get(&emu, "event-types/orders").await;
    emu.shutdown().await.unwrap();

    let replay = Replay::from_file(&cassette).unwrap();
    let c = Client::with_service(replay.clone());
    // Secret values were never recorded: they come back redacted.
    assert_eq!(
        redacted(&c.get_structure().await.unwrap()),
        redacted(&structure)
    );
    assert!(
        c.get_structure().await.unwrap_err().is_not_recorded(),
        "each answer is used once"
    );
    assert_eq!(c.get_event_types().await.unwrap(), types);
    assert_eq!(c.get_event_type("orders").await.unwrap(), orders);
    c.set_mapping_mode(MappingMode::Strict).await.unwrap();
    assert_eq!(c.get_mapping_mode().await.unwrap(), mode);
    assert_eq!(mode, MappingMode::Strict);
    assert_eq!(c.get_queries().await.unwrap(), queries);
    assert_eq!(c.get_secrets().await.unwrap(), secrets);
    assert_eq!(c.get_tables().await.unwrap(), tables);
    assert_eq!(replay.remaining(), 0);

    // Byte-equal answers: the replayed body is what the emulator sent.
    let again = Replay::from_file(&cassette)
        .unwrap()
        .order(ReplayOrder::ByContent);
    let answer = again
        .oneshot(GetEventType::new("orders").build().unwrap())
        .await
        .unwrap();
    assert_eq!(answer.body().as_ref(), orders_bytes.as_slice());
    let recorded: Value = serde_json::from_slice(answer.body()).unwrap();
    assert_eq!(recorded["name"], "orders");
}

#[tokio::test]
async fn a_call_the_cassette_lacks_names_the_closest_and_the_difference() {
    let (_dir, cassette, emu, live) = recording("session.jsonl").await;
    live.get_event_type("orders").await.unwrap();
    live.get_event_types().await.unwrap();
    emu.shutdown().await.unwrap();

    // In order: the second recorded call cannot come first.
    let c = Client::with_service(Replay::from_file(&cassette).unwrap());
    let err = c.get_event_types().await.unwrap_err();
    assert!(err.is_not_recorded(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("closest recorded: get_event_type GET /event-types/orders"),
        "{text}"
    );
    // By content: any order.
    let c = Client::with_service(
        Replay::from_file(&cassette)
            .unwrap()
            .order(ReplayOrder::ByContent),
    );
    c.get_event_types().await.unwrap();
    let err = c.get_event_type("orderz").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("path: recorded /event-types/orders, asked /event-types/orderz"),
        "{text}"
    );
    c.get_event_type("orders").await.unwrap();
    let err = c.get_event_type("orders").await.unwrap_err();
    assert!(err.to_string().contains("no answer left"), "{err}");
    // Repeat: answers can be used again.
    let c = Client::with_service(
        Replay::from_file(&cassette)
            .unwrap()
            .order(ReplayOrder::ByContent)
            .repeat(true),
    );
    for _ in 0..3 {
        c.get_event_types().await.unwrap();
    }
}

/// Every kind of secret a client sends or the service answers: none is in
/// the cassette.
#[tokio::test]
async fn the_cassette_holds_no_secret_of_any_kind() {
    let (_dir, cassette, emu, live) = recording("session.jsonl").await;
    let secrets = [
        "in-pw-1",
        "AKIA-2",
        "aws-secret-3",
        "out-pw-4",
        "secret-value-5",
        "s3-secret-6",
        "token-7",
    ];
    let spec = InputSpec::new("db", "MYSQL")
        .with_config("server", "db.example")
        .with_config("password", secrets[0])
        .with_config("awsAccessKeyId", secrets[1])
        .with_config("awsSecretAccessKey", secrets[2])
        .with_config("api_token", secrets[6]);
    live.create_input(&spec).await.unwrap();
    live.get_inputs().await.unwrap();
    let redshift =
        alooma::types::RedshiftConfig::new("rs.example", 5439, "s", "db", "loader", secrets[3]);
    live.set_output(redshift, Some("Warehouse")).await.unwrap();
    live.get_output_node().await.unwrap();
    live.set_secrets([("DB_PASSWORD", secrets[4])])
        .await
        .unwrap();
    live.set_s3_retention(
        "b",
        secrets[1],
        secrets[5],
        alooma::types::S3RetentionOptions::default(),
    )
    .await
    .unwrap();
    live.get_settings().await.unwrap();
    // A login session: its password and cookie never reach the cassette.
    let user = builder(&emu)
        .login(
            alooma_emulator::DEFAULT_USERNAME,
            alooma_emulator::DEFAULT_PASSWORD,
        )
        .record_to(&cassette)
        .build()
        .unwrap();
    user.get_users().await.unwrap();
    let text = std::fs::read_to_string(&cassette).unwrap();
    let leaks: Vec<&str> = secrets
        .iter()
        .copied()
        .chain([
            emu.key(),
            alooma_emulator::DEFAULT_PASSWORD,
            "alooma_session",
        ])
        .filter(|s| text.contains(s))
        .collect();
    assert!(leaks.is_empty(), "the cassette leaks {leaks:?}");
    assert!(text.contains("db.example") && text.contains("DB_PASSWORD"));
    assert!(text.lines().count() >= 7);
}

/// Every read of the registry (a `GET` that is safe to repeat) whose
/// arguments are exactly `arguments`' keys (`None`: no arguments), sent
/// with them.
async fn reads_taking(c: &Client, arguments: Option<Value>) {
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    for op in alooma::core::operations() {
        let meta = op.meta();
        if meta.verb != alooma::core::Verb::Get || !meta.retry.is_idempotent() || meta.deprecated {
            continue;
        }
        let Some(example) = op.examples().into_iter().next() else {
            continue;
        };
        let takes = example.operation.arguments();
        let fits = match &arguments {
            None => takes.is_null(),
            Some(given) => takes.is_object() && keys(&takes) == keys(given),
        };
        if fits {
            let read = op
                .from_arguments(arguments.clone().unwrap_or(Value::Null))
                .unwrap();
            c.send(read)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", meta.name));
        }
    }
}

/// Everything a session can read, to seed a copy from.
async fn read_everything(c: &Client) {
    reads_taking(c, None).await;
    let structure = c.get_structure().await.unwrap();
    for node in structure.nodes.get().into_iter().flatten() {
        let kind = node.node_type();
        if node.is_input() && !matches!(kind, Some("RESTREAM" | "AGENT")) {
            let id = node.id.clone();
            c.get_input_by_id(&id).await.unwrap();
            c.get_input_sleep_time(&id).await.unwrap();
        }
    }
    for et in c.get_event_types().await.unwrap() {
        c.get_event_type(&et.name).await.unwrap();
    }
    c.get_mapping_mode().await.unwrap();
    c.get_code_engine_modules().await.unwrap();
    c.get_code_engine_requirements().await.unwrap();
    for schema in c.get_schemas().await.unwrap() {
        let name = schema.schema_name.get().cloned().unwrap_or_default();
        for t in c.get_tables_with(false, Some(&name)).await.unwrap() {
            let table = t.table_name.get().cloned().unwrap_or_default();
            reads_taking(
                c,
                Some(serde_json::json!({ "schema": name, "table": table })),
            )
            .await;
        }
    }
    c.get_queries().await.unwrap();
    c.get_secrets().await.unwrap();
    c.get_settings().await.unwrap();
    c.get_notifications(0).await.unwrap();
    c.get_users().await.unwrap();
    c.get_company_credits().await.unwrap();
    c.get_used_credits(Some("1970-01-01"), Some("2999-12-31"), true)
        .await
        .unwrap();
    c.get_loaded_events_per_table_summary("1970-01-01T00:00:00", None, true)
        .await
        .unwrap();
    c.get_samples_status_codes().await.unwrap();
    c.get_samples(None, &[]).await.unwrap();
}

#[tokio::test]
async fn an_emulator_seeded_from_a_cassette_is_a_stateful_copy_the_scenarios_pass_on() {
    let (dir, cassette, _emu, live) = recording("capture.jsonl").await;
    read_everything(&live).await;
    let original = alooma_emulator::Emulator::builder()
        .seed(alooma_emulator::Seed::demo())
        .start()
        .await
        .unwrap();
    drop(original);
    let seed = alooma_emulator::Seed::from_cassette_file(&cassette).unwrap();
    let seed_file = dir.path().join("seed.json");
    std::fs::write(&seed_file, seed.to_json()).unwrap();

    // The copy answers what the original did.
    let copy = alooma_tests::start_with(alooma_emulator::Emulator::builder().seed(seed)).await;
    let c = builder(&copy).api_key(copy.key()).build().unwrap();
    assert_eq!(
        redacted(&c.get_structure().await.unwrap()),
        redacted(&live.get_structure().await.unwrap())
    );
    assert_eq!(
        c.get_event_type("orders").await.unwrap(),
        live.get_event_type("orders").await.unwrap()
    );
    assert_eq!(
        c.get_tables().await.unwrap(),
        live.get_tables().await.unwrap()
    );
    assert_eq!(
        c.get_queries().await.unwrap(),
        live.get_queries().await.unwrap()
    );
    assert_eq!(
        c.get_mapping_mode().await.unwrap(),
        live.get_mapping_mode().await.unwrap()
    );
    assert_eq!(
        c.get_code_engine_code().await.unwrap(),
        live.get_code_engine_code().await.unwrap()
    );
    // And it is stateful: a write is read back.
    c.set_mapping_mode(MappingMode::Flexible).await.unwrap();
    assert_eq!(c.get_mapping_mode().await.unwrap(), MappingMode::Flexible);

    // The scenario chains, each on an emulator seeded so (in this test:
    // the suite itself runs once).
    for (name, chain) in crate::scenarios::CHAINS {
        let emu = alooma_tests::start_with(
            alooma_emulator::Emulator::builder()
                .seed(alooma_emulator::Seed::from_file(&seed_file).unwrap()),
        )
        .await;
        eprintln!("chain {name} on the seeded copy");
        chain(emu).await;
    }
}
