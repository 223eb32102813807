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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON, one document per command (for scripts).
    Json,
    /// YAML, one document per command.
    Yaml,
    /// Aligned tables (for people).
    Table,
    /// Tab-separated values with a header row (for cut, awk, spreadsheets).
    Tsv,
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
    query: Option<String>,
    wide: bool,
}

impl Output {
    /// An output in `format`; progress bars show only when standard error
    /// is a terminal.
    pub fn new(format: Format) -> Self {
        Output {
            format,
            progress: std::io::stderr().is_terminal(),
            show_secrets: false,
            query: None,
            wide: false,
        }
    }

    /// The same output filtered by a JMESPath expression (`--query`),
    /// refused here, before anything is sent, when it does not parse.
    pub fn with_query(mut self, query: Option<String>) -> Result<Self, CliError> {
        if let Some(q) = &query {
            jmespath::compile(q).map_err(|e| {
                CliError::usage(format!(
                    "--query is not a JMESPath expression: {e}; no request was sent"
                ))
            })?;
        }
        self.query = query;
        Ok(self)
    }

    /// The same output with long table cells kept whole (`--wide`).
    pub fn wide(mut self, wide: bool) -> Self {
        self.wide = wide;
        self
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
        let columns = if let Some(q) = &self.query {
            json = query(q, &json)?;
            &[][..]
        } else {
            columns
        };
        let text = match self.format {
            Format::Json => serde_json::to_string_pretty(&json)
                .map_err(|e| CliError::failed(format!("could not render the result: {e}")))?,
            Format::Yaml => serde_yaml_ng::to_string(&json)
                .map_err(|e| CliError::failed(format!("could not render the result: {e}")))?
                .trim_end()
                .to_owned(),
            Format::Table => render_table(&json, columns, self.wide),
            Format::Tsv => render_tsv(&json, columns),
        };
        write_line(&text)
    }

    /// Prints text as is in table form, or as a JSON string.
    pub fn text(&self, text: &str) -> Result<(), CliError> {
        match self.format {
            Format::Json | Format::Yaml => self.value(text),
            Format::Table | Format::Tsv => write_line(text.trim_end_matches('\n')),
        }
    }

    /// Reports that an action succeeded: a sentence for people, or
    /// `{"status": "ok", "message": …}`.
    pub fn done(&self, message: &str) -> Result<(), CliError> {
        match self.format {
            Format::Json | Format::Yaml => {
                self.value(&serde_json::json!({"status": "ok", "message": message}))
            }
            Format::Table | Format::Tsv => write_line(message),
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

    /// A bar of bytes on standard error (hidden when it is not a
    /// terminal): how much of `len` bytes is done, the rate and the time
    /// left; its length may be set later.
    pub fn bytes_bar(&self, len: u64, message: impl Into<String>) -> ProgressBar {
        let bar = ProgressBar::with_draw_target(Some(len), self.draw_target());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
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

/// Streams `content` to standard output (buffered), a closed pipe being
/// no error.
pub fn write_with(
    content: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    content(&mut out).and_then(|()| out.flush()).or_else(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(CliError::from(e))
        }
    })
}

/// Writes `text` and a newline to standard output.
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

/// The result of a JMESPath expression over `value`.
pub fn query(expression: &str, value: &Value) -> Result<Value, CliError> {
    let expr = jmespath::compile(expression)
        .map_err(|e| CliError::usage(format!("--query is not a JMESPath expression: {e}")))?;
    let result = expr
        .search(value)
        .map_err(|e| CliError::usage(format!("--query failed: {e}")))?;
    serde_json::to_value(&*result)
        .map_err(|e| CliError::failed(format!("could not render the query's result: {e}")))
}

/// A cell's text: strings as is, `null` empty, anything nested as compact
/// JSON; cut at [`MAX_CELL`] characters unless `wide`.
fn cell(value: &Value, wide: bool) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // One line per row: a line break inside a value is shown as `\n`.
    let text = text.replace('\n', "\\n").replace('\t', " ");
    if !wide && text.chars().count() > MAX_CELL {
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
        // Never wrap: an id or a name is never broken across lines.
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    table
}

/// Renders a list of objects as rows (columns in order of first
/// appearance, or `columns` when given).
/// The columns of a list of objects: `columns` when given, else every key
/// in order of first appearance.
fn header_of(rows: &[&Map<String, Value>], columns: &[&str]) -> Vec<String> {
    if !columns.is_empty() {
        return columns.iter().map(|c| (*c).to_owned()).collect();
    }
    let mut header: Vec<String> = Vec::new();
    for row in rows {
        for k in row.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    header
}

fn rows_table(
    rows: &[&Map<String, Value>],
    columns: &[&str],
    key: Option<&[String]>,
    wide: bool,
) -> Table {
    let header = header_of(rows, columns);
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
                .map(|h| row.get(h).map(|v| cell(v, wide)).unwrap_or_default()),
        );
        table.add_row(cells);
    }
    table
}

/// Renders any JSON value as text for people.
pub fn render_table(value: &Value, columns: &[&str], wide: bool) -> String {
    match value {
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) => {
            let objects: Vec<&Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            if objects.len() == items.len() {
                rows_table(&objects, columns, None, wide).to_string()
            } else {
                let mut table = new_table(vec!["value".to_owned()]);
                for item in items {
                    table.add_row(vec![cell(item, wide)]);
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
                rows_table(&objects, columns, Some(&keys), wide).to_string()
            } else {
                let mut table = new_table(vec!["field".to_owned(), "value".to_owned()]);
                for (k, v) in map {
                    table.add_row(vec![k.clone(), cell(v, wide)]);
                }
                table.to_string()
            }
        }
        Value::Null => "(none)".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A TSV field: strings as is, `null` empty, nested values as compact
/// JSON; tab, newline, carriage return and backslash escaped (`\t`, `\n`,
/// `\r`, `\\`), never cut.
fn tsv_field(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// Renders a JSON value as tab-separated values: a list of objects (or an
/// object of objects, keyed) as a header row and one row each; any other
/// object as `field\tvalue` rows; a list of scalars one per line.
pub fn render_tsv(value: &Value, columns: &[&str]) -> String {
    let rows = |objects: &[&Map<String, Value>], keys: Option<&[String]>| {
        let header = header_of(objects, columns);
        let mut lines = Vec::with_capacity(objects.len() + 1);
        let mut head: Vec<String> = keys.map(|_| "key".to_owned()).into_iter().collect();
        head.extend(header.iter().map(|h| tsv_field(&Value::String(h.clone()))));
        lines.push(head.join("\t"));
        for (i, row) in objects.iter().enumerate() {
            let mut cells: Vec<String> = keys
                .map(|k| tsv_field(&Value::String(k.get(i).cloned().unwrap_or_default())))
                .into_iter()
                .collect();
            cells.extend(
                header
                    .iter()
                    .map(|h| row.get(h).map(tsv_field).unwrap_or_default()),
            );
            lines.push(cells.join("\t"));
        }
        lines.join("\n")
    };
    match value {
        Value::Array(items) => {
            let objects: Vec<&Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            if !items.is_empty() && objects.len() == items.len() {
                rows(&objects, None)
            } else {
                items.iter().map(tsv_field).collect::<Vec<_>>().join("\n")
            }
        }
        Value::Object(map) => {
            let objects: Vec<&Map<String, Value>> =
                map.values().filter_map(Value::as_object).collect();
            if !map.is_empty() && objects.len() == map.len() {
                let keys: Vec<String> = map.keys().cloned().collect();
                rows(&objects, Some(&keys))
            } else {
                let mut lines = vec!["field\tvalue".to_owned()];
                lines.extend(map.iter().map(|(k, v)| {
                    format!("{}\t{}", tsv_field(&Value::String(k.clone())), tsv_field(v))
                }));
                lines.join("\n")
            }
        }
        other => tsv_field(other),
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
            false,
        );
        for word in ["id", "name", "extra", "a", "{\"x\":1}"] {
            assert!(text.contains(word), "{word} missing from\n{text}");
        }
        let keyed = render_table(
            &json!({"i1": {"name": "a"}, "i2": {"name": "b"}}),
            &[],
            false,
        );
        assert!(keyed.contains("key") && keyed.contains("i2"));
        let pairs = render_table(&json!({"count": 3, "mode": "STRICT"}), &[], false);
        assert!(pairs.contains("field") && pairs.contains("STRICT"));
        assert_eq!(render_table(&json!([]), &[], false), "(none)");
        let only = render_table(&json!([{"id": "1", "name": "a"}]), &["name"], false);
        assert!(!only.contains(" id "));
    }

    #[test]
    fn long_cells_are_cut() {
        let long = "x".repeat(200);
        assert_eq!(
            cell(&Value::String(long.clone()), false).chars().count(),
            MAX_CELL
        );
        assert_eq!(cell(&Value::String(long), true).chars().count(), 200);
        assert_eq!(cell(&json!("a\nb"), false), "a\\nb");
    }

    #[test]
    fn tsv_rows_escape_and_never_cut() {
        let v = json!([{"id": "1", "name": "a\tb"}, {"id": "2", "note": "x\ny", "long": "z".repeat(100)}]);
        let text = render_tsv(&v, &[]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "id\tname\tnote\tlong");
        assert_eq!(lines[1], "1\ta\\tb\t\t");
        assert_eq!(lines[2], format!("2\t\tx\\ny\t{}", "z".repeat(100)));
        assert_eq!(
            render_tsv(&json!({"mode": "STRICT"}), &[]),
            "field\tvalue\nmode\tSTRICT"
        );
        assert_eq!(render_tsv(&json!(["a", "b"]), &[]), "a\nb");
    }

    #[test]
    fn queries_are_jmespath() {
        let v = json!([{"name": "a", "n": 1}, {"name": "b", "n": 2}]);
        assert_eq!(query("[?n > `1`].name", &v).unwrap(), json!(["b"]));
        assert!(query("[?", &v).is_err());
    }
}
