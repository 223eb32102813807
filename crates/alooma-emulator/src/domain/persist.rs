//! Persistence: the whole emulator state as one versioned JSON document.
//!
//! A state file (`alooma emulator serve --state FILE`,
//! [`EmulatorBuilder::state_file`](crate::EmulatorBuilder::state_file)) is
//! loaded at start when it exists and saved atomically (a temporary file
//! in the same directory, synced, then renamed over it) at shutdown and on
//! `POST /__emulator/snapshot`. Its form:
//!
//! ```json
//! {"format": "alooma-emulator-state", "version": 1, "accounts": [{"account": "acme", …}]}
//! ```
//!
//! with one entry per account: everything the account holds (structure,
//! input bookkeeping, event types, Code Engine, tables, queries and their
//! schedule, settings, notifications, samples, the next id …). The
//! document is stable: save → load → save gives the same bytes.
//!
//! It holds the account's **secret values** and input credentials, as the
//! service did, so that a restart loses nothing; on Unix it is written
//! with mode 0600. API keys and login passwords are configuration, not
//! state, and are never written. Keep the file out of version control;
//! `alooma pipeline export` is the form to share.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::state::State;
use crate::EmulatorError;

/// The `format` of a state file.
pub const STATE_FORMAT: &str = "alooma-emulator-state";
/// The `version` this emulator writes and reads.
pub const STATE_VERSION: u32 = 1;

/// The whole state of an emulator, every account's, as a state file
/// holds it. `Debug` shows the accounts only: it holds secret values.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let emu = alooma_emulator::Emulator::start().await.unwrap();
/// let before = emu.snapshot().unwrap();
/// emu.with_state_mut(|s| s.secrets.clear());
/// emu.restore(&before).unwrap();
/// assert!(emu.with_state(|s| !s.secrets.is_empty()));
/// assert_eq!(emu.snapshot().unwrap().to_json(), before.to_json());
/// # });
/// ```
#[derive(Clone, PartialEq)]
pub struct Snapshot {
    text: String,
    accounts: Vec<String>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("accounts", &self.accounts)
            .field("bytes", &self.text.len())
            .finish()
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u32,
    accounts: Vec<&'a State>,
}

#[derive(Deserialize)]
struct FileIn {
    format: String,
    version: u32,
    accounts: Vec<State>,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
}

impl Snapshot {
    /// The snapshot of these states.
    pub(crate) fn of(states: &[&State]) -> Result<Self, EmulatorError> {
        let doc = FileOut {
            format: STATE_FORMAT,
            version: STATE_VERSION,
            accounts: states.to_vec(),
        };
        let mut text = serde_json::to_string_pretty(&doc)
            .map_err(|e| EmulatorError::State(format!("cannot serialize the state: {e}")))?;
        text.push('\n');
        Ok(Self {
            text,
            accounts: states.iter().map(|s| s.account.clone()).collect(),
        })
    }

    /// The document, as written to a state file.
    pub fn to_json(&self) -> &str {
        &self.text
    }

    /// The accounts it holds.
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The snapshot of one of its accounts, when it holds that one.
    pub(crate) fn only(&self, account: &str) -> Option<Snapshot> {
        if !self.accounts.iter().any(|a| a == account) {
            return None;
        }
        let states = self.states().ok()?;
        let mine: Vec<&State> = states.iter().filter(|s| s.account == account).collect();
        Snapshot::of(&mine).ok()
    }

    /// Reads a state document, checking its format and version.
    pub fn from_json(text: &str) -> Result<Self, EmulatorError> {
        let bad = |why: String| EmulatorError::State(why);
        let header: Header =
            serde_json::from_str(text).map_err(|e| bad(format!("not a state document: {e}")))?;
        if header.format.as_deref() != Some(STATE_FORMAT) {
            return Err(bad(format!(
                "not a state document: `format` is {:?}, not {STATE_FORMAT:?}",
                header.format.unwrap_or_default()
            )));
        }
        match header.version {
            Some(STATE_VERSION) => {}
            Some(v) if v > STATE_VERSION => {
                return Err(bad(format!(
                    "the state is of version {v}, newer than this emulator reads ({STATE_VERSION}): use a newer alooma"
                )))
            }
            other => return Err(bad(format!("unsupported state version {other:?}"))),
        }
        let states = Self::states_of(text)?;
        Ok(Self {
            text: text.to_owned(),
            accounts: states.iter().map(|s| s.account.clone()).collect(),
        })
    }

    /// The states it holds (without clock or transitions: the emulator
    /// gives them its own).
    pub(crate) fn states(&self) -> Result<Vec<State>, EmulatorError> {
        Self::states_of(&self.text)
    }

    fn states_of(text: &str) -> Result<Vec<State>, EmulatorError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let file: FileIn = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            EmulatorError::State(format!("at `{path}`: {}", e.into_inner()))
        })?;
        let _ = (file.format, file.version);
        let mut seen = std::collections::BTreeSet::new();
        for s in &file.accounts {
            if !seen.insert(s.account.clone()) {
                return Err(EmulatorError::State(format!(
                    "the account {:?} is in the state twice",
                    s.account
                )));
            }
        }
        Ok(file.accounts)
    }

    /// Reads a state file.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::StateFile {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text).map_err(|e| match e {
            EmulatorError::State(why) => EmulatorError::State(format!("{}: {why}", path.display())),
            other => other,
        })
    }

    /// Writes the state file atomically: a temporary file beside it,
    /// synced, then renamed over it (mode 0600 on Unix).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), EmulatorError> {
        let path = path.as_ref();
        let io = |source| EmulatorError::StateFile {
            path: path.display().to_string(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state.json".into());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let result = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&tmp)?;
            file.write_all(self.text.as_bytes())?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, path)?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(io)
    }
}
