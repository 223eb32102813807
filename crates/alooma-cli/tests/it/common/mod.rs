//! Shared set-up: an emulator running in a Tokio runtime for the length of
//! a test, and the real `alooma` binary pointed at it.

#![allow(dead_code)]

use alooma_emulator::{Emulator, Seed};
use assert_cmd::Command;
use std::sync::OnceLock;
use tokio::runtime::Runtime;

/// The API key the test emulators accept.
pub const KEY: &str = "cli-test-key-5f2e9a7c";
/// The login user the test emulators accept.
pub const USER: &str = "ops@example.com";
/// The login password the test emulators accept.
pub const PASSWORD: &str = "cli-test-password-8d1b";

fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

/// A running emulator (demo seed unless told otherwise).
pub struct Emu {
    /// The emulator.
    pub emu: Emulator,
}

impl Emu {
    /// An emulator with the demo seed.
    pub fn start() -> Self {
        Self::with_seed(Seed::demo())
    }

    /// An emulator with `seed`.
    pub fn with_seed(seed: Seed) -> Self {
        Self::with(|b| b.seed(seed))
    }

    /// An emulator of account `acme` with the test key and login,
    /// configured further by `configure` (its seed, warehouse …).
    pub fn with(
        configure: impl FnOnce(alooma_emulator::EmulatorBuilder) -> alooma_emulator::EmulatorBuilder,
    ) -> Self {
        let builder = Emulator::builder()
            .account("acme")
            .api_key(KEY)
            .credentials(USER, PASSWORD);
        let emu = runtime()
            .block_on(configure(builder).start())
            .expect("the emulator starts");
        Emu { emu }
    }

    /// The binary with no ALOOMA_* variables from the environment.
    pub fn bare() -> Command {
        let mut cmd = Command::cargo_bin("alooma").expect("the alooma binary");
        for var in [
            "ALOOMA_BASE_URL",
            "ALOOMA_ACCOUNT",
            "ALOOMA_API_KEY",
            "ALOOMA_USERNAME",
            "ALOOMA_PASSWORD",
            "RUST_LOG",
            "ALOOMA_PROFILE",
            "ALOOMA_CA_BUNDLE",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(var);
        }
        // No user's config file: a directory that does not exist.
        cmd.env(
            "ALOOMA_CONFIG_DIR",
            std::env::temp_dir().join("alooma-cli-tests-no-config"),
        );
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The binary pointed at this emulator with the API key.
    pub fn cmd(&self) -> Command {
        let mut cmd = Self::bare();
        cmd.args(["--base-url", self.emu.base_url(), "--account", "acme"])
            .env("ALOOMA_API_KEY", KEY);
        cmd
    }

    /// Like [`cmd`](Self::cmd), as a `std::process::Command` (to spawn
    /// a long-running command and read its output as it comes).
    pub fn cmd_std(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("alooma"));
        for (key, _) in std::env::vars() {
            if key.starts_with("ALOOMA_")
                || key.ends_with("_proxy")
                || key.ends_with("_PROXY")
                || key == "RUST_LOG"
            {
                cmd.env_remove(key);
            }
        }
        cmd.env(
            "ALOOMA_CONFIG_DIR",
            std::env::temp_dir().join("alooma-cli-tests-no-config"),
        )
        .env("ALOOMA_API_KEY", KEY)
        .args(["--base-url", self.emu.base_url(), "--account", "acme"]);
        cmd
    }

    /// How many event types the emulator holds.
    pub fn event_type_count(&self) -> usize {
        self.emu.with_state(|s| s.event_types.len())
    }

    /// How many inputs the emulator holds.
    pub fn input_count(&self) -> usize {
        self.emu.with_state(|s| s.input_meta.len())
    }
}

/// Standard output as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses standard output as JSON.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(output),
            stderr(output)
        )
    })
}
