//! When to try again: the server's `Retry-After`, or exponential backoff
//! with full jitter.

use crate::config::RetryPolicy;
use bytes::Bytes;
use http::Response;
use std::time::Duration;

/// `Retry-After`: delay-seconds, or an HTTP date (the time left until it;
/// a date in the past means no wait).
pub(crate) fn retry_after(resp: &Response<Bytes>) -> Option<Duration> {
    let value = resp
        .headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The wait before attempt `attempt + 1` (`attempt` is 1-based).
pub(crate) fn backoff(
    policy: &RetryPolicy,
    attempt: u32,
    retry_after: Option<Duration>,
) -> Duration {
    if let Some(ra) = retry_after {
        return ra.min(policy.retry_after_cap);
    }
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1));
    let cap = policy
        .base_delay
        .checked_mul(exp)
        .unwrap_or(policy.max_delay)
        .min(policy.max_delay);
    match policy.jitter {
        crate::config::Jitter::Zero => Duration::ZERO,
        crate::config::Jitter::Max => cap,
        crate::config::Jitter::Full => {
            let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
            Duration::from_nanos(fastrand::u64(0..=nanos))
        }
    }
}
