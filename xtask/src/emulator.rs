//! Tasks that check the emulator from the outside:
//!
//! - `reference-smoke`: the reference Python client (alooma==0.4.16 from
//!   PyPI) drives the emulator through `scripts/reference_smoke.py`; every
//!   call must work, and at least [`REFERENCE_CALLS`] of them.
//! - `browser`: the web page `/__emulator/` in a real headless Chromium
//!   (`--dump-dom` and `--screenshot`); skips when Chromium is missing.
//!
//! Neither is in CI's required path: the first needs PyPI, the second a
//! browser.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The fewest reference calls the smoke script must make, all working.
pub const REFERENCE_CALLS: usize = 116;

/// The emulator's example server, started on a free port; stopped on drop.
pub(crate) struct Server {
    child: Child,
    port: u16,
}

impl Server {
    pub(crate) fn start() -> Result<Self> {
        let mut build = crate::cargo();
        build.args(["build", "-q", "-p", "alooma-emulator", "--example", "serve"]);
        crate::run("cargo build --example serve", build)?;
        let bin = crate::root().join("target/debug/examples/serve");
        let mut child = Command::new(&bin)
            .arg("0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", bin.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("server stdout")?).read_line(&mut line)?;
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .with_context(|| format!("unexpected first line {line:?}"))?;
        Ok(Server { child, port })
    }

    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cargo xtask reference-smoke`.
pub fn reference_smoke() -> Result<()> {
    let venv = crate::python::Venv::with("reference-smoke", &["alooma==0.4.16", "requests"])?;
    let server = Server::start()?;
    let script = crate::root().join("crates/alooma-emulator/scripts/reference_smoke.py");
    eprintln!(
        "\n==> the reference client against the emulator at {}",
        server.url()
    );
    let out = Command::new(venv.bin("python"))
        .arg(&script)
        .arg(server.port.to_string())
        .output()
        .context("could not run the smoke script")?;
    let text = String::from_utf8_lossy(&out.stdout);
    eprint!("{text}{}", String::from_utf8_lossy(&out.stderr));
    let (ok, total) = text
        .lines()
        .rev()
        .find_map(|l| {
            let (ok, rest) = l.split_once('/')?;
            let total = rest.split_whitespace().next()?;
            Some((
                ok.trim().parse::<usize>().ok()?,
                total.parse::<usize>().ok()?,
            ))
        })
        .context("the script printed no summary")?;
    if !out.status.success() || ok != total {
        bail!("{} of {total} reference calls failed", total - ok);
    }
    if total < REFERENCE_CALLS {
        bail!("only {total} reference calls ran; at least {REFERENCE_CALLS} should");
    }
    eprintln!("==> reference smoke: {ok}/{total} calls worked");
    Ok(())
}

/// The flags a headless Chromium needs on a machine with a closed network.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// `cargo xtask browser`: the web page in a real headless browser.
pub fn browser() -> Result<()> {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        eprintln!("==> browser: skipped, no Chromium (install Debian's `chromium` package)");
        return Ok(());
    };
    let server = Server::start()?;
    let key = "emulator-api-key";
    // Some traffic for the journal, then the page.
    for path in ["inputs", "event-types", "v2/consolidation"] {
        let status = http_get(server.port, &format!("/acme/rest/{path}"), key)?;
        if status != 200 {
            bail!("GET {path} answered {status}");
        }
    }
    let page = format!("{}/__emulator/?key={key}", server.url());
    let profile = std::env::temp_dir().join(format!("alooma-chromium-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let out = Command::new(chromium)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--dump-dom")
            .arg(&page)
            .output()
            .context("could not run chromium")?;
        let dom = String::from_utf8_lossy(&out.stdout);
        for want in [
            "<h1>alooma emulator</h1>",
            "id=\"account-acme\"",
            "web_events",
            "id=\"journal\"",
            "get_inputs",
            "get_queries",
        ] {
            if !dom.contains(want) {
                bail!(
                    "the page rendered by Chromium lacks {want:?}:\n{}",
                    dom.chars().take(2000).collect::<String>()
                );
            }
        }
        let shot = crate::root().join("target/emulator-page.png");
        let status = Command::new(chromium)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,2000")
            .arg(&page)
            .stderr(Stdio::null())
            .status()?;
        if !status.success() || !png(&shot) {
            bail!("chromium made no screenshot at {}", shot.display());
        }
        eprintln!(
            "==> browser: {chromium} rendered the page ({} bytes of DOM), screenshot {}",
            dom.len(),
            shot.display()
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&profile);
    result
}

/// Whether the file is a PNG image.
fn png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"\x89PNG"))
}

/// A GET over a plain TCP socket; the status code.
fn http_get(port: u16, path: &str, key: &str) -> Result<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: API {key}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .context("no status line")
}
