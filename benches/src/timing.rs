//! Small timing helpers for the summaries the benchmarks print after
//! criterion's own report.

use std::time::{Duration, Instant};

/// The median of `samples` (zero for none).
pub fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort_unstable();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

/// Times `f` once.
pub fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Runs `a` and `b` alternately `rounds` times (swapping which goes first
/// each round, so both see the same machine conditions) and returns the
/// median time of each.
pub fn interleaved(
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    let mut ta = Vec::with_capacity(rounds);
    let mut tb = Vec::with_capacity(rounds);
    for round in 0..rounds {
        if round.is_multiple_of(2) {
            ta.push(a());
            tb.push(b());
        } else {
            tb.push(b());
            ta.push(a());
        }
    }
    (median(&ta), median(&tb))
}

/// The outcome of [`alternate`]: each side's median time, and the ratio
/// `a / b` of every round.
#[derive(Debug, Clone)]
pub struct Rounds {
    /// The median time of side `a`.
    pub a: Duration,
    /// The median time of side `b`.
    pub b: Duration,
    /// `a / b` in each round, in round order.
    pub ratios: Vec<f64>,
}

impl Rounds {
    /// The median of the rounds' ratios.
    pub fn ratio(&self) -> f64 {
        let mut v = self.ratios.clone();
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    /// The smallest and largest round ratio.
    pub fn spread(&self) -> (f64, f64) {
        let lo = self.ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = self
            .ratios
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    }
}

/// Runs `a` and `b` alternately `rounds` times (swapping which goes first
/// each round) and keeps each round's ratio `a / b` as well as both
/// sides' medians: the median ratio is the figure to report, the spread
/// says how steady the machine was.
pub fn alternate(
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> Rounds {
    let mut ta = Vec::with_capacity(rounds);
    let mut tb = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (x, y) = if round.is_multiple_of(2) {
            let x = a();
            (x, b())
        } else {
            let y = b();
            (a(), y)
        };
        ratios.push(ratio(x, y));
        ta.push(x);
        tb.push(y);
    }
    Rounds {
        a: median(&ta),
        b: median(&tb),
        ratios,
    }
}

/// The machine's load average over the last minute (`/proc/loadavg`).
pub fn load() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `value / floor` as a float (infinite for a zero floor).
pub fn ratio(value: Duration, floor: Duration) -> f64 {
    value.as_secs_f64() / floor.as_secs_f64()
}

/// `"ok"` when `met`, else `"MISSED"`.
pub fn verdict(met: bool) -> &'static str {
    if met {
        "ok"
    } else {
        "MISSED"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_interleaving() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(&[ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&[]), Duration::ZERO);
        let mut calls = (0, 0);
        let (a, b) = interleaved(
            3,
            || {
                calls.0 += 1;
                ms(1)
            },
            || ms(2),
        );
        assert_eq!((a, b, calls.0), (ms(1), ms(2), 3));
        assert!((ratio(ms(3), ms(2)) - 1.5).abs() < 1e-9);
        assert_eq!(verdict(false), "MISSED");
        let mut n = 0;
        let r = alternate(
            3,
            || {
                n += 1;
                ms(2 * n)
            },
            || ms(2),
        );
        assert_eq!(r.ratios, vec![1.0, 2.0, 3.0]);
        assert_eq!(
            (r.a, r.b, r.ratio(), r.spread()),
            (ms(4), ms(2), 2.0, (1.0, 3.0))
        );
    }
}
