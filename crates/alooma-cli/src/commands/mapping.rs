//! `alooma mapping …`: read and store mappings, the default mapping mode,
//! and offline edits and diffs of mapping files (no network).

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::mapping::{
    column_type_sql, diff, parse_column_type, Batch, ColumnChange, DocumentError, EditOptions,
    FieldPath, MappingEdits, Warehouse,
};
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
/// inside a name is written `\.`. The field edits (--discard, --unmap,
/// --map) apply in command-line order, then --set, then the event-type
/// edits (--table, --consolidate, --log-table, --rename), then the
/// --warehouse check: all or nothing.
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
    /// Change one attribute of a mapped column in place: `a.b:length=512`,
    /// `a.b:type=BIGINT`, `a.b:nullable=false`, `a.b:truncate=true`,
    /// `a.b:column=new_name`.
    #[arg(long = "set", value_name = "PATH:ATTRIBUTE=VALUE")]
    pub set: Vec<String>,
    /// Load the event type into SCHEMA.TABLE (and stop discarding it).
    #[arg(long, value_name = "SCHEMA.TABLE")]
    pub table: Option<String>,
    /// Consolidate into SCHEMA.TABLE, deduplicating on the comma-separated
    /// KEYS: `public.orders:id`.
    #[arg(long, value_name = "SCHEMA.TABLE:KEYS")]
    pub consolidate: Option<String>,
    /// Load into the `<table>_log` table of SCHEMA and consolidate into
    /// `<table>`, deduplicating on KEYS: `public:id,updated_at`.
    #[arg(long, value_name = "SCHEMA:KEYS", conflicts_with = "consolidate")]
    pub log_table: Option<String>,
    /// Write the mapping for another event type, NAME (the body's `name`
    /// becomes NAME; the source's read-only keys are left out).
    #[arg(long, value_name = "NAME")]
    pub rename: Option<String>,
    /// Refuse the result unless every mapped column type exists in this
    /// warehouse (redshift, snowflake, bigquery).
    #[arg(long, value_name = "WAREHOUSE")]
    pub warehouse: Option<String>,
    /// Rewrite FILE (through a temporary file beside it and a rename, so a
    /// failure never damages it; a symlink is followed, and the file keeps
    /// its mode, owner and group) instead of printing the result.
    #[arg(long)]
    pub in_place: bool,
    /// With --in-place, replace the file even when it is read-only (it
    /// stays read-only).
    #[arg(long, requires = "in_place")]
    pub force: bool,
}

/// Runs a mapping command. `matches` are the `mapping edit` matches, used
/// to apply edits in command-line order.
pub async fn run(cmd: MappingCmd, ctx: &Ctx, matches: Option<&ArgMatches>) -> Result<(), CliError> {
    match cmd {
        MappingCmd::Get { name } => {
            let mapping = ctx.client()?.get_mapping(&name).await?;
            match ctx.out.format() {
                crate::output::Format::Json | crate::output::Format::Yaml => {
                    ctx.out.value(&mapping)
                }
                crate::output::Format::Table | crate::output::Format::Tsv => ctx.out.columns(
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
                crate::output::Format::Json | crate::output::Format::Yaml => {
                    let structured: Vec<serde_json::Value> =
                        changes.changes.iter().map(change_json).collect();
                    ctx.out
                        .value(&json!({ "count": changes.len(), "changes": structured }))?;
                }
                crate::output::Format::Table | crate::output::Format::Tsv if changes.is_empty() => {
                    crate::output::write_line("no differences")?;
                }
                crate::output::Format::Table | crate::output::Format::Tsv => {
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

/// One change of `mapping diff` as data: the field's path (`null` for the
/// event type's own mapping), the kind, the mapping before and after, and
/// the line the text form prints.
fn change_json(change: &alooma::mapping::Change) -> serde_json::Value {
    use alooma::mapping::Change as C;
    let path = change.path().map(ToString::to_string);
    let (kind, before, after) = match change {
        C::EventTypeRemapped { from, to } => ("event_type_remapped", json!(from), json!(to)),
        C::Added { mapping, .. } => ("added", serde_json::Value::Null, json!(mapping)),
        C::Removed { nested, .. } => (
            "removed",
            json!({ "nested": nested }),
            serde_json::Value::Null,
        ),
        C::Remapped { from, to, .. } => ("remapped", json!(from), json!(to)),
        C::Discarded { from, .. } => ("discarded", json!(from), serde_json::Value::Null),
        C::Undiscarded { to, .. } => ("undiscarded", serde_json::Value::Null, json!(to)),
        _ => ("other", serde_json::Value::Null, serde_json::Value::Null),
    };
    json!({ "path": path, "kind": kind, "before": before, "after": after, "text": change.to_string() })
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
            let m = field.field_mapping();
            rows.push(json!({
                "path": path.to_string(),
                "column": m.and_then(|m| m.column_name.as_deref()).unwrap_or_default(),
                "type": m.and_then(|m| m.column_type()).map(column_type_sql).unwrap_or_default(),
                "discarded": m.is_some_and(|m| m.discarded()),
            }));
            walk(field.children(), Some(&path), rows);
        }
    }
    let mut rows = Vec::new();
    walk(mapping.fields(), None, &mut rows);
    rows
}

/// Parses `PATH:COLUMN:TYPE`.
fn parse_map(
    spec: &str,
    warehouse: Option<Warehouse>,
) -> Result<(FieldPath, String, ColumnType), CliError> {
    let mut parts = spec.rsplitn(3, ':');
    let (Some(ty), Some(column), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(CliError::usage(format!(
            "--map {spec:?}: expected PATH:COLUMN:TYPE, e.g. --map 'customer.email:email:VARCHAR(256)' (quoted for the shell)"
        )));
    };
    if column.is_empty() {
        return Err(CliError::usage(format!(
            "--map {spec:?}: the column name is empty"
        )));
    }
    let ty = parse_column_type(ty).map_err(|e| CliError::usage(format!("--map: {e}")))?;
    if let Some(w) = warehouse {
        w.check(&ty)
            .map_err(|e| CliError::usage(format!("--map {spec:?}: {e}")))?;
    }
    Ok((parse_path("--map", path)?, column.to_owned(), ty))
}

fn parse_path(flag: &str, text: &str) -> Result<FieldPath, CliError> {
    FieldPath::parse(text).map_err(|e| CliError::usage(format!("{flag} {text:?}: {e}")))
}

/// `--warehouse`, parsed.
fn warehouse(args: &EditArgs) -> Result<Option<Warehouse>, CliError> {
    args.warehouse
        .as_deref()
        .map(|w| w.parse().map_err(CliError::usage))
        .transpose()
}

/// Parses `--set PATH:ATTRIBUTE=VALUE` (split at the last `:` before `=`).
fn parse_set(spec: &str) -> Result<(FieldPath, ColumnChange), CliError> {
    let usage = || {
        CliError::usage(format!(
            "--set {spec:?}: expected PATH:ATTRIBUTE=VALUE, e.g. customer.email:length=512"
        ))
    };
    let eq = spec.find('=').ok_or_else(usage)?;
    let colon = spec[..eq].rfind(':').ok_or_else(usage)?;
    let change = spec[colon + 1..]
        .parse()
        .map_err(|e| CliError::usage(format!("--set: {e}")))?;
    Ok((parse_path("--set", &spec[..colon])?, change))
}

/// Parses `SCHEMA.TABLE`.
fn parse_table(text: &str) -> Result<(String, String), CliError> {
    match text.split_once('.') {
        Some((schema, table)) if !schema.is_empty() && !table.is_empty() => {
            Ok((schema.to_owned(), table.to_owned()))
        }
        _ => Err(CliError::usage(format!(
            "{text:?}: expected SCHEMA.TABLE, e.g. public.orders"
        ))),
    }
}

/// Parses `TARGET:KEY1,KEY2` (at least one key).
fn parse_with_keys(flag: &str, text: &str) -> Result<(String, Vec<String>), CliError> {
    let (target, keys) = text
        .rsplit_once(':')
        .ok_or_else(|| CliError::usage(format!("{flag} {text:?}: expected TARGET:KEY[,KEY…]")))?;
    let keys: Vec<String> = keys
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    if target.is_empty() || keys.is_empty() {
        return Err(CliError::usage(format!(
            "{flag} {text:?}: expected TARGET:KEY[,KEY…] with at least one key"
        )));
    }
    Ok((target.to_owned(), keys))
}

/// The edits in command-line order (by their positions in `matches`; in
/// the order discard, unmap, map when positions are unknown).
pub fn batch(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<Batch, CliError> {
    let warehouse = warehouse(args)?;
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
                let (path, column, ty) = parse_map(spec, warehouse)?;
                batch.map(path, column, ty)
            }
        };
    }
    Ok(batch)
}

/// The edits of one `mapping edit` run, parsed from its flags.
fn parse_edits(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<MappingEdits, CliError> {
    let mut edits = MappingEdits::default();
    edits.batch = batch(args, matches)?;
    edits.sets = args
        .set
        .iter()
        .map(|s| parse_set(s))
        .collect::<Result<Vec<_>, _>>()?;
    edits.table = args.table.as_deref().map(parse_table).transpose()?;
    edits.consolidate = match args.consolidate.as_deref() {
        Some(s) => {
            let (target, keys) = parse_with_keys("--consolidate", s)?;
            let (schema, name) = parse_table(&target)?;
            Some((schema, name, keys))
        }
        None => None,
    };
    edits.log_table = args
        .log_table
        .as_deref()
        .map(|s| parse_with_keys("--log-table", s))
        .transpose()?;
    edits.rename = args.rename.clone();
    edits.warehouse = warehouse(args)?;
    if edits.is_empty() {
        return Err(CliError::usage(
            "no edits: give at least one --discard, --unmap, --map, --set, --table, --consolidate, --log-table, --rename or --warehouse",
        ));
    }
    Ok(edits)
}

/// What a failed run of edits tells the user (nothing was applied).
fn edit_error(file: &Path, e: DocumentError) -> CliError {
    match e {
        DocumentError::NotAMapping(why) => CliError::failed(format!(
            "{} is not a mapping (an event type as `alooma mapping get` prints it): {why}",
            file.display()
        )),
        DocumentError::Batch(e) => CliError::failed(format!(
            "no edit was applied: {e} (check the field paths against `alooma mapping get`)"
        )),
        DocumentError::Io(e) => CliError::from(e),
        other => CliError::failed(format!("no edit was applied: {other}")),
    }
}

/// `mapping edit`: the edits run over the file's text
/// ([`MappingEdits::edit`]), then the result printed, or the file rewritten
/// atomically with the changes on standard error.
fn edit(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<(), CliError> {
    let edits = parse_edits(args, matches)?;
    if args.in_place && args.file == Path::new("-") {
        return Err(CliError::usage(
            "--in-place needs a file, not standard input",
        ));
    }
    let text = super::read_text(&args.file)?;
    let mut options = EditOptions::default();
    // A file is replaced only once written whole; standard output is
    // checked before a byte goes out.
    options.check_first = !args.in_place;
    options.keep_before = args.in_place;
    let edited = edits
        .edit(&text, &options)
        .map_err(|e| edit_error(&args.file, e))?;
    if !args.in_place {
        return crate::output::write_with(|out| edited.write(out).map_err(std::io::Error::other));
    }
    let changes = diff(edited.before(), edited.after());
    let mut failure = None;
    crate::in_place::write_with(&args.file, args.force, |out| {
        edited.write(out).map_err(|e| match e {
            DocumentError::Io(io) => io,
            other => {
                let io = std::io::Error::other(other.to_string());
                failure = Some(other);
                io
            }
        })
    })
    .map_err(|e| match failure.take() {
        Some(f) => edit_error(&args.file, f),
        None => e,
    })?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "edited {} ({} change(s))",
        args.file.display(),
        changes.len()
    );
    let _ = write!(err, "{changes}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_table_and_key_specs_parse() {
        let (path, change) = parse_set("a.b:length=5").unwrap();
        assert_eq!(path.segments(), ["a", "b"]);
        assert_eq!(change, ColumnChange::Length(5));
        let (path, change) = parse_set("a:b:column=x:y").unwrap();
        assert_eq!(path.segments(), ["a:b"]);
        assert_eq!(change, ColumnChange::ColumnName("x:y".into()));
        assert!(parse_set("a.b=5").is_err());
        assert_eq!(
            parse_table("public.orders").unwrap(),
            ("public".into(), "orders".into())
        );
        assert!(parse_table("orders").is_err());
        assert_eq!(
            parse_with_keys("--consolidate", "public.orders:id, ts").unwrap(),
            ("public.orders".into(), vec!["id".into(), "ts".into()])
        );
        assert!(parse_with_keys("--consolidate", "public.orders:").is_err());
    }

    #[test]
    fn map_specs_split_from_the_right() {
        let (path, column, ty) = parse_map(r"a.b\.c:col:INT", None).unwrap();
        assert_eq!(path.segments(), ["a", "b.c"]);
        assert_eq!(column, "col");
        assert_eq!(ty.sql_type(), Some("INT"));
        assert!(parse_map("a.b:INT", None).is_err());
        assert!(parse_map("a::INT", None).is_err());
        assert!(parse_map("a:a:VARCHAR2(5)", Some(Warehouse::Redshift)).is_err());
    }

    #[test]
    fn modes_are_checked() {
        assert_eq!(parse_mode("strict").unwrap(), MappingMode::Strict);
        assert_eq!(parse_mode("nope").unwrap_err().code(), crate::exit::USAGE);
    }
}
