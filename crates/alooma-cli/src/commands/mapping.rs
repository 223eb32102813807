//! `alooma mapping …`: read and store mappings, the default mapping mode,
//! and offline edits and diffs of mapping files (no network).

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::mapping::{diff, Batch, FieldPath};
use alooma::types::{ColumnType, EventType, Field, MappingMode};
use clap::{ArgMatches, Args, Subcommand};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Mapping commands.
#[derive(Debug, Subcommand)]
pub enum MappingCmd {
    /// An event type's mapping, ready to edit (stats removed).
    Get {
        /// The event type's name.
        name: String,
    },
    /// Store a mapping file as an event type's mapping.
    Set {
        /// The event type's name.
        name: String,
        /// The mapping (JSON, as `mapping get` prints it; `-` for standard input).
        file: PathBuf,
    },
    /// Show the default mapping mode, or set it (AUTO_MAP, STRICT, FLEXIBLE).
    Mode {
        /// The new mode; without it, the current one is shown.
        mode: Option<String>,
    },
    /// Edit a mapping file offline: discard, unmap and map fields by path.
    Edit(EditArgs),
    /// Compare two mapping files field by field.
    Diff {
        /// The mapping before.
        old: PathBuf,
        /// The mapping after.
        new: PathBuf,
        /// Exit with 1 when the mappings differ.
        #[arg(long)]
        exit_code: bool,
    },
}

/// Arguments of `alooma mapping edit`.
///
/// Field paths join field names with `.` (`customer.address.city`); a dot
/// inside a name is written `\.`. Edits apply in command-line order, all or
/// nothing.
#[derive(Debug, Args)]
pub struct EditArgs {
    /// The mapping file (JSON, as `mapping get` prints it).
    pub file: PathBuf,
    /// Discard the field at PATH (its events' values are not loaded).
    #[arg(long, value_name = "PATH")]
    pub discard: Vec<String>,
    /// Remove the field at PATH from the mapping.
    #[arg(long, value_name = "PATH")]
    pub unmap: Vec<String>,
    /// Map PATH to COLUMN of TYPE: `a.b:col:VARCHAR(256)`, `n:num:NUMERIC(12,2)`,
    /// `id:id:INT NOT NULL`.
    #[arg(long, value_name = "PATH:COLUMN:TYPE")]
    pub map: Vec<String>,
    /// Rewrite FILE (through a temporary file and a rename, so a failure
    /// never damages it) instead of printing the result.
    #[arg(long)]
    pub in_place: bool,
}

/// Runs a mapping command. `matches` are the `mapping edit` matches, used
/// to apply edits in command-line order.
pub async fn run(cmd: MappingCmd, ctx: &Ctx, matches: Option<&ArgMatches>) -> Result<(), CliError> {
    match cmd {
        MappingCmd::Get { name } => {
            let mapping = ctx.client()?.get_mapping(&name).await?;
            match ctx.out.format() {
                crate::output::Format::Json => ctx.out.value(&mapping),
                crate::output::Format::Table => ctx.out.columns(
                    &field_rows(&mapping),
                    &["path", "column", "type", "discarded"],
                ),
            }
        }
        MappingCmd::Set { name, file } => {
            let mapping = read_mapping(&file)?;
            ctx.client()?.set_mapping(&mapping, &name).await?;
            ctx.out.done(&format!("stored the mapping of {name}"))
        }
        MappingCmd::Mode { mode: None } => {
            let mode = ctx.client()?.get_mapping_mode().await?;
            ctx.out.value(&json!({ "mappingMode": mode }))
        }
        MappingCmd::Mode { mode: Some(mode) } => {
            let mode = parse_mode(&mode)?;
            ctx.client()?.set_mapping_mode(mode.clone()).await?;
            ctx.out
                .done(&format!("the default mapping mode is now {mode}"))
        }
        MappingCmd::Edit(args) => edit(&args, matches),
        MappingCmd::Diff {
            old,
            new,
            exit_code,
        } => {
            let before = read_mapping(&old)?;
            let after = read_mapping(&new)?;
            let changes = diff(&before, &after);
            match ctx.out.format() {
                crate::output::Format::Json => {
                    let lines: Vec<String> =
                        changes.to_string().lines().map(str::to_owned).collect();
                    ctx.out
                        .value(&json!({ "count": changes.len(), "changes": lines }))?;
                }
                crate::output::Format::Table if changes.is_empty() => {
                    crate::output::write_line("no differences")?;
                }
                crate::output::Format::Table => {
                    crate::output::write_line(changes.to_string().trim_end_matches('\n'))?;
                }
            }
            if exit_code && !changes.is_empty() {
                return Err(CliError::failed(format!(
                    "the mappings differ ({} change(s))",
                    changes.len()
                )));
            }
            Ok(())
        }
    }
}

/// A mapping mode from the command line; unknown modes are refused.
fn parse_mode(text: &str) -> Result<MappingMode, CliError> {
    let mode: MappingMode = text.to_ascii_uppercase().as_str().into();
    if mode.is_known() {
        Ok(mode)
    } else {
        let known: Vec<&str> = MappingMode::KNOWN.iter().map(MappingMode::as_str).collect();
        Err(CliError::usage(format!(
            "unknown mapping mode {text:?}; use one of {}",
            known.join(", ")
        )))
    }
}

/// Reads a mapping file, without its `stats`.
pub fn read_mapping(path: &Path) -> Result<EventType, CliError> {
    let text = super::read_text(path)?;
    alooma::mapping::decode::from_str_without_stats(&text).map_err(|e| {
        CliError::failed(format!(
            "{} is not a mapping (an event type as `alooma mapping get` prints it): {e}",
            path.display()
        ))
    })
}

/// One row per field, for the table form of `mapping get`.
pub fn field_rows(mapping: &EventType) -> Vec<Value> {
    fn walk(fields: &[Field], prefix: Option<&FieldPath>, rows: &mut Vec<Value>) {
        for field in fields {
            let path = match prefix {
                Some(p) => p.child(field.field_name.clone()),
                None => FieldPath::from_segments([field.field_name.clone()]),
            };
            let Ok(path) = path else { continue };
            let m = field.mapping.as_ref();
            rows.push(json!({
                "path": path.to_string(),
                "column": m.and_then(|m| m.column_name.clone()).unwrap_or_default(),
                "type": m.and_then(|m| m.column_type()).map(show_type).unwrap_or_default(),
                "discarded": m.is_some_and(|m| m.discarded()),
            }));
            walk(field.children(), Some(&path), rows);
        }
    }
    let mut rows = Vec::new();
    walk(mapping.fields(), None, &mut rows);
    rows
}

/// `VARCHAR(256) NOT NULL`.
fn show_type(t: &ColumnType) -> String {
    let mut s = t.type_name.clone();
    if let Some(len) = t.length {
        s.push_str(&format!("({len})"));
    } else if let Some(p) = t.extra.get("precision") {
        match t.extra.get("scale") {
            Some(scale) => s.push_str(&format!("({p},{scale})")),
            None => s.push_str(&format!("({p})")),
        }
    }
    if t.non_null {
        s.push_str(" NOT NULL");
    }
    s
}

/// Parses a column type: `INT`, `VARCHAR(256)`, `NUMERIC(12,2)`, with an
/// optional ` NOT NULL`.
pub fn parse_column_type(text: &str) -> Result<ColumnType, String> {
    let mut t = text.trim();
    let mut non_null = false;
    let upper = t.to_ascii_uppercase();
    if let Some(stripped) = upper.strip_suffix("NOT NULL") {
        non_null = true;
        t = t[..stripped.len()].trim_end();
    }
    let (name, args) = match t.find('(') {
        Some(open) => {
            let Some(inner) = t[open + 1..].strip_suffix(')') else {
                return Err(format!("{text:?}: a type's attributes end with `)`"));
            };
            (t[..open].trim(), Some(inner))
        }
        None => (t, None),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ')
    {
        return Err(format!(
            "{text:?}: not a column type (e.g. VARCHAR(256), INT, NUMERIC(12,2))"
        ));
    }
    let mut column = ColumnType::new(name.to_ascii_uppercase()).with_non_null(non_null);
    if let Some(args) = args {
        let numbers: Result<Vec<u64>, _> =
            args.split(',').map(|a| a.trim().parse::<u64>()).collect();
        let numbers =
            numbers.map_err(|_| format!("{text:?}: type attributes are whole numbers"))?;
        let char_type = [
            "VARCHAR",
            "CHAR",
            "CHARACTER",
            "CHARACTER VARYING",
            "NVARCHAR",
            "NCHAR",
            "TEXT",
            "STRING",
        ]
        .contains(&column.type_name.as_str());
        column = match numbers.as_slice() {
            [len] if char_type => column.with_length(*len),
            [p] => column.with_attribute("precision", json!(p)),
            [p, s] if !char_type => column
                .with_attribute("precision", json!(p))
                .with_attribute("scale", json!(s)),
            _ => return Err(format!("{text:?}: too many type attributes")),
        };
    }
    Ok(column)
}

/// Parses `PATH:COLUMN:TYPE`.
fn parse_map(spec: &str) -> Result<(FieldPath, String, ColumnType), CliError> {
    let mut parts = spec.rsplitn(3, ':');
    let (Some(ty), Some(column), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(CliError::usage(format!(
            "--map {spec:?}: expected PATH:COLUMN:TYPE, e.g. customer.email:email:VARCHAR(256)"
        )));
    };
    if column.is_empty() {
        return Err(CliError::usage(format!(
            "--map {spec:?}: the column name is empty"
        )));
    }
    let ty = parse_column_type(ty).map_err(|e| CliError::usage(format!("--map: {e}")))?;
    Ok((parse_path("--map", path)?, column.to_owned(), ty))
}

fn parse_path(flag: &str, text: &str) -> Result<FieldPath, CliError> {
    FieldPath::parse(text).map_err(|e| CliError::usage(format!("{flag} {text:?}: {e}")))
}

/// The edits in command-line order (by their positions in `matches`; in
/// the order discard, unmap, map when positions are unknown).
pub fn batch(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<Batch, CliError> {
    enum Pending<'a> {
        Discard(&'a str),
        Unmap(&'a str),
        Map(&'a str),
    }
    let positions = |id: &str, count: usize| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .filter(|v: &Vec<usize>| v.len() == count)
            .unwrap_or_else(|| (0..count).collect())
    };
    let mut pending: Vec<(usize, usize, Pending<'_>)> = Vec::new();
    for (pos, text) in positions("discard", args.discard.len())
        .into_iter()
        .zip(&args.discard)
    {
        pending.push((pos, 0, Pending::Discard(text)));
    }
    for (pos, text) in positions("unmap", args.unmap.len())
        .into_iter()
        .zip(&args.unmap)
    {
        pending.push((pos, 1, Pending::Unmap(text)));
    }
    for (pos, text) in positions("map", args.map.len()).into_iter().zip(&args.map) {
        pending.push((pos, 2, Pending::Map(text)));
    }
    if matches.is_some() {
        pending.sort_by_key(|(pos, _, _)| *pos);
    } else {
        pending.sort_by_key(|(pos, kind, _)| (*kind, *pos));
    }
    let mut batch = Batch::new();
    for (_, _, edit) in pending {
        match edit {
            Pending::Discard(p) => batch.discard(parse_path("--discard", p)?),
            Pending::Unmap(p) => batch.unmap(parse_path("--unmap", p)?),
            Pending::Map(spec) => {
                let (path, column, ty) = parse_map(spec)?;
                batch.map(path, column, ty)
            }
        };
    }
    Ok(batch)
}

/// `mapping edit`: applies the batch and prints the result or rewrites the
/// file atomically.
fn edit(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<(), CliError> {
    let batch = batch(args, matches)?;
    if batch.is_empty() {
        return Err(CliError::usage(
            "no edits: give at least one --discard, --unmap or --map",
        ));
    }
    let text = super::read_text(&args.file)?;
    let mut mapping = alooma::mapping::decode::from_str(&text).map_err(|e| {
        CliError::failed(format!(
            "{} is not a mapping (an event type as `alooma mapping get` prints it): {e}",
            args.file.display()
        ))
    })?;
    let before = mapping.clone();
    batch.apply(&mut mapping).map_err(|e| {
        CliError::failed(format!(
            "no edit was applied: {e} (check the field paths against `alooma mapping get`)"
        ))
    })?;
    let mut json = serde_json::to_string_pretty(&mapping)
        .map_err(|e| CliError::failed(format!("could not write the mapping: {e}")))?;
    json.push('\n');
    if args.in_place {
        if args.file == Path::new("-") {
            return Err(CliError::usage(
                "--in-place needs a file, not standard input",
            ));
        }
        write_atomically(&args.file, json.as_bytes())?;
        let changes = diff(&before, &mapping);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "edited {} ({} change(s))",
            args.file.display(),
            changes.len()
        );
        let _ = write!(err, "{changes}");
        Ok(())
    } else {
        crate::output::write_line(json.trim_end_matches('\n'))
    }
}

/// Writes `bytes` to a temporary file next to `path`, then renames it over
/// `path`: readers see the old or the new content, never a mix, and a
/// failure leaves `path` untouched.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |e: std::io::Error| {
        CliError::failed(format!(
            "could not rewrite {} (it is unchanged): {e}",
            path.display()
        ))
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(fail)?;
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_parse() {
        let t = parse_column_type("varchar(256)").unwrap();
        assert_eq!(
            (t.type_name.as_str(), t.length, t.non_null),
            ("VARCHAR", Some(256), false)
        );
        let t = parse_column_type("NUMERIC(12,2) NOT NULL").unwrap();
        assert_eq!(t.extra.get("precision"), Some(&json!(12)));
        assert_eq!(t.extra.get("scale"), Some(&json!(2)));
        assert!(t.non_null);
        assert_eq!(show_type(&t), "NUMERIC(12,2) NOT NULL");
        assert!(parse_column_type("VARCHAR(x)").is_err());
        assert!(parse_column_type("VARCHAR(1").is_err());
        assert!(parse_column_type("").is_err());
    }

    #[test]
    fn map_specs_split_from_the_right() {
        let (path, column, ty) = parse_map(r"a.b\.c:col:INT").unwrap();
        assert_eq!(path.segments(), ["a", "b.c"]);
        assert_eq!(column, "col");
        assert_eq!(ty.type_name, "INT");
        assert!(parse_map("a.b:INT").is_err());
        assert!(parse_map("a::INT").is_err());
    }

    #[test]
    fn modes_are_checked() {
        assert_eq!(parse_mode("strict").unwrap(), MappingMode::Strict);
        assert_eq!(parse_mode("nope").unwrap_err().code(), crate::exit::USAGE);
    }
}
