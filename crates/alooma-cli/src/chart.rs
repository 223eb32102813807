//! Metric series as terminal charts (`alooma metrics show`, `watch`):
//! a line chart per series (textplots, braille dots) with the time axis,
//! min / max / last, and gaps where datapoints are null.

use std::future::Future;
use std::io::Write;

use alooma::types::MetricSeries;
use serde_json::{json, Value};
use textplots::{Chart, Plot, Shape};

/// The chart's size in braille dots (2 × 4 per character cell).
#[derive(Debug, Clone, Copy)]
pub struct Size {
    /// Width in dots (at least 32).
    pub width: u32,
    /// Height in dots (at least 8).
    pub height: u32,
}

impl Size {
    /// A size that fits a terminal of `columns` characters.
    pub fn for_columns(columns: u16) -> Self {
        let usable = u32::from(columns).saturating_sub(14).max(16);
        Size {
            width: (usable * 2).clamp(32, 400),
            height: 40,
        }
    }
}

/// `HH:MM` (UTC) of an epoch time.
fn clock(epoch: i64) -> String {
    jiff::Timestamp::from_second(epoch)
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_else(|_| epoch.to_string())
}

/// A number as a chart shows it: short, no needless decimals.
fn short(v: f64) -> String {
    if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// One series as text: a title line (name, min, max, last, points, gaps),
/// the chart, and its time axis (UTC).
pub fn render(series: &MetricSeries, size: Size) -> String {
    let name = series.target.as_str();
    let points: Vec<(i64, Option<f64>)> = series
        .points()
        .iter()
        .map(|d| {
            (
                d.epoch().unwrap_or(0),
                d.value.as_ref().and_then(|n| n.as_f64()),
            )
        })
        .collect();
    let values: Vec<f64> = points.iter().filter_map(|(_, v)| *v).collect();
    let (Some(first), Some(last_t)) = (points.first().map(|p| p.0), points.last().map(|p| p.0))
    else {
        return format!("{name}: no datapoints in the window\n");
    };
    if values.is_empty() {
        return format!(
            "{name}: every datapoint from {} to {} UTC is null\n",
            clock(first),
            clock(last_t)
        );
    }
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let last = values.last().copied().unwrap_or_default();
    let gaps = points.iter().filter(|(_, v)| v.is_none()).count();
    // x: minutes before the last point (…, -10, -5, 0).
    let x = |t: i64| ((t - last_t) as f64 / 60.0) as f32;
    // Runs of non-null points, drawn apart so that a null is a gap.
    let mut runs: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
    for (t, v) in &points {
        match v {
            Some(v) => runs.last_mut().map_or((), |r| r.push((x(*t), *v as f32))),
            None => {
                if runs.last().is_some_and(|r| !r.is_empty()) {
                    runs.push(Vec::new());
                }
            }
        }
    }
    runs.retain(|r| !r.is_empty());
    let shapes: Vec<Shape<'_>> = runs
        .iter()
        .map(|r| {
            if r.len() == 1 {
                Shape::Points(r)
            } else {
                Shape::Lines(r)
            }
        })
        .collect();
    let (ymin, ymax) = if (max - min).abs() < f64::EPSILON {
        (min - 1.0, max + 1.0)
    } else {
        (min, max)
    };
    let xmin = x(first).min(-1.0);
    let mut chart = Chart::new_with_y_range(
        size.width.max(32),
        size.height.max(8),
        xmin,
        0.0,
        ymin as f32,
        ymax as f32,
    );
    let mut c: &mut Chart<'_> = &mut chart;
    for shape in &shapes {
        c = c.lineplot(shape);
    }
    c.axis();
    c.figures();
    let body = c.to_string();
    format!(
        "{name}  min {}  max {}  last {}  ({} points, {gaps} null)\n{body}minutes before {} UTC (from {} UTC)\n",
        short(min),
        short(max),
        short(last),
        points.len(),
        clock(last_t),
        clock(first),
    )
}

/// The series as JSON, for a pipe or `-o json`: per series its points,
/// min, max and last.
pub fn as_json(series: &[MetricSeries]) -> Value {
    Value::Array(
        series
            .iter()
            .map(|s| {
                let values: Vec<f64> = s.values().collect();
                json!({
                    "target": s.target.as_str(),
                    "min": values.iter().copied().reduce(f64::min),
                    "max": values.iter().copied().reduce(f64::max),
                    "last": alooma_exporter::latest(s),
                    "datapoints": s.points().iter().map(|d| json!([d.value, d.epoch()])).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// What the watch loop waits on between frames.
pub trait Ticker {
    /// Waits for the next frame; `false` ends the loop (Ctrl-C).
    fn tick(&mut self) -> impl Future<Output = bool>;
}

/// Every `interval`, until Ctrl-C.
pub struct Interval {
    every: tokio::time::Interval,
    interrupted: tokio::sync::watch::Receiver<bool>,
}

impl Interval {
    /// Ticks every `every`. The Ctrl-C listener is armed at once and stays
    /// armed, so a Ctrl-C that comes while a frame is being drawn is not
    /// lost (a listener made per tick would miss it).
    pub fn new(every: tokio::time::Interval) -> Self {
        let (tx, interrupted) = tokio::sync::watch::channel(false);
        // Armed here, before the first frame is drawn.
        let stop = crate::emulator_cmd::shutdown_signal();
        tokio::spawn(async move {
            stop.await;
            let _ = tx.send(true);
        });
        Interval { every, interrupted }
    }
}

impl Ticker for Interval {
    async fn tick(&mut self) -> bool {
        if *self.interrupted.borrow() {
            return false;
        }
        tokio::select! {
            _ = self.every.tick() => !*self.interrupted.borrow(),
            _ = self.interrupted.changed() => false,
        }
    }
}

/// How frames are shown: redrawn in place on a terminal (the cursor
/// hidden, and shown again however the loop ends), or one JSON document
/// per line.
pub enum Screen<W: Write> {
    /// A terminal: clear and redraw.
    Terminal(W),
    /// A pipe: JSON lines.
    Lines(W),
}

/// Restores the terminal when dropped (a Ctrl-C, an error, the end).
struct Restore<'a, W: Write>(&'a mut W);

impl<W: Write> Drop for Restore<'_, W> {
    fn drop(&mut self) {
        // Show the cursor again.
        let _ = self.0.write_all(b"\x1b[?25h");
        let _ = self.0.flush();
    }
}

/// Fetches and draws a frame per tick until the ticker stops; a failed
/// fetch is shown in the frame and the loop goes on. Returns the number
/// of frames drawn.
pub async fn watch<W, T, F, Fut>(
    screen: Screen<W>,
    mut ticker: T,
    mut fetch: F,
    size: Size,
) -> usize
where
    W: Write,
    T: Ticker,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Vec<MetricSeries>, alooma::Error>>,
{
    let mut frames = 0;
    match screen {
        Screen::Terminal(mut out) => {
            let guard = Restore(&mut out);
            let _ = guard.0.write_all(b"\x1b[?25l");
            while ticker.tick().await {
                let frame = match fetch().await {
                    Ok(series) => series
                        .iter()
                        .map(|s| render(s, size))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    Err(e) => format!("the metrics could not be read: {e}\n"),
                };
                // Home, clear, draw.
                let _ = write!(guard.0, "\x1b[H\x1b[2J{frame}");
                let _ = guard.0.flush();
                frames += 1;
            }
        }
        Screen::Lines(mut out) => {
            while ticker.tick().await {
                let line = match fetch().await {
                    Ok(series) => as_json(&series),
                    Err(e) => json!({"error": e.to_string()}),
                };
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
                frames += 1;
            }
        }
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> MetricSeries {
        serde_json::from_value(json!({
            "target": "LATENCY_MAX",
            "datapoints": [[1200, 1700000000], [1500.5, 1700000300], [null, 1700000600],
                           [900, 1700000900], [2100, 1700001200], [1800, 1700001500],
                           [null, 1700001800], [2500, 1700002100]]
        }))
        .unwrap()
    }

    #[test]
    fn a_fixed_series_renders_with_its_axis_extremes_and_gaps() {
        let text = render(
            &series(),
            Size {
                width: 64,
                height: 16,
            },
        );
        insta::assert_snapshot!(text);
        assert!(text.starts_with("LATENCY_MAX  min 900  max 2500  last 2500  (8 points, 2 null)"));
    }

    #[test]
    fn empty_and_all_null_series_say_so() {
        let none: MetricSeries =
            serde_json::from_value(json!({"target": "INCOMING_EVENTS", "datapoints": []})).unwrap();
        assert!(render(
            &none,
            Size {
                width: 64,
                height: 16
            }
        )
        .contains("no datapoints"));
        let nulls: MetricSeries = serde_json::from_value(
            json!({"target": "INCOMING_EVENTS", "datapoints": [[null, 1700000000]]}),
        )
        .unwrap();
        assert!(render(
            &nulls,
            Size {
                width: 64,
                height: 16
            }
        )
        .contains("is null"));
    }

    /// A ticker of a test: `n` frames at once, then the end.
    struct Frames(usize);

    impl Ticker for Frames {
        async fn tick(&mut self) -> bool {
            if self.0 == 0 {
                return false;
            }
            self.0 -= 1;
            true
        }
    }

    #[tokio::test]
    async fn the_watch_loop_redraws_each_tick_and_restores_the_cursor() {
        let mut out = Vec::new();
        let mut fetched = 0;
        let frames = watch(
            Screen::Terminal(&mut out),
            Frames(3),
            || {
                fetched += 1;
                let s = series();
                async move { Ok(vec![s]) }
            },
            Size {
                width: 64,
                height: 16,
            },
        )
        .await;
        assert_eq!((frames, fetched), (3, 3));
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("\x1b[?25l"), "the cursor is hidden");
        assert_eq!(
            text.matches("\x1b[H\x1b[2J").count(),
            3,
            "one redraw per tick"
        );
        assert!(text.ends_with("\x1b[?25h"), "and shown again at the end");
        let mut lines = Vec::new();
        let n = watch(
            Screen::Lines(&mut lines),
            Frames(2),
            || async {
                Err(alooma::Error::Config {
                    reason: "offline".into(),
                })
            },
            Size {
                width: 64,
                height: 16,
            },
        )
        .await;
        assert_eq!(n, 2);
        let text = String::from_utf8(lines).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(
            text.contains("offline"),
            "a failed fetch is shown and the loop goes on"
        );
    }
}
