//! The request log: what clients asked, without any secret.

use serde::{Deserialize, Serialize};

/// One API request as the emulator saw it. Headers and bodies are never
/// recorded, so no key, password, cookie or secret value can leak here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The raw (still percent-encoded) path.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Whether the request carried an API key or a session cookie (valid or not).
    pub had_auth: bool,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The injected fault applied to this request (`status`, `delay`,
    /// `drop`, `truncate`), if any.
    pub fault: Option<String>,
}

/// The most records kept; older ones are forgotten first.
pub(crate) const MAX_RECORDS: usize = 10_000;
