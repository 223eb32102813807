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
    }
}
