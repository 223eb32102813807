//! Workspace-level integration tests: every facade operation against the
//! emulator over real loopback HTTP.
//!
//! This library holds the helpers the test files share: start an emulator,
//! build a real [`alooma::Client`] (default `alooma-http` transport) pointed
//! at it, and count the requests the emulator saw.

// Test support: a failed set-up is a test failure, so these helpers panic.
#![allow(clippy::panic)]

use alooma::{Client, ClientBuilder, RetryPolicy};
use alooma_emulator::{Emulator, EmulatorBuilder, RequestRecord, Seed};
use std::time::Duration;

/// Starts an emulator with the demo seed and the default account, key and
/// login.
///
/// # Panics
///
/// When the emulator cannot bind a loopback port (a test set-up failure).
pub async fn start() -> Emulator {
    start_with(Emulator::builder()).await
}

/// When set, every client [`builder`] makes records its calls to this
/// cassette (the contract check validates them against the OpenAPI
/// document).
pub const CASSETTE_VAR: &str = "ALOOMA_E2E_CASSETTE";

/// The error a documentation example ends with.
pub type DocError = Box<dyn std::error::Error + Send + Sync>;

/// Runs a documentation example of the facade for real: `example` gets a
/// client (API key, fast retries) of a fresh in-process emulator with the
/// demo seed, and the example fails when it returns an error.
///
/// ```
/// alooma_tests::doc(|client| async move {
///     assert!(!client.get_event_types().await?.is_empty());
///     Ok(())
/// });
/// ```
///
/// # Panics
///
/// When the emulator cannot start, or the example returns an error.
pub fn doc<F, Fut>(example: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), DocError>>,
{
    doc_in(Seed::demo(), example);
}

/// Like [`doc`], on an account whose only output is of `output_type`
/// (`BIGQUERY`, `SNOWFLAKE` …), for the examples that configure one.
///
/// ```
/// alooma_tests::doc_on("BIGQUERY", |client| async move {
///     assert_eq!(client.get_output_node().await?.node_type, "BIGQUERY");
///     Ok(())
/// });
/// ```
///
/// # Panics
///
/// As [`doc`].
pub fn doc_on<F, Fut>(output_type: &str, example: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), DocError>>,
{
    doc_in(output_seed(output_type), example);
}

fn doc_in<F, Fut>(seed: Seed, example: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), DocError>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("no runtime: {e}"),
    };
    // The examples are tests too: what they call counts for coverage.
    coverage::install();
    runtime.block_on(async {
        let emu = match Emulator::builder().seed(seed).start().await {
            Ok(emu) => emu,
            Err(e) => panic!("the emulator did not start: {e}"),
        };
        let key = emu.api_key().unwrap_or_default().to_owned();
        let client = Client::builder()
            .base_url(emu.base_url())
            .account(emu.account())
            .api_key(key)
            .retry_policy(fast_retries())
            .create_input_poll(Duration::from_millis(5), Duration::from_millis(50))
            .build();
        let client = match client {
            Ok(c) => c,
            Err(e) => panic!("the client did not build: {e}"),
        };
        if let Err(e) = example(client).await {
            panic!("the example failed: {e}");
        }
        let _ = emu.shutdown().await;
    });
}

/// Starts an emulator with an empty seed (system nodes only).
///
/// # Panics
///
/// When the emulator cannot start.
pub async fn start_empty() -> Emulator {
    start_with(Emulator::builder().seed(Seed::empty())).await
}

/// Starts an emulator from a configured builder.
///
/// # Panics
///
/// When the emulator cannot start.
pub async fn start_with(builder: EmulatorBuilder) -> Emulator {
    coverage::install();
    match builder.start().await {
        Ok(emu) => emu,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

/// A fast retry policy for tests: 3 attempts, millisecond backoff.
pub fn fast_retries() -> RetryPolicy {
    let mut policy = RetryPolicy::default();
    policy.max_attempts = 3;
    policy.base_delay = Duration::from_millis(5);
    policy.max_delay = Duration::from_millis(20);
    policy.retry_after_cap = Duration::from_millis(50);
    policy
}

/// A client builder pointed at `emu` (base URL and account) with fast
/// retries and fast `create_input` polling, but no credentials yet.
pub fn builder(emu: &Emulator) -> ClientBuilder {
    let builder = match std::env::var_os(CASSETTE_VAR) {
        // The contract check re-runs the suite recording every call.
        Some(path) => Client::builder().record_to(path),
        None => Client::builder(),
    };
    builder
        .base_url(emu.base_url())
        .account(emu.account())
        .retry_policy(fast_retries())
        .attempt_timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_secs(30))
        .create_input_poll(Duration::from_millis(5), Duration::from_millis(50))
        .create_input_deadline(Duration::from_secs(5))
}

/// A client with the emulator's API key.
///
/// # Panics
///
/// When the emulator has no API key or the client cannot be built.
pub fn client(emu: &Emulator) -> Client {
    let key = match emu.api_key() {
        Some(k) => k.to_owned(),
        None => panic!("this emulator accepts no API key"),
    };
    build(builder(emu).api_key(key))
}

/// A client logging in with the emulator's username and password.
///
/// # Panics
///
/// When the emulator has no login or the client cannot be built.
pub fn login_client(emu: &Emulator) -> Client {
    let (user, password) = match emu.credentials() {
        Some((u, p)) => (u.to_owned(), p.to_owned()),
        None => panic!("this emulator accepts no login"),
    };
    build(builder(emu).login(user, password))
}

/// Builds a client from a builder.
///
/// # Panics
///
/// When the builder's configuration is invalid.
pub fn build(builder: ClientBuilder) -> Client {
    coverage::install();
    match builder.build() {
        Ok(c) => c,
        Err(e) => panic!("the client did not build: {e}"),
    }
}

/// The requests the emulator saw with this method whose path (after the
/// REST root) is exactly `rest_path` (raw, percent-encoded).
pub fn requests_to(emu: &Emulator, method: &str, rest_path: &str) -> Vec<RequestRecord> {
    let full = format!("/{}/rest/{rest_path}", emu.account());
    emu.requests()
        .into_iter()
        .filter(|r| r.method == method && r.path == full)
        .collect()
}

/// How many requests the emulator saw with this method and REST path.
pub fn count(emu: &Emulator, method: &str, rest_path: &str) -> usize {
    requests_to(emu, method, rest_path).len()
}

/// Starts an emulator whose only output node is of `output_type`
/// (`SNOWFLAKE`, `BIGQUERY`, `REDSHIFT` …), with no other content.
///
/// # Panics
///
/// When the seed is invalid or the emulator cannot start.
pub async fn start_with_output(output_type: &str) -> Emulator {
    start_with(Emulator::builder().seed(output_seed(output_type))).await
}

/// A seed whose only node is an output of `output_type`.
fn output_seed(output_type: &str) -> Seed {
    let seed = serde_json::json!({
        "nodes": [{
            "id": "out-1",
            "name": "Output",
            "type": output_type,
            "category": "OUTPUT",
            "configuration": {"sinkType": output_type},
        }]
    });
    match Seed::from_json(&seed.to_string()) {
        Ok(seed) => seed,
        Err(e) => panic!("invalid seed: {e}"),
    }
}

/// What the end-to-end suite exercised: every operation answered with a
/// 2xx status, and every client method called, read from the spans the
/// SDK emits (`alooma_call` with its `operation`, `alooma.method` with its
/// `method`).
///
/// [`install`](coverage::install) (done by every helper here) puts a
/// recording subscriber in place; when `ALOOMA_E2E_RECORD` names a file,
/// each record is appended to it as a line `operation NAME` or
/// `method NAME`. The coverage test runs the suite again with it set and
/// compares what was recorded with the registry and the facade.
pub mod coverage {
    use std::io::Write;
    use std::sync::{Mutex, Once};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id};
    use tracing::{Event, Subscriber};
    use tracing_subscriber::layer::{Context, Layer};
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::registry::LookupSpan;

    /// The variable naming the record file.
    pub const RECORD_VAR: &str = "ALOOMA_E2E_RECORD";

    /// Installs the recording subscriber (once per process).
    pub fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let _ = tracing_subscriber::registry().with(Recorder).try_init();
        });
    }

    fn record(kind: &str, name: &str) {
        static FILE: Mutex<Option<std::fs::File>> = Mutex::new(None);
        let Ok(path) = std::env::var(RECORD_VAR) else {
            return;
        };
        let mut file = FILE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if file.is_none() {
            *file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok();
        }
        // One write per line: the documentation's examples run in
        // processes of their own, appending to the same file.
        if let Some(f) = file.as_mut() {
            let _ = f.write_all(format!("{kind} {name}\n").as_bytes());
        }
    }

    /// One string (or displayed) field of a span or event.
    struct FieldValue {
        name: &'static str,
        value: Option<String>,
    }

    impl Visit for FieldValue {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == self.name {
                self.value = Some(value.to_owned());
            }
        }
        fn record_u64(&mut self, field: &Field, value: u64) {
            if field.name() == self.name {
                self.value = Some(value.to_string());
            }
        }
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == self.name {
                self.value = Some(format!("{value:?}").trim_matches('"').to_owned());
            }
        }
    }

    fn field(name: &'static str, visit: impl FnOnce(&mut FieldValue)) -> Option<String> {
        let mut v = FieldValue { name, value: None };
        visit(&mut v);
        v.value
    }

    /// The operation of an `alooma_call` span, kept in its extensions.
    struct Operation(String);

    struct Recorder;

    impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
            match attrs.metadata().name() {
                "alooma.method" => {
                    if let Some(method) = field("method", |v| attrs.record(v)) {
                        record("method", &method);
                    }
                }
                "alooma_call" => {
                    if let (Some(op), Some(span)) =
                        (field("operation", |v| attrs.record(v)), ctx.span(id))
                    {
                        span.extensions_mut().insert(Operation(op));
                    }
                }
                _ => {}
            }
        }

        fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
            let Some(status) = field("status", |v| event.record(v)) else {
                return;
            };
            if field("message", |v| event.record(v)).as_deref() != Some("call answered")
                || !status.starts_with('2')
            {
                return;
            }
            let Some(scope) = ctx.event_scope(event) else {
                return;
            };
            for span in scope {
                if let Some(Operation(op)) = span.extensions().get::<Operation>() {
                    record("operation", op);
                    return;
                }
            }
        }
    }
}

/// One HTTP/1.1 request to the emulator over a plain socket (no client,
/// no credentials): the status and the body. For intake (`/rest/{token}`)
/// and answers read byte for byte.
///
/// # Panics
///
/// When the emulator cannot be reached or answers no HTTP.
pub async fn send_raw(
    emu: &alooma_emulator::Emulator,
    method: &str,
    target: &str,
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = match tokio::net::TcpStream::connect(emu.addr()).await {
        Ok(s) => s,
        Err(e) => panic!("the emulator is not reachable: {e}"),
    };
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        emu.addr(),
        body.len()
    );
    let mut answer = Vec::new();
    let sent = async {
        s.write_all(head.as_bytes()).await?;
        s.write_all(body.as_bytes()).await?;
        s.read_to_end(&mut answer).await
    };
    if let Err(e) = sent.await {
        panic!("{method} {target}: {e}");
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// What the primary account's warehouse answers to `sql`, as JSON rows.
///
/// # Panics
///
/// When the warehouse refuses the query.
pub fn warehouse_rows(emu: &alooma_emulator::Emulator, sql: &str) -> serde_json::Value {
    match emu.with_state_mut(|s| s.query_warehouse(sql)) {
        Ok(rows) => rows,
        Err(e) => panic!("{sql}: {e}"),
    }
}

/// Python for the tests that drive Python tools.
pub mod python {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The interpreter the Code Engine uses: `ALOOMA_PYTHON`, else
    /// `python3`.
    pub fn interpreter() -> PathBuf {
        std::env::var_os("ALOOMA_PYTHON")
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from("python3"), PathBuf::from)
    }

    /// A virtualenv in `dir` with the reference client (`alooma==0.4.16`
    /// from PyPI) installed: made on first use, kept for later runs. Its
    /// `python`.
    ///
    /// # Panics
    ///
    /// When the virtualenv cannot be made or PyPI cannot be reached (CI
    /// reaches it).
    pub fn reference_client(dir: &Path) -> PathBuf {
        venv_with(dir, &["alooma==0.4.16", "requests"])
    }

    /// A virtualenv in `dir` with the event SDK (`alooma-pysdk==2.1` from
    /// PyPI, unmodified) installed. Its `python`.
    ///
    /// # Panics
    ///
    /// As [`reference_client`].
    pub fn event_sdk(dir: &Path) -> PathBuf {
        venv_with(dir, &["alooma-pysdk==2.1"])
    }

    /// A virtualenv in `dir` with `packages` installed, made on first use
    /// and kept (a marker file names what it holds).
    fn venv_with(dir: &Path, packages: &[&str]) -> PathBuf {
        // Tests of one binary run at once: one makes the venv, the others
        // wait for it.
        static MAKING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _making = MAKING.lock().unwrap_or_else(|e| e.into_inner());
        let python = dir.join("bin/python");
        let marker = dir.join(format!(".installed-{}", packages.join("+")));
        if marker.exists() {
            return python;
        }
        let _ = std::fs::remove_dir_all(dir);
        let run = |cmd: &mut Command, what: &str| match cmd.output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "{what} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => panic!("{what} could not start: {e}"),
        };
        run(
            Command::new(interpreter()).args(["-m", "venv"]).arg(dir),
            "python3 -m venv",
        );
        run(
            Command::new(&python)
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                ])
                .args(packages),
            &format!("pip install {}", packages.join(" ")),
        );
        if let Err(e) = std::fs::write(&marker, "") {
            panic!("{}: {e}", marker.display());
        }
        python
    }
}

/// A PostgreSQL server of a test's own (Debian's `postgresql` package:
/// `initdb`, `pg_ctl`; `.ci/run` installs it), in a temporary directory, on
/// a Unix socket, stopped when dropped. Under root the server runs as the
/// `postgres` user the package made (initdb refuses root).
pub mod postgres {
    use std::path::PathBuf;
    use std::process::Command;

    /// A PostgreSQL server of this test's own.
    pub struct Server {
        dir: tempfile::TempDir,
        port: u16,
        bin: PathBuf,
        as_postgres: bool,
    }

    /// The directory of `initdb`: on the PATH, or Debian's.
    fn pg_bin() -> PathBuf {
        let on_path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .find(|d| d.join("initdb").is_file());
        if let Some(dir) = on_path {
            return dir;
        }
        let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                    .collect()
            })
            .unwrap_or_default();
        debian.sort();
        debian
            .pop()
            .filter(|d| d.join("initdb").is_file())
            .unwrap_or_else(|| {
                panic!("PostgreSQL's server programs (initdb, pg_ctl) are not installed: apt-get install postgresql (.ci/run does)")
            })
    }

    fn run(server: &Server, program: &str, args: &[&str]) {
        let exe = server.bin.join(program);
        let out = if server.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&exe)
                .args(args)
                .output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("{program} could not start: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    impl Server {
        /// Starts a server in a new temporary directory.
        ///
        /// # Panics
        ///
        /// When PostgreSQL's programs are missing or the server does not start.
        pub fn start() -> Server {
            // initdb refuses to run as root: then the server runs as the
            // `postgres` user the package made.
            let root = Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary directory: {e}"));
            if root {
                let ok = Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(dir.path())
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(
                    ok,
                    "could not give the test's directory to the postgres user"
                );
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap_or_else(|e| panic!("no free port: {e}"));
            let server = Server {
                dir,
                port,
                bin: pg_bin(),
                as_postgres: root,
            };
            let data = server.data();
            run(
                &server,
                "initdb",
                &[
                    "-D",
                    &data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
            );
            let options = format!(
                "-p {port} -k {} -c listen_addresses='' -c fsync=off",
                server.dir.path().display()
            );
            let log = server.dir.path().join("log").display().to_string();
            run(
                &server,
                "pg_ctl",
                &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
            );
            server
        }

        fn data(&self) -> String {
            self.dir.path().join("data").display().to_string()
        }

        /// Stops the server at once (`pg_ctl stop -m immediate`): its
        /// connections break, as when a warehouse goes away mid-load.
        ///
        /// # Panics
        ///
        /// When `pg_ctl` fails.
        pub fn stop(&self) {
            let data = self.data();
            run(
                self,
                "pg_ctl",
                &["-D", &data, "-m", "immediate", "-w", "stop"],
            );
        }

        /// Starts the stopped server again, on the same port and data.
        ///
        /// # Panics
        ///
        /// When `pg_ctl` fails.
        pub fn restart(&self) {
            let data = self.data();
            let options = format!(
                "-p {} -k {} -c listen_addresses='' -c fsync=off",
                self.port,
                self.dir.path().display()
            );
            let log = self.dir.path().join("log").display().to_string();
            run(
                self,
                "pg_ctl",
                &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
            );
        }

        /// A connection string for it (`host=<dir> port=… user=postgres`).
        pub fn url(&self) -> String {
            format!(
                "host={} port={} user=postgres dbname=postgres",
                self.dir.path().display(),
                self.port
            )
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            // No panic here: a failed test is already unwinding.
            let exe = self.bin.join("pg_ctl");
            let data = self.data();
            let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
            let _ = if self.as_postgres {
                Command::new("runuser")
                    .args(["-u", "postgres", "--"])
                    .arg(&exe)
                    .args(args)
                    .output()
            } else {
                Command::new(&exe).args(args).output()
            };
        }
    }

    impl Server {
        /// A `postgres://` URL for it (the socket directory as the host).
        pub fn postgres_url(&self) -> String {
            let dir = self.dir.path().display().to_string();
            let host: String = dir
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!("postgres://postgres@{host}:{}/postgres", self.port)
        }
    }
}
