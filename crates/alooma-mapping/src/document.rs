//! [`MappingEdits`]: every edit of one run over a mapping document (as
//! `alooma mapping edit` takes them), applied to the document's text, all
//! or nothing.
//!
//! The order is fixed: the field edits of the [`Batch`] in their order,
//! then the column changes (`--set`), then the event-type edits (table,
//! consolidation, log table, rename), then the warehouse check of every
//! column type. A document that splits at its top level is edited without
//! decoding the fields no edit touches ([`large`](crate::large)); the
//! output is the same as for the whole document decoded.
//!
//! ```
//! use alooma_mapping::MappingEdits;
//! let doc = r#"{"name":"e","fields":[{"fieldName":"a","fields":[],"mapping":null}]}"#;
//! let mut edits = MappingEdits::default();
//! edits.batch.discard("a".parse()?);
//! let edited = edits.edit(doc, &Default::default())?;
//! assert_eq!(edited.after().fields()[0].mapping.get().map(|m| m.discarded()), Some(true));
//! let mut out = Vec::new();
//! edited.write(&mut out)?;
//! assert!(String::from_utf8(out)?.contains("\"isDiscarded\": true"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::large::{Loaded, Split};
use crate::{
    check_column_types, check_fields_column_types, copy_mapping, set_column, set_consolidation,
    set_table, use_log_table, Batch, BatchError, ColumnChange, ColumnTypeError, FieldPath,
    MappingError, Warehouse,
};
use alooma_types::{EventType, Field};
use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Write};

/// Every edit of one run: field edits, column changes, event-type edits and
/// the warehouse check, applied in that order, all or nothing.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct MappingEdits {
    /// Field edits (discard, unmap, map), in order.
    pub batch: Batch,
    /// Column changes by field path (`--set path:attr=value`).
    pub sets: Vec<(FieldPath, ColumnChange)>,
    /// The table the event type loads into: `(schema, table)`.
    pub table: Option<(String, String)>,
    /// Consolidation into `(schema, table)` by these keys.
    pub consolidate: Option<(String, String, Vec<String>)>,
    /// Load into a log table of `schema`, consolidated by these keys.
    pub log_table: Option<(String, Vec<String>)>,
    /// A copy of the mapping under this event-type name.
    pub rename: Option<String>,
    /// The warehouse every column type must exist in.
    pub warehouse: Option<Warehouse>,
}

/// How [`MappingEdits::edit`] works.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct EditOptions {
    /// Check that the whole document decodes before anything is written
    /// (for output that cannot be taken back, such as a stream; a file
    /// replaced only once written whole needs no check first).
    pub check_first: bool,
    /// Keep the mapping as it was, for [`Edited::before`] (a diff).
    pub keep_before: bool,
}

/// Why a run of edits stopped. Nothing was applied.
#[derive(Debug)]
#[non_exhaustive]
pub enum DocumentError {
    /// The text is not a mapping (an event type as `get_mapping` answers
    /// it); the message says where.
    NotAMapping(String),
    /// A field edit of the batch failed.
    Batch(BatchError),
    /// A column change failed.
    Set {
        /// The field.
        path: FieldPath,
        /// Why.
        error: MappingError,
    },
    /// Column types the warehouse does not have.
    ColumnTypes {
        /// The warehouse.
        warehouse: Warehouse,
        /// Each field and what is wrong with its type, in document order.
        bad: Vec<(FieldPath, ColumnTypeError)>,
    },
    /// Writing failed.
    Io(io::Error),
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::NotAMapping(why) => write!(f, "not a mapping: {why}"),
            DocumentError::Batch(e) => write!(f, "{e}"),
            DocumentError::Set { path, error } => write!(f, "--set {path}: {error}"),
            DocumentError::ColumnTypes { warehouse, bad } => {
                write!(
                    f,
                    "{} column type(s) do not exist in {warehouse}:",
                    bad.len()
                )?;
                for (path, e) in bad {
                    write!(f, "\n  {path}: {e}")?;
                }
                Ok(())
            }
            DocumentError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DocumentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DocumentError::Batch(e) => Some(e),
            DocumentError::Set { error, .. } => Some(error),
            DocumentError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for DocumentError {
    fn from(e: io::Error) -> Self {
        DocumentError::Io(e)
    }
}

/// A document edited, ready to write.
#[derive(Debug)]
pub struct Edited<'a> {
    before: EventType,
    form: Form<'a>,
}

#[derive(Debug)]
enum Form<'a> {
    /// The whole mapping, decoded.
    Whole(EventType),
    /// The top level split; the edited fields loaded; the text.
    Split(Split<'a>, Loaded, &'a str),
}

impl MappingEdits {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
            && self.sets.is_empty()
            && self.table.is_none()
            && self.consolidate.is_none()
            && self.log_table.is_none()
            && self.rename.is_none()
            && self.warehouse.is_none()
    }

    /// The top-level field names the edits' paths start with: the only
    /// top-level fields they can change.
    fn top_level_names(&self) -> BTreeSet<&str> {
        self.batch
            .edits()
            .iter()
            .map(|e| e.path())
            .chain(self.sets.iter().map(|(path, _)| path))
            .filter_map(|path| path.segments().first().map(String::as_str))
            .collect()
    }

    /// Applies every edit to `mapping`, in the documented order (the
    /// warehouse check aside).
    ///
    /// # Errors
    ///
    /// The first failing edit; `mapping` may then be partly edited (use
    /// [`edit`](Self::edit) for all or nothing).
    pub fn apply(&self, mapping: &mut EventType) -> Result<(), DocumentError> {
        self.batch.apply(mapping).map_err(DocumentError::Batch)?;
        for (path, change) in &self.sets {
            set_column(mapping, path, change).map_err(|error| DocumentError::Set {
                path: path.clone(),
                error,
            })?;
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

    fn refuse(&self, bad: Vec<(FieldPath, ColumnTypeError)>) -> Result<(), DocumentError> {
        match self.warehouse {
            Some(warehouse) if !bad.is_empty() => {
                Err(DocumentError::ColumnTypes { warehouse, bad })
            }
            _ => Ok(()),
        }
    }

    /// Applies every edit to the mapping document `text`.
    ///
    /// # Errors
    ///
    /// [`DocumentError`]: the text is not a mapping, an edit fails, or a
    /// column type is not the warehouse's.
    pub fn edit<'a>(
        &self,
        text: &'a str,
        options: &EditOptions,
    ) -> Result<Edited<'a>, DocumentError> {
        let Some(split) = Split::parse(text) else {
            let mut mapping = crate::decode::from_str(text)
                .map_err(|e| DocumentError::NotAMapping(e.to_string()))?;
            let before = if options.keep_before {
                mapping.clone()
            } else {
                EventType::new("")
            };
            self.apply(&mut mapping)?;
            if let Some(w) = self.warehouse {
                self.refuse(check_column_types(&mapping, w))?;
            }
            return Ok(Edited {
                before,
                form: Form::Whole(mapping),
            });
        };
        let not_a_mapping = || not_a_mapping(text);
        let mut loaded = split
            .load(&self.top_level_names())
            .map_err(|_| not_a_mapping())?;
        let before = loaded.event_type().clone();
        self.apply(loaded.event_type_mut())?;
        if self.warehouse.is_some() || options.check_first {
            let mut bad: Vec<(usize, FieldPath, ColumnTypeError)> = Vec::new();
            let mut check = |place: usize, field: &Field| {
                if let Some(w) = self.warehouse {
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
            split
                .each_other_field::<serde_json::Error>(&loaded, |place, field| {
                    check(place, &field);
                    Ok(())
                })
                .map_err(|_| not_a_mapping())?;
            bad.sort_by_key(|(place, ..)| *place);
            self.refuse(bad.into_iter().map(|(_, p, e)| (p, e)).collect())?;
        }
        Ok(Edited {
            before,
            form: Form::Split(split, loaded, text),
        })
    }
}

impl Edited<'_> {
    /// The mapping before the edits (with [`EditOptions::keep_before`];
    /// of a split document, the part the edits touched).
    pub fn before(&self) -> &EventType {
        &self.before
    }

    /// The mapping after the edits (of a split document, the part they
    /// touched).
    pub fn after(&self) -> &EventType {
        match &self.form {
            Form::Whole(mapping) => mapping,
            Form::Split(_, loaded, _) => loaded.event_type(),
        }
    }

    /// Writes the edited document, pretty-printed, with a final newline.
    ///
    /// # Errors
    ///
    /// [`DocumentError::Io`], or [`DocumentError::NotAMapping`] when a
    /// field no edit touched does not decode (found while writing, unless
    /// [`EditOptions::check_first`]); part of the document may then have
    /// been written.
    pub fn write(self, out: &mut dyn Write) -> Result<(), DocumentError> {
        match self.form {
            Form::Whole(mapping) => {
                serde_json::to_writer_pretty(&mut *out, &mapping).map_err(io::Error::other)?;
            }
            Form::Split(split, loaded, text) => {
                if let Err(e) = split.write_pretty(loaded, &mut *out) {
                    return Err(if has_bad_field(&split) {
                        not_a_mapping(text)
                    } else {
                        DocumentError::Io(e)
                    });
                }
            }
        }
        out.write_all(b"\n")?;
        Ok(())
    }
}

/// Why `text` is not a mapping: the whole document, decoded, says where.
fn not_a_mapping(text: &str) -> DocumentError {
    match crate::decode::from_str(text) {
        Err(e) => DocumentError::NotAMapping(e.to_string()),
        Ok(_) => DocumentError::NotAMapping("a field does not decode".into()),
    }
}

/// Whether a top-level field of `split` does not decode.
fn has_bad_field(split: &Split<'_>) -> bool {
    match split.load(&BTreeSet::new()) {
        Ok(empty) => split
            .each_other_field::<serde_json::Error>(&empty, |_, _| Ok(()))
            .is_err(),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"name":"e","fields":[
        {"fieldName":"a","fields":[],"mapping":{"columnName":"a","columnType":{"type":"INT"}}},
        {"fieldName":"b","fields":[{"fieldName":"c","fields":[],"mapping":null}],"mapping":null}]}"#;

    fn edits() -> MappingEdits {
        let mut edits = MappingEdits::default();
        edits.batch.discard("a".parse().unwrap());
        edits.table = Some(("public".into(), "events".into()));
        edits
    }

    fn written(edited: Edited<'_>) -> String {
        let mut out = Vec::new();
        edited.write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_split_document_is_written_as_the_whole_one_edited() {
        assert!(Split::parse(DOC).is_some());
        let got = written(edits().edit(DOC, &EditOptions::default()).unwrap());
        let mut whole = crate::decode::from_str(DOC).unwrap();
        edits().apply(&mut whole).unwrap();
        assert_eq!(got, serde_json::to_string_pretty(&whole).unwrap() + "\n");
    }

    #[test]
    fn the_part_before_is_kept_when_asked() {
        let options = EditOptions {
            keep_before: true,
            ..EditOptions::default()
        };
        let edited = edits().edit(DOC, &options).unwrap();
        assert_eq!(crate::diff(edited.before(), edited.after()).len(), 2);
    }

    #[test]
    fn a_field_that_does_not_decode_is_found_first_or_while_writing() {
        let bad = r#"{"name":"e","fields":[{"fieldName":"a","fields":[],"mapping":null},
            {"fieldName":"b","fields":[{"fields":[]}]}]}"#;
        assert!(Split::parse(bad).is_some());
        let options = EditOptions {
            check_first: true,
            ..EditOptions::default()
        };
        assert!(matches!(
            edits().edit(bad, &options),
            Err(DocumentError::NotAMapping(_))
        ));
        let edited = edits().edit(bad, &EditOptions::default()).unwrap();
        let mut out = Vec::new();
        assert!(matches!(
            edited.write(&mut out),
            Err(DocumentError::NotAMapping(_))
        ));
    }

    #[test]
    fn failures_are_typed_and_apply_nothing() {
        let mut e = MappingEdits::default();
        e.batch.discard("nope".parse().unwrap());
        assert!(matches!(
            e.edit(DOC, &EditOptions::default()),
            Err(DocumentError::Batch(_))
        ));
        let e = MappingEdits {
            warehouse: Some(Warehouse::Redshift),
            ..MappingEdits::default()
        };
        let doc = r#"{"name":"e","fields":[{"fieldName":"a","fields":[],"mapping":{"columnName":"a","columnType":{"type":"VARCHAR2"}}}]}"#;
        match e.edit(doc, &EditOptions::default()) {
            Err(DocumentError::ColumnTypes { bad, .. }) => {
                assert_eq!(bad.len(), 1);
                assert_eq!(bad[0].0.to_string(), "a");
            }
            other => panic!("{other:?}"),
        }
        assert!(MappingEdits::default().is_empty());
    }
}
