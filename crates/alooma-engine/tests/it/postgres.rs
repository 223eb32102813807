//! The PostgreSQL warehouse against a real server that this test starts
//! (Debian's `postgresql` package: `initdb`, `pg_ctl`; `.ci/run` installs
//! it) in a temporary directory, on a Unix socket, and stops at the end.

use alooma_engine::flow::DataPath;
use alooma_engine::intake::{stamp, Input};
use alooma_engine::mapper::convert::Cell;
use alooma_engine::mapper::model::{ColumnType, MappingMode};
use alooma_engine::mapper::Mapper;
use alooma_engine::warehouse::postgres::Postgres;
use alooma_engine::warehouse::{Column, LoadRow, TableName, Warehouse, WarehouseError};
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

/// A PostgreSQL server of this test's own.
struct Server {
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
    fn start() -> Server {
        // initdb refuses to run as root: then the server runs as the
        // `postgres` user the package made.
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = tempfile::tempdir().unwrap();
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
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
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

    fn url(&self) -> String {
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

fn col(name: &str, ty: ColumnType) -> Column {
    Column {
        name: name.into(),
        column_type: ty,
    }
}

#[test]
fn postgres_holds_real_tables_loads_once_and_the_data_path_runs_into_it() {
    let server = Server::start();
    let mut w = Postgres::connect(&server.url()).unwrap();
    w.create_schema("analytics").unwrap();
    let mut id = ColumnType::new("BIGINT");
    id.non_null = Some(json!(true));
    let orders = TableName::new(None, "orders");
    w.create_table(
        &orders,
        &[
            col("id", id),
            col("email", ColumnType::varchar(256)),
            col("price", ColumnType::new("FLOAT")),
            col("paid", ColumnType::new("BOOLEAN")),
            col("at", ColumnType::new("TIMESTAMP")),
        ],
    )
    .unwrap();
    let row = |uuid: &str, id: i64| LoadRow {
        uuid: uuid.into(),
        cells: vec![
            ("id".into(), Cell::Int(id)),
            ("email".into(), Cell::Text("a@b.c".into())),
            ("price".into(), Cell::Float(9.5)),
            ("paid".into(), Cell::Bool(true)),
            ("at".into(), Cell::Text("2024-02-29T08:00:00Z".into())),
        ],
    };
    let first = w.load(&orders, &[row("u1", 1), row("u2", 2)]).unwrap();
    assert_eq!((first.inserted, first.already_loaded), (2, 0));
    let again = w.load(&orders, &[row("u2", 2), row("u3", 3)]).unwrap();
    assert_eq!((again.inserted, again.already_loaded), (1, 1));
    assert_eq!(
        w.query_json("SELECT id, email, price, paid, at FROM public.orders WHERE id = 1")
            .unwrap(),
        json!([{"id": 1, "email": "a@b.c", "price": 9.5, "paid": true, "at": "2024-02-29T08:00:00"}])
    );
    // A refused row fails its batch: nothing of it loads, no id is kept.
    let bad = LoadRow {
        uuid: "u9".into(),
        cells: vec![("id".into(), Cell::Null)],
    };
    assert!(matches!(
        w.load(&orders, &[row("u8", 8), bad]),
        Err(WarehouseError::Database(_))
    ));
    assert!(!w.is_loaded("u8").unwrap());
    // The catalog answers the mapping's types.
    let tables = w.tables().unwrap();
    let (name, cols) = tables.iter().find(|(t, _)| t.table == "orders").unwrap();
    assert_eq!(name.to_string(), "public.orders");
    let types: Vec<(&str, &str)> = cols
        .iter()
        .map(|c| (c.name.as_str(), c.column_type.type_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "BIGINT"),
            ("email", "VARCHAR"),
            ("price", "FLOAT"),
            ("paid", "BOOLEAN"),
            ("at", "TIMESTAMP")
        ]
    );
    assert_eq!(cols[1].column_type.char_length(), Some(256));
    assert!(cols[0].column_type.is_non_null());

    // The whole data path, auto-mapping into PostgreSQL.
    let mut path = DataPath::new(Mapper::new(MappingMode::AutoMap), Box::new(w));
    let input = Input {
        id: "i".into(),
        label: "clicks".into(),
        input_type: "REST_ENDPOINT".into(),
    };
    let events: Vec<_> = [
        json!({"page": "/a", "n": 1}),
        json!({"page": "/b", "n": "2", "tags": [1]}),
    ]
    .into_iter()
    .map(|e| stamp(e, &input, 0).unwrap())
    .collect();
    assert_eq!(path.process(events.clone()).loaded, 2);
    assert_eq!(path.process(events).already_loaded, 2);
    assert_eq!(
        path.warehouse
            .query_json("SELECT page, n, tags FROM public.clicks ORDER BY n")
            .unwrap(),
        json!([{"page": "/a", "n": 1, "tags": null}, {"page": "/b", "n": 2, "tags": "[1]"}])
    );
}
