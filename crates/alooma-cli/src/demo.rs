//! `alooma demo`: starts the emulator in-process and walks through a real
//! workflow against it over HTTP with the real client (the default
//! transport), printing each step. Any failed step fails the command.

use crate::exit::CliError;
use crate::output::write_line;
use alooma::mapping::{diff, Batch, FieldPath};
use alooma::types::{ColumnType, S3Input, Schedule};
use alooma::Client;
use alooma_emulator::Emulator;
use serde_json::json;
use std::time::{Duration, Instant};

/// The event type whose mapping the demo edits.
const EVENT_TYPE: &str = "orders";

/// The transform the demo deploys.
/// The demo's transform: drops test orders, adds a total, says what it did.
const TRANSFORM: &str = "def transform(event):\n\tif event.get('test'):\n\t\tprint('dropping test order', event['id'])\n\t\treturn None\n\tevent['total'] = event['price'] * event['qty']\n\tprint('order', event['id'], 'total', event['total'])\n\treturn event\n";

/// Runs the demo.
pub async fn run() -> Result<(), CliError> {
    let started = Instant::now();
    let emu = Emulator::start()
        .await
        .map_err(|e| CliError::failed(format!("could not start the emulator: {e}")))?;
    let key = emu
        .api_key()
        .ok_or_else(|| CliError::failed("the emulator has no API key"))?
        .to_owned();
    let client = Client::builder()
        .base_url(emu.base_url())
        .account(emu.account())
        .api_key(key)
        .attempt_timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_secs(30))
        .create_input_poll(Duration::from_millis(50), Duration::from_millis(200))
        .build()?;
    say(&format!(
        "alooma demo: an emulated account `{}` at {} (in this process; the real client talks to it over HTTP)",
        emu.account(),
        emu.base_url()
    ))?;

    let result = walk(&client, &emu).await;
    let shutdown = emu.shutdown().await;
    result?;
    shutdown.map_err(|e| CliError::failed(format!("the emulator did not stop cleanly: {e}")))?;
    say(&format!(
        "\ndemo finished in {:.1} s: every step succeeded",
        started.elapsed().as_secs_f64()
    ))?;
    say(NEXT_STEPS)
}

/// What to try next, against an emulator that keeps running.
const NEXT_STEPS: &str = "
Next steps: start an emulator that keeps running, and point alooma at it
  alooma emulator serve --port 8080          # leave it running; it prints an `export ALOOMA_BASE_URL=… ALOOMA_ACCOUNT=… ALOOMA_API_KEY=…` line
then, in another shell, paste that export line and try:
  alooma -o table event-types list
  alooma inputs list --query '[].name'
  alooma mapping get orders > orders.json
  alooma mapping edit orders.json --map 'customer.email:email:VARCHAR(256)' --in-place
  alooma --dry-run mapping set orders orders.json
  alooma pipeline export pipeline/ && alooma pipeline plan pipeline/
  alooma help environment";

fn say(text: &str) -> Result<(), CliError> {
    write_line(text)
}

fn step(n: u32, title: &str) -> Result<(), CliError> {
    say(&format!("\n== {n}. {title}"))
}

/// Sends `body` to `path` of the emulator over HTTP (what a webhook
/// sender does): the status.
async fn post(emu: &Emulator, path: &str, body: &str) -> Result<u16, CliError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fail = |e: std::io::Error| CliError::failed(format!("sending events: {e}"));
    let mut s = tokio::net::TcpStream::connect(emu.addr())
        .await
        .map_err(fail)?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        emu.addr(),
        body.len()
    );
    s.write_all(head.as_bytes()).await.map_err(fail)?;
    s.write_all(body.as_bytes()).await.map_err(fail)?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.map_err(fail)?;
    String::from_utf8_lossy(&answer)
        .get(9..12)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| CliError::failed("the emulator's answer has no status"))
}

/// Events through a webhook input: held by STRICT, fixed, restreamed,
/// and read back from the warehouse.
async fn events_flow(client: &Client, emu: &Emulator) -> Result<(), CliError> {
    // Step 4's transform needs a price; page views have none.
    client.set_transform_to_default().await?;
    say(
        "   main is the default transform again (set_transform_to_default): events pass unchanged",
    )?;
    client
        .set_mapping_mode(alooma::types::MappingMode::Strict)
        .await?;
    client
        .create_input(&alooma::types::InputSpec::new("webhook", "REST_ENDPOINT"))
        .await?;
    let token = emu
        .with_state(|s| s.input_token("webhook").map(str::to_owned))
        .ok_or_else(|| CliError::failed("the webhook input has no token"))?;
    let events = r#"[{"id": "w1", "created_at": "2024-05-01T10:00:00Z", "page": "/home"},
                     {"id": "w2", "created_at": "2024-05-01T10:00:05Z", "page": "/pricing"},
                     {"id": "w3", "created_at": "2024-05-01T10:00:09Z", "page": "/signup"}]"#;
    let status = post(emu, &format!("/rest/{token}"), events).await?;
    if status != 200 {
        return Err(CliError::failed(format!("the webhook answered {status}")));
    }
    let waiting = client.get_restream_queue_size().await?;
    let reason = emu
        .with_state(|s| s.restream_queue().first().map(|(_, r)| r.clone()))
        .unwrap_or_default();
    say(&format!(
        "   sent 3 events to POST /rest/<token>: {waiting} wait in the Restream Queue"
    ))?;
    say(&format!("   why: {reason}"))?;
    let mut mapping = client.get_mapping("webhook").await?;
    client
        .map_field(
            &mut mapping,
            path("page")?,
            "page",
            ColumnType::new("VARCHAR").with_length(256),
        )
        .map_err(|e| CliError::failed(format!("mapping `page`: {e}")))?;
    client.set_mapping(&mapping, "webhook").await?;
    client.start_restream().await?;
    say(&format!(
        "   mapped `page` (map_field, set_mapping), restreamed (start_restream): {} wait",
        client.get_restream_queue_size().await?
    ))?;
    let rows = emu
        .with_state_mut(|s| {
            s.query_warehouse("SELECT id, created_at, page FROM public.webhook ORDER BY id")
        })
        .map_err(CliError::failed)?;
    say("   SELECT id, created_at, page FROM public.webhook (the SQLite warehouse):")?;
    for row in rows.as_array().into_iter().flatten() {
        say(&format!(
            "     {}  {}  {}",
            row["id"].as_str().unwrap_or_default(),
            row["created_at"].as_str().unwrap_or_default(),
            row["page"].as_str().unwrap_or_default()
        ))?;
    }
    if rows.as_array().map_or(0, Vec::len) != 3 {
        return Err(CliError::failed(format!(
            "the warehouse holds {rows}, not the 3 events"
        )));
    }
    Ok(())
}

async fn walk(client: &Client, emu: &Emulator) -> Result<(), CliError> {
    step(1, "the pipeline's structure (get_structure)")?;
    let structure = client.get_structure().await?;
    for node in structure.nodes() {
        say(&format!(
            "   {:<10} {:<12} {}",
            node.category.get().map_or("-", |c| c.as_str()),
            node.node_type().unwrap_or("-"),
            node.name().unwrap_or("-")
        ))?;
    }

    step(2, "create an S3 input and wait for it (create_s3_input)")?;
    let input = S3Input::new(
        "demo_s3_logs",
        "AKIADEMOEXAMPLE",
        "demo-secret-value",
        "demo-bucket",
    )
    .with_prefix("logs/");
    let id = client.create_s3_input(input).await?;
    client.get_input_by_id(&id).await?;
    let listed = client
        .get_inputs_with(&alooma::core::inputs::InputFilter::new().name("demo_s3_logs"))
        .await?;
    if !listed.iter().any(|n| n.id == id) {
        return Err(CliError::failed(format!(
            "the new input {id} is not listed"
        )));
    }
    say(&format!(
        "   created input demo_s3_logs with id {id}; it is in the structure"
    ))?;

    step(3, &format!("edit the mapping of `{EVENT_TYPE}` offline (get_mapping, alooma-mapping, diff, set_mapping)"))?;
    let before = client.get_mapping(EVENT_TYPE).await?;
    say(&format!("   {} top-level fields", before.fields().len()))?;
    let mut after = before.clone();
    let mut batch = Batch::new();
    batch.discard(path("status")?).map(
        path("shipping.city")?,
        "shipping_city",
        ColumnType::new("VARCHAR").with_length(64),
    );
    batch
        .apply(&mut after)
        .map_err(|e| CliError::failed(format!("the offline edit failed: {e}")))?;
    let changes = diff(&before, &after);
    say("   the change, for review:")?;
    for line in changes.to_string().lines() {
        say(&format!("     {line}"))?;
    }
    client.set_mapping(&after, EVENT_TYPE).await?;
    let stored = client.get_mapping(EVENT_TYPE).await?;
    let left = diff(&after, &stored);
    if !left.is_empty() {
        return Err(CliError::failed(format!(
            "the stored mapping differs from the one sent:\n{left}"
        )));
    }
    say("   stored and read back: identical")?;

    step(4, "deploy a Code Engine module and run it on two samples in Python (set_code_engine_code, test_code_engine_code)")?;
    let mut modules = client.get_code_engine_code().await?;
    modules.insert("main".to_owned(), TRANSFORM.to_owned());
    client.set_code_engine_code(&modules).await?;
    let deployed = client.get_code_engine_module("main").await?;
    if deployed != TRANSFORM {
        return Err(CliError::failed(
            "the deployed main module is not the one sent",
        ));
    }
    // The emulator runs the code in a real Python interpreter.
    let order = json!({"id": 42, "price": 2.5, "qty": 4, "_metadata": {"event_type": EVENT_TYPE}});
    let test = json!({"id": 43, "test": true, "price": 1, "qty": 1, "_metadata": {"event_type": EVENT_TYPE}});
    for sample in [order, test] {
        let run = client.test_code_engine_code(sample.clone(), None).await?;
        say(&format!("   sample:  {sample}"))?;
        let result = match &run.result {
            alooma::types::Maybe::Value(v) => v.to_string(),
            alooma::types::Maybe::Null => "null (the transform dropped it)".to_owned(),
            _ => "(none)".to_owned(),
        };
        say(&format!("   result:  {result}"))?;
        say(&format!(
            "   output:  {}   runtime: {:.3} ms",
            run.output.as_deref().unwrap_or("").trim_end(),
            run.runtime_ms().unwrap_or(0.0)
        ))?;
        let expected = if sample["test"] == true {
            serde_json::Value::Null
        } else {
            json!(10.0)
        };
        let got = match &run.result {
            alooma::types::Maybe::Value(v) => v["total"].clone(),
            _ => serde_json::Value::Null,
        };
        if got != expected {
            return Err(CliError::failed(format!(
                "the test run gave {result}, not what Python gives (total {expected})"
            )));
        }
    }

    step(5, "read metrics (last hour)")?;
    let incoming = client.get_incoming_events_count(60).await?;
    let latency = client.get_max_latency(60).await?;
    let outputs = client.get_outputs_metrics(60).await?;
    say(&format!("   incoming events: {incoming:.0}"))?;
    say(&format!("   max latency:     {latency:.2} s"))?;
    for (target, sum) in &outputs.sums {
        say(&format!("   {:<19} {sum:.0}", format!("{target}:")))?;
    }

    step(6, "schedule a query and run it (schedule_query, run_query)")?;
    let answer = client
        .schedule_query(
            EVENT_TYPE,
            "INSERT INTO orders_daily SELECT created_at::date, COUNT(*), SUM(amount) FROM orders GROUP BY 1",
            Schedule::Every { hours: 4 },
        )
        .await?;
    let query_id = match answer.get("id") {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => {
            return Err(CliError::failed(format!(
                "the scheduled query has no id: {answer}"
            )))
        }
    };
    client.run_query(&query_id).await?;
    say(&format!(
        "   scheduled query {query_id} every 4 hours, and ran it once"
    ))?;

    step(
        7,
        "send events through a webhook, fix what waits, restream, query the warehouse",
    )?;
    events_flow(client, emu).await?;

    step(8, "clean up the whole system (clean_system)")?;
    let report = client
        .clean_system_with(|s, outcome| {
            let _ = say(&format!("   {:<33} {outcome}", s.operation()));
        })
        .await;
    if !report.is_success() {
        return Err(CliError::failed(format!("clean_system failed:\n{report}")));
    }
    let left = client.get_event_types().await?.len();
    let inputs = client.get_inputs().await?.len();
    say(&format!("   left: {left} event types, {inputs} inputs"))?;
    Ok(())
}

fn path(text: &str) -> Result<FieldPath, CliError> {
    FieldPath::parse(text).map_err(|e| CliError::failed(format!("bad demo path {text}: {e}")))
}
