//! `alooma mapping …`: read and store mappings, the default mapping mode,
//! and offline edits and diffs of mapping files (no network).

use crate::context::Ctx;
use crate::exit::CliError;
use alooma::mapping::{
    check_column_types, check_fields_column_types, column_type_sql, copy_mapping, diff,
    parse_column_type, set_column, set_consolidation, set_table, use_log_table, Batch,
    ColumnChange, ColumnTypeError, FieldPath, Warehouse,
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

/// `mapping edit`: applies the batch and prints the result or rewrites the
/// file atomically.
/// The edits of one `mapping edit` run, parsed.
struct Edits {
    batch: Batch,
    sets: Vec<(FieldPath, ColumnChange)>,
    table: Option<(String, String)>,
    consolidate: Option<(String, String, Vec<String>)>,
    log_table: Option<(String, Vec<String>)>,
    rename: Option<String>,
    warehouse: Option<Warehouse>,
}

impl Edits {
    fn parse(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<Self, CliError> {
        let batch = batch(args, matches)?;
        let sets = args
            .set
            .iter()
            .map(|s| parse_set(s))
            .collect::<Result<Vec<_>, _>>()?;
        let table = args.table.as_deref().map(parse_table).transpose()?;
        let consolidate = match args.consolidate.as_deref() {
            Some(s) => {
                let (target, keys) = parse_with_keys("--consolidate", s)?;
                let (schema, name) = parse_table(&target)?;
                Some((schema, name, keys))
            }
            None => None,
        };
        let log_table = args
            .log_table
            .as_deref()
            .map(|s| parse_with_keys("--log-table", s))
            .transpose()?;
        let warehouse = warehouse(args)?;
        let edits = Edits {
            batch,
            sets,
            table,
            consolidate,
            log_table,
            rename: args.rename.clone(),
            warehouse,
        };
        if edits.batch.is_empty()
            && edits.sets.is_empty()
            && edits.table.is_none()
            && edits.consolidate.is_none()
            && edits.log_table.is_none()
            && edits.rename.is_none()
            && edits.warehouse.is_none()
        {
            return Err(CliError::usage(
                "no edits: give at least one --discard, --unmap, --map, --set, --table, --consolidate, --log-table, --rename or --warehouse",
            ));
        }
        Ok(edits)
    }

    /// The top-level field names the edits' paths start with: the only
    /// top-level fields they can change.
    fn top_level_names(&self) -> std::collections::BTreeSet<&str> {
        self.batch
            .edits()
            .iter()
            .map(|e| e.path())
            .chain(self.sets.iter().map(|(path, _)| path))
            .filter_map(|path| path.segments().first().map(String::as_str))
            .collect()
    }

    /// Applies every edit to `mapping`, in the documented order.
    fn apply(&self, mapping: &mut EventType) -> Result<(), CliError> {
        self.batch.apply(mapping).map_err(|e| {
            CliError::failed(format!(
                "no edit was applied: {e} (check the field paths against `alooma mapping get`)"
            ))
        })?;
        for (path, change) in &self.sets {
            set_column(mapping, path, change)
                .map_err(|e| CliError::failed(format!("no edit was applied: --set {path}: {e}")))?;
        }
        if let Some((schema, name)) = &self.table {
            set_table(mapping, schema, name);
        }
        if let Some((schema, name, keys)) = &self.consolidate {
            set_consolidation(mapping, schema, name, keys);
        }
        if let Some((schema, keys)) = &self.log_table {
            use_log_table(mapping, schema, keys);
        }
        if let Some(name) = &self.rename {
            *mapping = copy_mapping(mapping, name);
        }
        Ok(())
    }

    /// Refuses column types the warehouse does not have, listing them.
    fn refuse_bad_types(&self, bad: &[(FieldPath, ColumnTypeError)]) -> Result<(), CliError> {
        match self.warehouse {
            Some(w) if !bad.is_empty() => {
                let lines: Vec<String> = bad.iter().map(|(p, e)| format!("  {p}: {e}")).collect();
                Err(CliError::failed(format!(
                    "no edit was applied: {} column type(s) do not exist in {w}:\n{}",
                    bad.len(),
                    lines.join("\n")
                )))
            }
            _ => Ok(()),
        }
    }
}

fn not_a_mapping(file: &Path, e: impl std::fmt::Display) -> CliError {
    CliError::failed(format!(
        "{} is not a mapping (an event type as `alooma mapping get` prints it): {e}",
        file.display()
    ))
}

/// Writes the edited mapping: to standard output, or over the file (then
/// the changes go to standard error).
fn finish_edit(
    args: &EditArgs,
    before: &EventType,
    after: &EventType,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    if args.in_place {
        crate::in_place::write_with(&args.file, args.force, write)?;
        let changes = diff(before, after);
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
        crate::output::write_with(write)
    }
}

fn edit(args: &EditArgs, matches: Option<&ArgMatches>) -> Result<(), CliError> {
    let edits = Edits::parse(args, matches)?;
    if args.in_place && args.file == Path::new("-") {
        return Err(CliError::usage(
            "--in-place needs a file, not standard input",
        ));
    }
    let text = super::read_text(&args.file)?;
    match alooma::mapping::large::Split::parse(&text) {
        Some(split) => match edit_split(args, &edits, &split) {
            // A field that does not decode: the whole document, decoded,
            // says where.
            Err(EditFailure::Decode) => match alooma::mapping::decode::from_str(&text) {
                Err(e) => Err(not_a_mapping(&args.file, e)),
                Ok(_) => Err(not_a_mapping(&args.file, "a field does not decode")),
            },
            Err(EditFailure::Cli(e)) => Err(e),
            Ok(()) => Ok(()),
        },
        None => edit_whole(args, &edits, &text),
    }
}

/// Why an edit through a split stopped.
enum EditFailure {
    /// A top-level field is not a field.
    Decode,
    Cli(CliError),
}

impl From<CliError> for EditFailure {
    fn from(e: CliError) -> Self {
        EditFailure::Cli(e)
    }
}

impl From<serde_json::Error> for EditFailure {
    fn from(_: serde_json::Error) -> Self {
        EditFailure::Decode
    }
}

/// The whole mapping decoded, edited and written (a document that cannot
/// be split at its top level).
fn edit_whole(args: &EditArgs, edits: &Edits, text: &str) -> Result<(), CliError> {
    let mut mapping =
        alooma::mapping::decode::from_str(text).map_err(|e| not_a_mapping(&args.file, e))?;
    let before = if args.in_place {
        mapping.clone()
    } else {
        EventType::new("")
    };
    edits.apply(&mut mapping)?;
    if let Some(w) = edits.warehouse {
        edits.refuse_bad_types(&check_column_types(&mapping, w))?;
    }
    finish_edit(args, &before, &mapping, |out| {
        serde_json::to_writer_pretty(&mut *out, &mapping).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    })
}

/// A big mapping edited without decoding all of it: only the top-level
/// fields the edits' paths start with are decoded and edited; every other
/// one is decoded on its own while the document is written (and, before
/// anything is written to standard output, once to check it). The output
/// is the same as [`edit_whole`]'s.
fn edit_split(
    args: &EditArgs,
    edits: &Edits,
    split: &alooma::mapping::large::Split<'_>,
) -> Result<(), EditFailure> {
    let mut loaded = split.load(&edits.top_level_names())?;
    let before = loaded.event_type().clone();
    edits.apply(loaded.event_type_mut())?;
    // Column types and the document itself are checked before a byte is
    // written (a file edited in place is only replaced once it is whole,
    // so there the write itself checks the fields it decodes).
    if edits.warehouse.is_some() || !args.in_place {
        let mut bad: Vec<(usize, FieldPath, ColumnTypeError)> = Vec::new();
        let mut check = |place: usize, field: &Field| {
            if let Some(w) = edits.warehouse {
                bad.extend(
                    check_fields_column_types(std::slice::from_ref(field), w)
                        .into_iter()
                        .map(|(p, e)| (place, p, e)),
                );
            }
        };
        for (place, field) in loaded.fields_with_places() {
            check(place.unwrap_or(usize::MAX), field);
        }
        split.each_other_field::<EditFailure>(&loaded, |place, field| {
            check(place, &field);
            Ok(())
        })?;
        bad.sort_by_key(|(place, ..)| *place);
        let bad: Vec<_> = bad.into_iter().map(|(_, p, e)| (p, e)).collect();
        edits.refuse_bad_types(&bad)?;
    }
    let after = loaded.event_type().clone();
    let result = finish_edit(args, &before, &after, |out| {
        split.write_pretty(loaded, &mut *out)?;
        out.write_all(b"\n")
    });
    match result {
        // A field that did not decode while the file was written: the file
        // is unchanged.
        Err(_) if args.in_place && split_has_bad_field(split) => Err(EditFailure::Decode),
        other => other.map_err(EditFailure::Cli),
    }
}

/// Whether a top-level field of `split` does not decode.
fn split_has_bad_field(split: &alooma::mapping::large::Split<'_>) -> bool {
    match split.load(&std::collections::BTreeSet::new()) {
        Ok(empty) => split
            .each_other_field::<serde_json::Error>(&empty, |_, _| Ok(()))
            .is_err(),
        Err(_) => true,
    }
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
