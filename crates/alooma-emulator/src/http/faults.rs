//! Fault injection and chaos: make requests fail or slow down on purpose.
//!
//! A [`Fault`] applies to API requests that match all of its optional
//! filters: the operation name (`set_mapping`, see
//! [`operations`](crate::operations)), the account, the method, and a
//! substring of the raw (still percent-encoded) path. It applies to the
//! next `times` matching requests (1 by default; `null` / [`Fault::forever`]
//! for every one), each with its `probability` (1 by default). The
//! probability draws come from the fault's own `seed`, so the same
//! requests in the same order meet the same faults: a chaos run can be
//! repeated exactly.
//!
//! Faults are checked in the order they were injected; a request meets at
//! most one fault (the first that matches and whose draw hits). Admin
//! requests (`/__emulator/…`) are never faulted.
//!
//! Kinds: a status with the service's JSON error body
//! (`{"status", "error", "message"}`, or a `body` of your own) and an
//! optional `Retry-After`; a fixed delay; a log-normal latency (`median_ms`,
//! `sigma`); a dropped connection; a truncated body.
//!
//! Over HTTP, `POST /__emulator/faults` takes the JSON form of a fault (or a
//! list of them); `alooma emulator serve --fault SPEC` takes the same, or
//! `KIND:key=value,…`:
//!
//! ```json
//! {"kind": "status", "status": 503, "retry_after": 2, "times": 2, "path": "inputs", "method": "GET"}
//! {"kind": "status", "status": 500, "operation": "set_mapping", "probability": 0.3, "seed": 7, "times": null}
//! {"kind": "delay", "delay_ms": 1500}
//! {"kind": "latency", "median_ms": 80, "sigma": 0.6, "times": null, "seed": 1}
//! {"kind": "drop"}
//! {"kind": "truncate"}
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a matching request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        /// The answer's body instead of the service's error body.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<serde_json::Value>,
    },
    /// Wait this long, then answer normally.
    Delay {
        /// Milliseconds to wait before handling the request.
        delay_ms: u64,
    },
    /// Wait a log-normal time (median `median_ms`, shape `sigma`), then
    /// answer normally.
    Latency {
        /// The median wait in milliseconds.
        median_ms: f64,
        /// The spread: the standard deviation of the wait's logarithm
        /// (0 is a fixed `median_ms`).
        #[serde(default)]
        sigma: f64,
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
/// assert_eq!(f.remaining(), Some(3));
/// let _ = Fault::delay(Duration::from_millis(200));
/// let _ = Fault::drop_connection();
/// let _ = Fault::truncated_body();
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// What happens to a matching request.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many matching requests it still applies to; `None` for every one.
    #[serde(default = "one")]
    pub times: Option<u32>,
    /// The chance (0 to 1) that a matching request meets it (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// The seed of its draws (probability, latency); default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Only requests of this operation (`set_mapping` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Only requests for this account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Only requests whose raw path contains this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only requests with this method (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// How many draws it has made (the position in its random sequence).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub draws: u64,
}

fn one() -> Option<u32> {
    Some(1)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The `n`th number of the sequence of `seed`, uniform in [0, 1)
/// (SplitMix64: the same seed gives the same sequence on every platform).
fn draw(seed: u64, n: u64) -> f64 {
    let mut z = seed.wrapping_add(n.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// What a request meets: the fault's kind, with a latency drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Applied {
    /// Answer this status (with this body, or the service's error body).
    Status {
        status: u16,
        retry_after: Option<u64>,
        body: Option<serde_json::Value>,
    },
    /// Wait, then answer normally (`latency` tells a drawn wait from a fixed one).
    Wait { ms: u64, latency: bool },
    /// Close the connection unanswered.
    Drop,
    /// Answer part of the body.
    Truncate,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            times: Some(1),
            probability: None,
            seed: None,
            operation: None,
            account: None,
            path: None,
            method: None,
            draws: 0,
        }
    }

    /// The next request answers `status` with a JSON error body.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after: None,
            body: None,
        })
    }

    /// Matching requests wait a log-normal time: median `median`, and
    /// `sigma` the standard deviation of its logarithm (0.5 is a moderate
    /// tail, 1 a heavy one).
    pub fn latency(median: Duration, sigma: f64) -> Self {
        Self::new(FaultKind::Latency {
            median_ms: median.as_secs_f64() * 1000.0,
            sigma,
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
        self.times = Some(n);
        self
    }

    /// Applies to every matching request, until cleared.
    pub fn forever(mut self) -> Self {
        self.times = None;
        self
    }

    /// Each matching request meets it with this chance (0 to 1), drawn
    /// from its [`seed`](Self::seed).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = Some(p);
        self
    }

    /// The seed of its draws: the same seed and the same requests give the
    /// same faults.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Only matches requests of this operation (`set_mapping` …).
    pub fn operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// Only matches requests for this account.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// Answers this JSON body instead of the service's error body (status
    /// faults only).
    pub fn body(mut self, body: serde_json::Value) -> Self {
        if let FaultKind::Status { body: b, .. } = &mut self.kind {
            *b = Some(body);
        }
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

    /// How many more requests this fault applies to (`None`: every one).
    pub fn remaining(&self) -> Option<u32> {
        self.times
    }

    /// Parses the command line's form, `KIND[:key=value,…]`
    /// (`status:status=503,operation=get_inputs,probability=0.2,seed=7`),
    /// or the JSON form. `times=forever` applies to every request.
    ///
    /// ```
    /// use alooma_emulator::Fault;
    /// let f = Fault::parse("status:status=503,operation=get_inputs,probability=0.5,seed=7,times=forever").unwrap();
    /// assert_eq!(f, Fault::status(503).operation("get_inputs").probability(0.5).seed(7).forever());
    /// assert!(Fault::parse("explode").is_err());
    /// ```
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        let fault: Fault = if spec.starts_with('{') {
            serde_json::from_str(spec).map_err(|e| format!("not a fault: {e}"))?
        } else {
            let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
            let mut map = serde_json::Map::new();
            map.insert("kind".into(), serde_json::Value::String(kind.trim().into()));
            for pair in rest.split(',').filter(|p| !p.trim().is_empty()) {
                let (key, value) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("{pair:?} is not key=value"))?;
                let (key, value) = (key.trim(), value.trim());
                let value = match (key, value) {
                    ("times", "forever" | "null") => serde_json::Value::Null,
                    ("path" | "method" | "operation" | "account", v) => {
                        serde_json::Value::String(v.into())
                    }
                    (_, v) => serde_json::from_str(v)
                        .unwrap_or_else(|_| serde_json::Value::String(v.into())),
                };
                map.insert(key.into(), value);
            }
            serde_json::from_value(serde_json::Value::Object(map))
                .map_err(|e| format!("not a fault ({spec}): {e}"))?
        };
        fault.validate()?;
        Ok(fault)
    }

    /// Checks the fields a client could get wrong over HTTP.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if let FaultKind::Status { status, .. } = self.kind {
            if !(100..=999).contains(&status) {
                return Err(format!("status {status} is not an HTTP status code"));
            }
        }
        if let FaultKind::Delay { delay_ms } = self.kind {
            if delay_ms > MAX_WAIT_MS {
                return Err(format!("delay_ms is at most {MAX_WAIT_MS}"));
            }
        }
        if let FaultKind::Latency { median_ms, sigma } = self.kind {
            if !(median_ms.is_finite() && (0.0..=MAX_WAIT_MS as f64).contains(&median_ms)) {
                return Err(format!("median_ms must be 0 to {MAX_WAIT_MS}"));
            }
            if !(sigma.is_finite() && (0.0..=5.0).contains(&sigma)) {
                return Err("sigma must be 0 to 5".into());
            }
        }
        if let Some(p) = self.probability {
            if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
                return Err(format!("probability must be 0 to 1, not {p}"));
            }
        }
        if self.times == Some(0) {
            return Err("times must be at least 1 (or null for every request)".into());
        }
        Ok(())
    }

    fn matches(&self, req: &FaultTarget<'_>) -> bool {
        self.times != Some(0)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(req.method))
            && self.path.as_deref().is_none_or(|p| req.path.contains(p))
            && self
                .operation
                .as_deref()
                .is_none_or(|o| req.operation == Some(o))
            && self
                .account
                .as_deref()
                .is_none_or(|a| req.account == Some(a))
    }

    /// The next draw of this fault's sequence.
    fn next_draw(&mut self) -> f64 {
        let x = draw(self.seed.unwrap_or(0), self.draws);
        self.draws += 1;
        x
    }

    /// What a request that meets this fault gets.
    fn apply(&mut self) -> Applied {
        match &self.kind {
            FaultKind::Status {
                status,
                retry_after,
                body,
            } => Applied::Status {
                status: *status,
                retry_after: *retry_after,
                body: body.clone(),
            },
            FaultKind::Delay { delay_ms } => Applied::Wait {
                ms: *delay_ms,
                latency: false,
            },
            FaultKind::Latency { median_ms, sigma } => {
                let (median, sigma) = (*median_ms, *sigma);
                // Box–Muller: a standard normal from two uniform draws.
                let u1 = 1.0 - self.next_draw();
                let u2 = self.next_draw();
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                let ms = (median * (sigma * z).exp()).clamp(0.0, MAX_WAIT_MS as f64);
                Applied::Wait {
                    ms: ms.round() as u64,
                    latency: true,
                }
            }
            FaultKind::Drop => Applied::Drop,
            FaultKind::Truncate => Applied::Truncate,
        }
    }
}

/// The longest wait a fault may ask: 10 minutes.
const MAX_WAIT_MS: u64 = 600_000;

/// What faults are matched against.
pub(crate) struct FaultTarget<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) operation: Option<&'a str>,
    pub(crate) account: Option<&'a str>,
}

/// The first fault this request meets, consuming one of its uses: each
/// matching fault draws against its probability, in order.
pub(crate) fn take(faults: &mut Vec<Fault>, req: &FaultTarget<'_>) -> Option<Applied> {
    let mut hit = None;
    for (i, fault) in faults.iter_mut().enumerate() {
        if !fault.matches(req) {
            continue;
        }
        if let Some(p) = fault.probability {
            if fault.next_draw() >= p {
                continue;
            }
        }
        if let Some(times) = fault.times.as_mut() {
            *times -= 1;
        }
        hit = Some((i, fault.apply()));
        break;
    }
    let (i, applied) = hit?;
    if faults.get(i).is_some_and(|f| f.times == Some(0)) {
        faults.remove(i);
    }
    Some(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target<'a>(method: &'a str, path: &'a str, operation: Option<&'a str>) -> FaultTarget<'a> {
        FaultTarget {
            method,
            path,
            operation,
            account: Some("acme"),
        }
    }

    #[test]
    fn matching_consumes_counts_in_order() {
        let mut faults = vec![
            Fault::status(500).path("inputs").method("get").times(2),
            Fault::drop_connection(),
        ];
        assert_eq!(
            take(&mut faults, &target("POST", "/acme/rest/inputs", None)),
            Some(Applied::Drop)
        );
        assert_eq!(faults.len(), 1);
        let kind = take(&mut faults, &target("GET", "/acme/rest/inputs", None));
        assert!(matches!(kind, Some(Applied::Status { status: 500, .. })));
        assert_eq!(
            take(&mut faults, &target("GET", "/acme/rest/secrets", None)),
            None
        );
        assert!(take(&mut faults, &target("GET", "/rest/inputs/x", None)).is_some());
        assert!(faults.is_empty());
    }

    #[test]
    fn operation_and_account_filters() {
        let mut faults = vec![Fault::status(503)
            .operation("set_mapping")
            .account("acme")
            .forever()];
        assert_eq!(
            take(&mut faults, &target("GET", "/x", Some("get_inputs"))),
            None
        );
        for _ in 0..3 {
            assert!(take(&mut faults, &target("POST", "/x", Some("set_mapping"))).is_some());
        }
        let other = FaultTarget {
            account: Some("other"),
            ..target("POST", "/x", Some("set_mapping"))
        };
        assert_eq!(take(&mut faults, &other), None);
        assert_eq!(faults.len(), 1, "a forever fault stays");
    }

    #[test]
    fn a_seed_repeats_exactly_and_the_probability_holds() {
        let run = |seed| {
            let mut faults = vec![Fault::status(500).probability(0.3).seed(seed).forever()];
            (0..2000)
                .map(|_| take(&mut faults, &target("GET", "/x", None)).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits = run(7).iter().filter(|h| **h).count();
        assert!((500..700).contains(&hits), "{hits} of 2000 at p=0.3");
    }

    #[test]
    fn latency_is_log_normal_around_its_median() {
        let mut faults = vec![Fault::latency(Duration::from_millis(100), 0.5)
            .seed(3)
            .forever()];
        let mut waits: Vec<u64> = (0..2001)
            .map(|_| match take(&mut faults, &target("GET", "/x", None)) {
                Some(Applied::Wait { ms, latency: true }) => ms,
                other => panic!("{other:?}"),
            })
            .collect();
        waits.sort_unstable();
        let median = waits[1000];
        assert!((90..=110).contains(&median), "median {median}");
        assert!(waits[1990] > 250, "a tail: {}", waits[1990]);
    }

    #[test]
    fn json_and_command_line_forms() {
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
        let forever: Fault = serde_json::from_str(r#"{"kind":"drop","times":null}"#).unwrap();
        assert_eq!(forever, Fault::drop_connection().forever());
        assert!(serde_json::from_str::<Fault>(r#"{"kind":"explode"}"#).is_err());
        assert!(Fault::status(42).validate().is_err());
        assert!(Fault::status(500).probability(1.5).validate().is_err());
        assert_eq!(
            Fault::parse("latency:median_ms=80,sigma=0.6,seed=1").unwrap(),
            Fault::latency(Duration::from_millis(80), 0.6).seed(1)
        );
        assert_eq!(
            Fault::parse("delay:delay_ms=5,path=inputs,method=GET").unwrap(),
            Fault::delay(Duration::from_millis(5))
                .path("inputs")
                .method("GET")
        );
        assert!(Fault::parse("status:status").is_err());
        assert!(Fault::parse("status:status=503,times=0").is_err());
    }
}
