//! The status line of a call that waits on a retry: on a terminal (or with
//! `ALOOMA_PROGRESS=always`), each retry the transport announces prints
//! `alooma: HTTP 503, retrying in 2 s (attempt 2 of 3)` on standard error,
//! whatever the log level. It listens to the retry layer's own event, so
//! it never disagrees with what the transport does.

use std::fmt::Write as _;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// The retry layer's event target and message.
const TARGET: &str = "alooma_http::retry::service";
const MESSAGE: &str = "retrying";

/// Whether the status line is shown: standard error is a terminal, or
/// `ALOOMA_PROGRESS=always` (`never` turns it off).
pub fn enabled() -> bool {
    match std::env::var("ALOOMA_PROGRESS").as_deref() {
        Ok("always") => true,
        Ok("never") => false,
        _ => std::io::IsTerminal::is_terminal(&std::io::stderr()),
    }
}

/// The tracing layer that prints the status line.
#[derive(Debug, Default)]
pub struct RetryStatus;

#[derive(Default)]
struct Fields {
    message: String,
    reason: String,
    attempt: u64,
    max_attempts: u64,
    wait_ms: u64,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "max_attempts" => self.max_attempts = value,
            "wait_ms" => self.wait_ms = value,
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or_default());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => {
                let _ = write!(self.message, "{value:?}");
            }
            "reason" => {
                let _ = write!(self.reason, "{value:?}");
            }
            _ => {}
        }
    }
}

/// The status line for one retry.
pub fn line(reason: &str, wait_ms: u64, next_attempt: u64, max_attempts: u64) -> String {
    let wait = if wait_ms >= 1000 {
        format!("{:.0} s", (wait_ms as f64 / 1000.0).round())
    } else {
        format!("{wait_ms} ms")
    };
    format!("alooma: {reason}, retrying in {wait} (attempt {next_attempt} of {max_attempts})")
}

impl<S: Subscriber> Layer<S> for RetryStatus {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if fields.message != MESSAGE {
            return;
        }
        eprintln!(
            "{}",
            line(
                &fields.reason,
                fields.wait_ms,
                fields.attempt + 1,
                fields.max_attempts
            )
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_why_how_long_and_which_attempt() {
        assert_eq!(
            line("HTTP 503", 2000, 2, 3),
            "alooma: HTTP 503, retrying in 2 s (attempt 2 of 3)"
        );
        assert_eq!(
            line("connection refused", 250, 3, 3),
            "alooma: connection refused, retrying in 250 ms (attempt 3 of 3)"
        );
    }
}
