//! The admin API under `/__emulator/` (never faulted, never journaled).
//!
//! An account's API key opens it (`Authorization: API <key>`, a live
//! session cookie, or `?key=` for the web page), and each key sees and
//! changes only its own account: its state, its part of the journal, the
//! faults that reach it, its snapshots; `?account=` may only name it.
//! (The clock is the emulator's, shared by its accounts.) In-process,
//! [`Emulator`](crate::Emulator) sees every account.
//!
//! | request | effect |
//! |---|---|
//! | `GET /__emulator/` | a read-only web page: accounts, state, faults, the journal |
//! | `GET /__emulator/openapi.json` | the API's OpenAPI 3.1 description (no credentials needed) |
//! | `GET /__emulator/faults` | pending faults |
//! | `POST /__emulator/faults` | inject a fault (or a list of faults), see [`crate::faults`] |
//! | `DELETE /__emulator/faults` | clear every fault |
//! | `GET /__emulator/requests` | the journal, oldest first; filters `operation`, `since`, `after`, `account`, `method`, `status`, `limit` (see [`crate::JournalFilter`]) |
//! | `DELETE /__emulator/requests` | clear the journal |
//! | `DELETE /__emulator/sessions` | expire the account's login sessions |
//! | `GET /__emulator/state` | the account's state as JSON (secret values left out, credentials redacted) |
//! | `POST /__emulator/snapshot[?name=N]` | take a snapshot of every account (kept in memory under N, default `default`) and save the state file, if there is one |
//! | `POST /__emulator/restore[?name=N]` | go back to snapshot N; with no such snapshot, to the state file (saved after every write: the state as of the last one); with a state document as the body, to it |
//! | `GET /__emulator/clock` | the clock: `{"now_ms", "now", "manual"}` |
//! | `POST /__emulator/clock` | move it: `{"advance_ms": N}`, `{"advance_secs": N}` or `{"set_ms": N}` |

use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::persist::Snapshot;
use crate::http::faults::Fault;
use crate::http::journal::JournalFilter;
use crate::http::reply::{ApiError, Query, Reply};
use crate::http::shared::{lock, Shared, Tenant};

/// The API's OpenAPI description, gzip-compressed: `cargo xtask openapi`
/// writes it from the SDK's registry beside `openapi/alooma.json` (a test
/// keeps the two the same document; the emulator only serves it).
pub(crate) const OPENAPI_GZ: &[u8] = include_bytes!("../../data/openapi.json.gz");

/// The OpenAPI description as JSON text, for a client that does not take
/// gzip (decompressed once).
pub(crate) fn openapi_text() -> bytes::Bytes {
    static TEXT: std::sync::OnceLock<bytes::Bytes> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = Vec::new();
        match std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(OPENAPI_GZ), &mut text) {
            Ok(_) => bytes::Bytes::from(text),
            // Checked by a test; never served half-read.
            Err(_) => bytes::Bytes::new(),
        }
    })
    .clone()
}

/// What an admin request answers: JSON like the API, or the web page.
pub(crate) enum AdminReply {
    /// A JSON (or empty) answer.
    Api(Reply),
    /// An HTML page.
    Html(String),
}

/// The body of `POST /__emulator/clock`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockMove {
    #[serde(default)]
    advance_ms: Option<i64>,
    #[serde(default)]
    advance_secs: Option<f64>,
    #[serde(default)]
    set_ms: Option<i64>,
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("malformed or misfit JSON body: {e}")))
}

/// Runs an admin request for `tenant`; `body` is the already-read body.
pub(crate) fn handle(
    shared: &Shared,
    tenant: &Tenant,
    method: &str,
    segs: &[&str],
    query: &Query,
    body: &[u8],
) -> Result<AdminReply, ApiError> {
    if let Some(name) = query.get("account") {
        if name != tenant.account {
            return Err(not_yours(tenant, name));
        }
    }
    let mine = |account: &Option<String>| account.as_deref().is_none_or(|a| a == tenant.account);
    let api = |reply: Reply| Ok(AdminReply::Api(reply));
    match (method, segs) {
        ("GET", []) => Ok(AdminReply::Html(crate::http::web::page(shared, tenant))),
        ("GET", ["faults"]) => {
            let faults: Vec<Fault> = lock(&shared.faults)
                .iter()
                .filter(|f| mine(&f.account))
                .cloned()
                .collect();
            api(Reply::json(json!(faults)))
        }
        ("POST", ["faults"]) => {
            let value: Value = json_body(body)?;
            let faults: Vec<Fault> = match value {
                Value::Array(_) => serde_json::from_value(value),
                other => serde_json::from_value(other).map(|f| vec![f]),
            }
            .map_err(|e| ApiError::bad_request(format!("not a fault: {e}")))?;
            let mut faults = faults;
            for f in &mut faults {
                f.validate().map_err(ApiError::bad_request)?;
                // A key's faults reach its own account only.
                match &f.account {
                    Some(a) if a != &tenant.account => return Err(not_yours(tenant, a)),
                    Some(_) => {}
                    None => f.account = Some(tenant.account.clone()),
                }
            }
            let n = faults.len();
            lock(&shared.faults).extend(faults);
            api(Reply::json(json!({ "injected": n })))
        }
        ("DELETE", ["faults"]) => {
            lock(&shared.faults).retain(|f| f.account.as_deref() != Some(tenant.account.as_str()));
            api(Reply::empty())
        }
        ("GET", ["requests"]) => {
            let mut filter =
                JournalFilter::from_query(query.pairs()).map_err(ApiError::bad_request)?;
            match &filter.account {
                Some(a) if a != &tenant.account => return Err(not_yours(tenant, a)),
                _ => filter.account = Some(tenant.account.clone()),
            }
            api(Reply::json(json!(lock(&shared.journal).list(&filter))))
        }
        ("DELETE", ["requests"]) => {
            lock(&shared.journal).clear_account(&tenant.account);
            api(Reply::empty())
        }
        ("DELETE", ["sessions"]) => {
            lock(&tenant.sessions).clear();
            api(Reply::empty())
        }
        ("GET", ["state"]) => {
            // Over HTTP, input and output credentials are redacted too.
            let mut state = tenant.state_now().to_json();
            if let Some(nodes) = state.get_mut("nodes") {
                crate::http::journal::redact(nodes);
            }
            api(Reply::json(state))
        }
        ("POST", ["snapshot"]) => {
            let name = query.get("name").unwrap_or("default").to_owned();
            let snapshot = shared.snapshot().map_err(internal)?;
            let saved = shared.save().map_err(internal)?;
            lock(&shared.snapshots).insert(snapshot_key(tenant, &name), snapshot);
            api(Reply::json(json!({
                "snapshot": name,
                "accounts": [tenant.account],
                "saved_to": saved.map(|p| p.display().to_string()),
            })))
        }
        ("POST", ["restore"]) => {
            let name = query.get("name").unwrap_or("default");
            let snapshot = if body.iter().any(|b| !b.is_ascii_whitespace()) {
                let text = std::str::from_utf8(body)
                    .map_err(|_| ApiError::bad_request("the state document is not UTF-8"))?;
                Snapshot::from_json(text).map_err(|e| ApiError::bad_request(e.to_string()))?
            } else if let Some(s) = lock(&shared.snapshots)
                .get(&snapshot_key(tenant, name))
                .cloned()
            {
                s
            } else if let Some(path) = &shared.state_file {
                Snapshot::read(path)
                    .map_err(|e| ApiError::new(http::StatusCode::CONFLICT, e.to_string()))?
            } else {
                return Err(ApiError::new(
                    http::StatusCode::CONFLICT,
                    format!(
                        "no snapshot {name:?} and no state file: POST /__emulator/snapshot first"
                    ),
                ));
            };
            // Only this key's account is restored.
            let own = snapshot.only(&tenant.account).ok_or_else(|| {
                ApiError::new(
                    http::StatusCode::CONFLICT,
                    format!(
                        "the snapshot holds no state of account {:?}",
                        tenant.account
                    ),
                )
            })?;
            shared
                .restore(&own)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            api(Reply::json(json!({ "restored": own.accounts() })))
        }
        ("GET", ["clock"]) => api(Reply::json(clock_json(shared))),
        ("POST", ["clock"]) => {
            let m: ClockMove = json_body(body)?;
            let clock = &shared.clock;
            if let Some(ms) = m.advance_ms {
                if ms < 0 {
                    return Err(ApiError::bad_request("the clock only moves forward"));
                }
                clock.advance(std::time::Duration::from_millis(ms.unsigned_abs()));
            }
            if let Some(secs) = m.advance_secs {
                let d = std::time::Duration::try_from_secs_f64(secs).map_err(|_| {
                    ApiError::bad_request("`advance_secs` must be a non-negative number")
                })?;
                clock.advance(d);
            }
            if let Some(ms) = m.set_ms {
                clock.set_millis(ms);
            }
            api(Reply::json(clock_json(shared)))
        }
        _ => Err(ApiError::not_found(format!(
            "no such admin endpoint: {method} /__emulator/{}",
            segs.join("/")
        ))),
    }
}

/// Another account than the key's.
fn not_yours(tenant: &Tenant, other: &str) -> ApiError {
    ApiError::new(
        http::StatusCode::FORBIDDEN,
        format!(
            "this key opens account {:?}; account {other:?} is not its own",
            tenant.account
        ),
    )
}

/// Snapshots are kept per account: one account's name never reaches
/// another's.
fn snapshot_key(tenant: &Tenant, name: &str) -> String {
    format!("{}\u{0}{name}", tenant.account)
}

fn clock_json(shared: &Shared) -> Value {
    let now = shared.clock.now_millis();
    json!({
        "now_ms": now,
        "now": crate::domain::clock::iso_micros(now),
        "manual": shared.clock.is_manual(),
    })
}

fn internal(e: crate::EmulatorError) -> ApiError {
    ApiError::new(http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_served_document_is_the_committed_one() {
        let committed = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../openapi/alooma.json"
        ));
        assert!(
            committed.is_ok_and(|c| super::openapi_text() == c),
            "data/openapi.json.gz is stale: run `cargo xtask openapi` and commit the result"
        );
    }
}
