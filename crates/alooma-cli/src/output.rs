//! Printing results: JSON for scripts, aligned tables for people, and
//! progress bars that only show on a terminal.
//!
//! Every value is turned into JSON first; keys that hold secrets
//! (passwords, API keys, secret keys, tokens) are replaced by
//! `"<redacted>"` before anything is printed, in both formats, unless
//! `--show-secrets` asks for the real values (the redaction contract:
//! [`alooma::types::redact_value`]).

use crate::exit::CliError;
use comfy_table::{presets, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON, one document per command (for scripts).
    Json,
    /// Aligned tables (for people).
    Table,
}

impl Format {
    /// The default: tables on a terminal, JSON when standard output is
    /// piped or redirected.
    pub fn detect() -> Self {
        if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    }
}

/// The longest cell text in a table before it is cut with `…`.
const MAX_CELL: usize = 60;

/// Writes results to standard output in the chosen format.
#[derive(Debug, Clone)]
pub struct Output {
    format: Format,
    progress: bool,
    show_secrets: bool,
}

impl Output {
    /// An output in `format`; progress bars show only when standard error
    /// is a terminal.
    pub fn new(format: Format) -> Self {
        Output {
            format,
            progress: std::io::stderr().is_terminal(),
            show_secrets: false,
        }
    }

    /// The same output, printing secrets' real values (`--show-secrets`).
    pub fn showing_secrets(mut self, show: bool) -> Self {
        self.show_secrets = show;
        self
    }

    /// The chosen format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Prints any value: JSON as is, a table built from its shape.
    pub fn value<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), CliError> {
        self.columns(value, &[])
    }

    /// Prints a value; in table form, lists only `columns` (when some are
    /// given and the value is a list of objects).
    pub fn columns<T: Serialize + ?Sized>(
        &self,
        value: &T,
        columns: &[&str],
    ) -> Result<(), CliError> {
        let mut json = serde_json::to_value(value)
            .map_err(|e| CliError::failed(format!("could not render the result: {e}")))?;
        if !self.show_secrets {
            alooma::types::redact_value(&mut json);
        }
        let text = match self.format {
            Format::Json => serde_json::to_string_pretty(&json)
                .map_err(|e| CliError::failed(format!("could not render the result: {e}")))?,
            Format::Table => render_table(&json, columns),
        };
        write_line(&text)
    }

    /// Prints text as is in table form, or as a JSON string.
    pub fn text(&self, text: &str) -> Result<(), CliError> {
        match self.format {
            Format::Json => self.value(text),
            Format::Table => write_line(text.trim_end_matches('\n')),
        }
    }

    /// Reports that an action succeeded: a sentence for people, or
    /// `{"status": "ok", "message": …}`.
    pub fn done(&self, message: &str) -> Result<(), CliError> {
        match self.format {
            Format::Json => self.value(&serde_json::json!({"status": "ok", "message": message})),
            Format::Table => write_line(message),
        }
    }

    /// A spinner with `message` on standard error (hidden when it is not a
    /// terminal). Finish it with [`ProgressBar::finish_and_clear`].
    pub fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(None, self.draw_target());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A bar of `len` steps on standard error (hidden when it is not a
    /// terminal).
    pub fn bar(&self, len: u64, message: impl Into<String>) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), self.draw_target());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(message.into());
        bar
    }

    fn draw_target(&self) -> ProgressDrawTarget {
        if self.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }
}

/// Writes one line to standard output.
pub fn write_line(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .or_else(|e| {
            // A closed pipe (`alooma … | head`) is not an error of ours.
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                Ok(())
            } else {
                Err(CliError::from(e))
            }
        })
}

/// A cell's text: strings as is, `null` empty, anything nested as compact
/// JSON, cut at [`MAX_CELL`] characters.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_CELL {
        let cut: String = text.chars().take(MAX_CELL - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn new_table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// Renders a list of objects as rows (columns in order of first
/// appearance, or `columns` when given).
fn rows_table(rows: &[&Map<String, Value>], columns: &[&str], key: Option<&[String]>) -> Table {
    let mut header: Vec<String> = Vec::new();
    if columns.is_empty() {
        for row in rows {
            for k in row.keys() {
                if !header.contains(k) {
                    header.push(k.clone());
                }
            }
        }
    } else {
        header = columns.iter().map(|c| (*c).to_owned()).collect();
    }
    let mut full_header = Vec::new();
    if key.is_some() {
        full_header.push("key".to_owned());
    }
    full_header.extend(header.iter().cloned());
    let mut table = new_table(full_header);
    for (i, row) in rows.iter().enumerate() {
        let mut cells = Vec::new();
        if let Some(keys) = key {
            cells.push(keys.get(i).cloned().unwrap_or_default());
        }
        cells.extend(
            header
                .iter()
                .map(|h| row.get(h).map(cell).unwrap_or_default()),
        );
        table.add_row(cells);
    }
    table
}

/// Renders any JSON value as text for people.
pub fn render_table(value: &Value, columns: &[&str]) -> String {
    match value {
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) => {
            let objects: Vec<&Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            if objects.len() == items.len() {
                rows_table(&objects, columns, None).to_string()
            } else {
                let mut table = new_table(vec!["value".to_owned()]);
                for item in items {
                    table.add_row(vec![cell(item)]);
                }
                table.to_string()
            }
        }
        Value::Object(map) if map.is_empty() => "(none)".to_owned(),
        Value::Object(map) => {
            let objects: Vec<&Map<String, Value>> =
                map.values().filter_map(Value::as_object).collect();
            if objects.len() == map.len() {
                let keys: Vec<String> = map.keys().cloned().collect();
                rows_table(&objects, columns, Some(&keys)).to_string()
            } else {
                let mut table = new_table(vec!["field".to_owned(), "value".to_owned()]);
                for (k, v) in map {
                    table.add_row(vec![k.clone(), cell(v)]);
                }
                table.to_string()
            }
        }
        Value::Null => "(none)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut v = json!({"name": "s3", "configuration": {"awsSecretAccessKey": "SECRET",
            "awsAccessKeyId": "AKIA", "password": null, "nested": [{"api_key": "K"}]}});
        alooma::types::redact_value(&mut v);
        let text = v.to_string();
        assert!(!text.contains("SECRET"));
        assert!(!text.contains("AKIA"));
        assert!(!text.contains("\"K\""));
        assert_eq!(v["configuration"]["password"], Value::Null);
        assert_eq!(v["name"], "s3");
    }

    #[test]
    fn tables_have_headers_and_rows() {
        let text = render_table(
            &json!([{"id": "1", "name": "a"}, {"id": "2", "extra": {"x": 1}}]),
            &[],
        );
        for word in ["id", "name", "extra", "a", "{\"x\":1}"] {
            assert!(text.contains(word), "{word} missing from\n{text}");
        }
        let keyed = render_table(&json!({"i1": {"name": "a"}, "i2": {"name": "b"}}), &[]);
        assert!(keyed.contains("key") && keyed.contains("i2"));
        let pairs = render_table(&json!({"count": 3, "mode": "STRICT"}), &[]);
        assert!(pairs.contains("field") && pairs.contains("STRICT"));
        assert_eq!(render_table(&json!([]), &[]), "(none)");
        let only = render_table(&json!([{"id": "1", "name": "a"}]), &["name"]);
        assert!(!only.contains(" id "));
    }

    #[test]
    fn long_cells_are_cut() {
        let long = "x".repeat(200);
        assert_eq!(cell(&Value::String(long)).chars().count(), MAX_CELL);
    }
}
