//! Time: the emulator's [`Clock`] (the system clock, or a test clock that
//! only moves when told), and the ISO-8601 strings the service sends.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The emulator's clock. Everything that depends on time (timestamps in
/// answers, inputs starting, the restream queue draining, scheduled
/// queries running, the request journal) reads it, so a test that uses
/// [`Clock::manual`] is deterministic: time moves only by
/// [`advance`](Clock::advance) and [`set_millis`](Clock::set_millis).
///
/// Cloning gives another handle on the same clock.
///
/// ```
/// use std::time::Duration;
/// let clock = alooma_emulator::Clock::manual(1_700_000_000_000);
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(clock.now_millis(), 1_700_000_090_000);
/// assert!(alooma_emulator::Clock::system().now_millis() > 1_700_000_000_000);
/// ```
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    manual: AtomicBool,
    /// The manual clock's time, or an offset added to the system time.
    millis: AtomicI64,
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self {
            inner: Arc::new(ClockInner {
                manual: AtomicBool::new(false),
                millis: AtomicI64::new(0),
            }),
        }
    }

    /// A test clock standing at `epoch_millis` (milliseconds since 1970)
    /// until it is advanced.
    pub fn manual(epoch_millis: i64) -> Self {
        Self {
            inner: Arc::new(ClockInner {
                manual: AtomicBool::new(true),
                millis: AtomicI64::new(epoch_millis),
            }),
        }
    }

    /// Whether this is a test clock.
    pub fn is_manual(&self) -> bool {
        self.inner.manual.load(Ordering::SeqCst)
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        let value = self.inner.millis.load(Ordering::SeqCst);
        if self.is_manual() {
            value
        } else {
            system_millis().saturating_add(value)
        }
    }

    /// Seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Moves the clock forward (a system clock gains an offset).
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.inner.millis.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets a test clock to `epoch_millis` (a system clock becomes a test
    /// clock standing there).
    pub fn set_millis(&self, epoch_millis: i64) {
        self.inner.millis.store(epoch_millis, Ordering::SeqCst);
        self.inner.manual.store(true, Ordering::SeqCst);
    }
}

/// Milliseconds since the Unix epoch by the system clock (0 before 1970).
fn system_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` (UTC, no zone suffix), the service's format.
pub(crate) fn iso_micros(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let frac = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        frac * 1000
    )
}

/// Epoch milliseconds of `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS` with an
/// optional fraction and an optional `Z` (UTC).
pub(crate) fn parse_iso(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00"));
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let mut t = hms.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (
        t.next()??,
        t.next().unwrap_or(Some(0))?,
        t.next().unwrap_or(Some(0))?,
    );
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let millis = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(3).collect();
        if !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        format!("{digits:0<3}").parse::<i64>().ok()?
    };
    let days = days_from_civil(y, m, day);
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000) + millis)
}

/// Howard Hinnant's civil-to-days algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso_micros(0), "1970-01-01T00:00:00.000000");
        assert_eq!(iso_micros(1_531_288_180_667), "2018-07-11T05:49:40.667000");
        assert_eq!(iso_micros(951_782_400_000), "2000-02-29T00:00:00.000000");
        for ms in [0, 1_531_288_180_667, 951_782_400_000, 1_700_000_000_123] {
            assert_eq!(parse_iso(&iso_micros(ms)), Some(ms));
        }
        assert_eq!(parse_iso("2018-07-11"), Some(1_531_267_200_000));
        assert_eq!(parse_iso("2018-07-11T05:49:40Z"), Some(1_531_288_180_000));
        assert_eq!(parse_iso("yesterday"), None);
    }
}
