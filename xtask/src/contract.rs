//! The API's contract checked by independent tools.
//!
//! - `openapi`: writes `openapi/alooma.json` (and the emulator's gzip copy,
//!   `crates/alooma-emulator/data/openapi.json.gz`, which it serves at
//!   `/__emulator/openapi.json`) from the registry; tests fail when the
//!   committed files are stale.
//! - `contract`: in a temporary virtualenv from PyPI, validates the
//!   document with `openapi-spec-validator`, then runs Schemathesis against
//!   the emulator over every operation (examples, coverage, fuzzing and the
//!   stateful links) and fails on a server error, a response that violates
//!   its schema, or a crash. Not in CI's test command: it needs PyPI.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

/// Where the document is committed: as text, and the emulator's gzip copy.
pub fn document_paths() -> [PathBuf; 2] {
    [
        crate::root().join("openapi/alooma.json"),
        crate::root().join("crates/alooma-emulator/data/openapi.json.gz"),
    ]
}

/// `cargo xtask openapi`.
pub fn write_openapi() -> Result<()> {
    use std::io::Write;
    let text = alooma_core::openapi::document_text();
    let [plain, gz] = document_paths();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text.as_bytes())?;
    let compressed = encoder.finish()?;
    for (path, bytes) in [(plain, text.as_bytes()), (gz, &compressed[..])] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}

/// `cargo xtask contract`.
pub fn contract() -> Result<()> {
    write_openapi()?;
    let [doc, _] = document_paths();
    let venv = crate::python::Venv::with("contract", &["openapi-spec-validator", "schemathesis"])?;
    let mut validate = Command::new(venv.bin("openapi-spec-validator"));
    validate.arg(&doc);
    crate::run("openapi-spec-validator openapi/alooma.json", validate)?;

    let server = crate::emulator::Server::start()?;
    let base = format!("{}/acme/rest", server.url());
    let report = crate::root().join("target/schemathesis");
    let _ = std::fs::remove_dir_all(&report);
    eprintln!("\n==> schemathesis run against {base}");
    let status = Command::new(venv.bin("schemathesis"))
        // Its cache (`.schemathesis/`) goes to the temporary virtualenv.
        .current_dir(venv.dir())
        .args(["run"])
        .arg(&doc)
        .args(["--url", &base])
        .args(["-H", "Authorization: API emulator-api-key"])
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--max-examples", "25"])
        .args(["--seed", "1"])
        // Path parameters are any non-empty string; Hypothesis gives up on
        // some it cannot put in a URL path (`/`, `..`): not a finding.
        .arg("--suppress-health-check=filter_too_much")
        .arg(format!("--report-dir={}", report.display()))
        .args(["--report", "junit"])
        .status()
        .context("could not run schemathesis")?;
    if !status.success() {
        bail!(
            "schemathesis found failures (see above; report in {})",
            report.display()
        );
    }
    eprintln!("==> contract: the document validates and schemathesis found no failure");
    Ok(())
}
