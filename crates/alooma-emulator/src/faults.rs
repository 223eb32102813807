//! Fault injection: make the next requests fail on purpose.
//!
//! A [`Fault`] applies to the next `times` API requests that match its
//! optional method and path substring (matched against the raw, still
//! percent-encoded request path). Faults are checked in the order they were
//! injected; a request consumes at most one fault. Admin requests
//! (`/__emulator/…`) are never faulted.
//!
//! Over HTTP, `POST /__emulator/faults` takes the JSON form of a fault:
//!
//! ```json
//! {"kind": "status", "status": 503, "retry_after": 2, "times": 2, "path": "inputs", "method": "GET"}
//! {"kind": "delay", "delay_ms": 1500}
//! {"kind": "drop"}
//! {"kind": "truncate"}
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a matching request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer this status with a JSON error body (and `Retry-After` when set).
    Status {
        /// The HTTP status code (100–999; 200 would answer an error body with 200).
        status: u16,
        /// Seconds for a `Retry-After` header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Wait this long, then answer normally.
    Delay {
        /// Milliseconds to wait before handling the request.
        delay_ms: u64,
    },
    /// Close the connection without answering.
    Drop,
    /// Handle the request, then send the status and headers with a
    /// `Content-Length` larger than the bytes that follow, and close.
    Truncate,
}

/// One injected fault: what happens, to how many requests, and which.
///
/// ```
/// use alooma_emulator::Fault;
/// use std::time::Duration;
/// let f = Fault::status(503).retry_after(2).times(3).path("inputs").method("GET");
/// assert_eq!(f.remaining(), 3);
/// let _ = Fault::delay(Duration::from_millis(200));
/// let _ = Fault::drop_connection();
/// let _ = Fault::truncated_body();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// What happens to a matching request.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it still applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests whose raw path contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only requests with this method (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            times: 1,
            path: None,
            method: None,
        }
    }

    /// The next request answers `status` with a JSON error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after: None,
        })
    }

    /// The next request waits `delay` before being handled normally.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay {
            delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// The next request's connection is closed without an answer.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::Drop)
    }

    /// The next request's answer declares more body bytes than it sends.
    pub fn truncated_body() -> Self {
        Self::new(FaultKind::Truncate)
    }

    /// Adds `Retry-After: secs` (status faults only; ignored otherwise).
    pub fn retry_after(mut self, secs: u64) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(secs);
        }
        self
    }

    /// Applies to the next `n` matching requests instead of one.
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// Only matches requests whose raw path contains `fragment`.
    pub fn path(mut self, fragment: impl Into<String>) -> Self {
        self.path = Some(fragment.into());
        self
    }

    /// Only matches requests with this HTTP method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// How many more requests this fault applies to.
    pub fn remaining(&self) -> u32 {
        self.times
    }

    /// Checks the fields a client could get wrong over HTTP.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let FaultKind::Status { status, .. } = self.kind {
            if !(100..=999).contains(&status) {
                return Err(format!("status {status} is not an HTTP status code"));
            }
        }
        if let FaultKind::Delay { delay_ms } = self.kind {
            if delay_ms > 600_000 {
                return Err("delay_ms is at most 600000".into());
            }
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path.contains(p))
    }
}

/// Takes the first fault matching this request, consuming one of its uses.
pub(crate) fn take(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<FaultKind> {
    let i = faults.iter().position(|f| f.matches(method, path))?;
    let fault = faults.get_mut(i)?;
    fault.times -= 1;
    let kind = fault.kind.clone();
    if fault.times == 0 {
        faults.remove(i);
    }
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_consumes_counts_in_order() {
        let mut faults = vec![
            Fault::status(500).path("inputs").method("get").times(2),
            Fault::drop_connection(),
        ];
        assert_eq!(
            take(&mut faults, "POST", "/acme/rest/inputs"),
            Some(FaultKind::Drop)
        );
        assert_eq!(faults.len(), 1);
        let kind = take(&mut faults, "GET", "/acme/rest/inputs");
        assert!(matches!(kind, Some(FaultKind::Status { status: 500, .. })));
        assert_eq!(take(&mut faults, "GET", "/acme/rest/secrets"), None);
        assert!(take(&mut faults, "GET", "/rest/inputs/x").is_some());
        assert!(faults.is_empty());
    }

    #[test]
    fn json_form_round_trips() {
        let f: Fault = serde_json::from_str(
            r#"{"kind":"status","status":429,"retry_after":3,"times":2,"path":"metrics"}"#,
        )
        .unwrap();
        assert_eq!(
            f,
            Fault::status(429).retry_after(3).times(2).path("metrics")
        );
        let d: Fault = serde_json::from_str(r#"{"kind":"delay","delay_ms":10}"#).unwrap();
        assert_eq!(d, Fault::delay(Duration::from_millis(10)));
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"explode"}"#).is_err());
        assert!(Fault::status(42).validate().is_err());
    }
}
