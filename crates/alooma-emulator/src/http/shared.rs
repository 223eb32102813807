//! What the server's connection tasks share: the accounts ([`Tenant`]),
//! their state behind a lock, the journal, the faults, the snapshots.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use http::HeaderMap;

use crate::domain::advance;
use crate::domain::clock::Clock;
use crate::domain::persist::Snapshot;
use crate::domain::state::State;
use crate::http::auth;
use crate::http::faults::Fault;
use crate::http::journal::Journal;
use crate::EmulatorError;

/// One emulated account: its credentials, its state and its sessions.
pub(crate) struct Tenant {
    pub(crate) account: String,
    pub(crate) api_key: Option<String>,
    pub(crate) credentials: Option<(String, String)>,
    pub(crate) state: Mutex<State>,
    pub(crate) sessions: Mutex<HashSet<String>>,
}

impl Tenant {
    /// Whether the request carries this account's API key or a live session.
    pub(crate) fn authorized(&self, headers: &HeaderMap) -> bool {
        auth::api_key_ok(headers, self.api_key.as_deref())
            || auth::session_ok(headers, &lock(&self.sessions))
    }

    /// The state brought up to the clock's time (see [`crate::transitions`]).
    pub(crate) fn state_now(&self) -> MutexGuard<'_, State> {
        let mut state = lock(&self.state);
        let now = state.clock.now_millis();
        advance::advance(&mut state, now);
        state
    }
}

/// Everything the connection tasks share.
pub(crate) struct Shared {
    /// The accounts; the first is the primary one (served under `/rest/`).
    pub(crate) tenants: Vec<Tenant>,
    pub(crate) max_body_bytes: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) journal: Mutex<Journal>,
    pub(crate) clock: Clock,
    pub(crate) state_file: Option<PathBuf>,
    /// Snapshots taken by `POST /__emulator/snapshot`, by name.
    pub(crate) snapshots: Mutex<BTreeMap<String, Snapshot>>,
    /// Held while the state file is written: one save at a time, each of
    /// the state as it is when it starts.
    pub(crate) saving: Mutex<()>,
    /// Whether intake requests are journaled with their events.
    pub(crate) journal_events: bool,
}

impl Shared {
    /// The primary account.
    pub(crate) fn primary(&self) -> &Tenant {
        // `from_config` never builds a `Shared` without a tenant.
        &self.tenants[0]
    }

    /// The account of this name.
    pub(crate) fn tenant(&self, account: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.account == account)
    }

    /// The account whose credentials the request carries, if any.
    pub(crate) fn tenant_of(&self, headers: &HeaderMap) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.authorized(headers))
    }

    /// A snapshot of every account.
    pub(crate) fn snapshot(&self) -> Result<Snapshot, EmulatorError> {
        let guards: Vec<MutexGuard<'_, State>> =
            self.tenants.iter().map(Tenant::state_now).collect();
        let states: Vec<&State> = guards.iter().map(|g| &**g).collect();
        Snapshot::of(&states)
    }

    /// Puts every account of the snapshot back (accounts it lacks keep
    /// their state); an account this emulator does not serve is refused.
    pub(crate) fn restore(&self, snapshot: &Snapshot) -> Result<(), EmulatorError> {
        let states = snapshot.states()?;
        for s in &states {
            if self.tenant(&s.account).is_none() {
                return Err(EmulatorError::State(format!(
                    "the state holds the account {:?}, which this emulator does not serve",
                    s.account
                )));
            }
        }
        for mut restored in states {
            if let Some(tenant) = self.tenant(&restored.account) {
                let mut state = lock(&tenant.state);
                restored.clock = state.clock.clone();
                restored.transitions = state.transitions.clone();
                restored.code = state.code.clone();
                // The data path (its warehouse, its queue) goes on.
                restored.warehouse = state.warehouse.clone();
                restored.data = state.data.take();
                *state = restored;
            }
        }
        Ok(())
    }

    /// Saves every account to the state file, when there is one.
    pub(crate) fn save(&self) -> Result<Option<&PathBuf>, EmulatorError> {
        let Some(path) = &self.state_file else {
            return Ok(None);
        };
        let _one_at_a_time = lock(&self.saving);
        self.snapshot()?.write(path)?;
        Ok(Some(path))
    }
}

/// Locks a mutex, recovering the data if a previous holder panicked.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
