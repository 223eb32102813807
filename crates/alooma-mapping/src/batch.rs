//! [`Batch`]: many edits applied in one walk of the field tree, all or
//! nothing.
//!
//! How it works: the edits are grouped by path segment level by level (a
//! trie built on the fly), and the tree is walked once, visiting only the
//! fields some edit touches. A first, read-only walk finds every edit that
//! would fail; only if none fails does a second walk apply them. Nothing is
//! cloned.

use crate::edit::{discard_mapping, set_mapping_for_field};
use crate::find::not_found;
use crate::{
    discard_field, find_field_mut, map_field, unmap_field, BatchError, BatchFailure, FieldPath,
    MappingError,
};
use alooma_types::{ColumnType, EventType, Field};
use std::collections::HashMap;
use std::fmt;

/// One edit of a [`Batch`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Edit {
    /// [`discard_field`]: fails if the field is missing.
    Discard(FieldPath),
    /// [`unmap_field`]: fails if the field is missing.
    Unmap(FieldPath),
    /// [`map_field`]: adds missing fields, never fails.
    Map {
        /// The field to map.
        path: FieldPath,
        /// The target column.
        column_name: String,
        /// The target column's type and attributes.
        column_type: ColumnType,
    },
    /// [`find_field_mut`] with `add_if_missing`: makes sure the field exists.
    Add(FieldPath),
}

/// What kind of edit an [`Edit`] is (used in error reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EditKind {
    /// [`Edit::Discard`].
    Discard,
    /// [`Edit::Unmap`].
    Unmap,
    /// [`Edit::Map`].
    Map,
    /// [`Edit::Add`].
    Add,
}

impl fmt::Display for EditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EditKind::Discard => "discard",
            EditKind::Unmap => "unmap",
            EditKind::Map => "map",
            EditKind::Add => "add",
        })
    }
}

impl Edit {
    /// The path the edit targets.
    pub fn path(&self) -> &FieldPath {
        match self {
            Edit::Discard(p) | Edit::Unmap(p) | Edit::Add(p) => p,
            Edit::Map { path, .. } => path,
        }
    }

    /// The kind of edit.
    pub fn kind(&self) -> EditKind {
        match self {
            Edit::Discard(_) => EditKind::Discard,
            Edit::Unmap(_) => EditKind::Unmap,
            Edit::Map { .. } => EditKind::Map,
            Edit::Add(_) => EditKind::Add,
        }
    }

    /// Whether the edit creates missing fields (and so never fails).
    fn creates(&self) -> bool {
        matches!(self, Edit::Map { .. } | Edit::Add(_))
    }

    /// Applies this one edit in place (the single-edit functions).
    ///
    /// ```
    /// use alooma_mapping::Edit;
    /// use alooma_types::EventType;
    /// let mut et = EventType::new("e");
    /// Edit::Add("a.b".parse().unwrap()).apply(&mut et).unwrap();
    /// assert!(Edit::Discard("a.c".parse().unwrap()).apply(&mut et).is_err());
    /// ```
    pub fn apply(&self, event_type: &mut EventType) -> Result<(), MappingError> {
        match self {
            Edit::Discard(path) => discard_field(event_type, path),
            Edit::Unmap(path) => unmap_field(event_type, path).map(drop),
            Edit::Map {
                path,
                column_name,
                column_type,
            } => map_field(event_type, path, column_name.clone(), column_type.clone()).map(drop),
            Edit::Add(path) => find_field_mut(event_type, path, true).map(drop),
        }
    }
}

/// Many edits applied in ONE walk of the field tree, all or nothing.
///
/// Semantics: the result is exactly that of applying the edits one by one in
/// order (so `unmap a` then `discard a.b` fails on the second edit, while
/// `discard a.b` then `unmap a` succeeds). If any edit would fail,
/// [`apply`](Self::apply) changes nothing and reports EVERY failing edit
/// (those that the one-by-one application, skipping failures, would meet).
///
/// Cost: one read-only validation walk plus one applying walk, each visiting
/// only the fields on some edit's path; no copy of the mapping is made.
///
/// ```
/// use alooma_mapping::{find_field, Batch, FieldPath};
/// use alooma_types::{ColumnType, EventType};
/// let mut et = EventType::new("e");
/// let mut setup = Batch::new();
/// for i in 0..100 {
///     setup.map(format!("obj.f{i}").parse().unwrap(), format!("f{i}"), ColumnType::new("INT"));
/// }
/// setup.apply(&mut et).unwrap();
///
/// let mut batch = Batch::new();
/// batch.discard("obj.f1".parse().unwrap()).unmap("obj.f2".parse().unwrap());
/// batch.apply(&mut et).unwrap();
/// assert!(find_field(&et, &"obj.f2".parse().unwrap()).is_err());
///
/// // All or nothing: two bad paths are both reported, nothing changes.
/// let before = et.clone();
/// let mut bad = Batch::new();
/// bad.discard("obj.f3".parse().unwrap())
///    .discard("obj.nope".parse().unwrap())
///    .unmap("other.x".parse().unwrap());
/// let err = bad.apply(&mut et).unwrap_err();
/// assert_eq!(err.failures.len(), 2);
/// assert_eq!(err.paths().map(|p| p.to_string()).collect::<Vec<_>>(), ["obj.nope", "other.x"]);
/// assert_eq!(et, before);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    edits: Vec<Edit>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Appends an edit.
    pub fn push(&mut self, edit: Edit) -> &mut Self {
        self.edits.push(edit);
        self
    }

    /// Appends a [`Edit::Discard`].
    pub fn discard(&mut self, path: FieldPath) -> &mut Self {
        self.push(Edit::Discard(path))
    }

    /// Appends a [`Edit::Unmap`].
    pub fn unmap(&mut self, path: FieldPath) -> &mut Self {
        self.push(Edit::Unmap(path))
    }

    /// Appends a [`Edit::Map`].
    pub fn map(
        &mut self,
        path: FieldPath,
        column_name: impl Into<String>,
        column_type: ColumnType,
    ) -> &mut Self {
        self.push(Edit::Map {
            path,
            column_name: column_name.into(),
            column_type,
        })
    }

    /// Appends a [`Edit::Add`].
    pub fn add(&mut self, path: FieldPath) -> &mut Self {
        self.push(Edit::Add(path))
    }

    /// The edits, in order.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// How many edits the batch holds.
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// Whether the batch holds no edit.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// Checks the batch against `event_type` without changing it: every
    /// edit that would fail, or `Ok` if [`apply`](Self::apply) would succeed.
    pub fn validate(&self, event_type: &EventType) -> Result<(), BatchError> {
        let mut errors = Vec::new();
        let ops = self.ops();
        let empty = Vec::new();
        let level = event_type.fields.as_ref().unwrap_or(&empty);
        walk(Level::Read(level), ops, 0, &mut errors);
        self.result(errors)
    }

    /// Applies every edit to `event_type` in place, or none of them.
    ///
    /// On error, `event_type` is unchanged and the error lists every failing
    /// edit in batch order.
    pub fn apply(&self, event_type: &mut EventType) -> Result<(), BatchError> {
        self.validate(event_type)?;
        let mut errors = Vec::new();
        if self.edits.iter().any(Edit::creates) {
            walk(
                Level::Write(event_type.fields_mut()),
                self.ops(),
                0,
                &mut errors,
            );
        } else if let Some(level) = event_type.fields.as_mut() {
            walk(Level::Write(level), self.ops(), 0, &mut errors);
        }
        // The validation walk found no failure, and both walks take the same
        // decisions, so `errors` is empty here.
        self.result(errors)
    }

    fn ops(&self) -> Vec<Op<'_>> {
        self.edits
            .iter()
            .enumerate()
            .map(|(index, edit)| Op { index, edit })
            .collect()
    }

    fn result(&self, mut failures: Vec<BatchFailure>) -> Result<(), BatchError> {
        if failures.is_empty() {
            return Ok(());
        }
        failures.sort_by_key(|f| f.index);
        Err(BatchError {
            failures,
            total: self.edits.len(),
        })
    }
}

impl FromIterator<Edit> for Batch {
    fn from_iter<I: IntoIterator<Item = Edit>>(iter: I) -> Self {
        Batch {
            edits: iter.into_iter().collect(),
        }
    }
}

impl Extend<Edit> for Batch {
    fn extend<I: IntoIterator<Item = Edit>>(&mut self, iter: I) {
        self.edits.extend(iter);
    }
}

#[derive(Clone, Copy)]
struct Op<'b> {
    index: usize,
    edit: &'b Edit,
}

impl Op<'_> {
    fn fail(&self, matched: usize) -> BatchFailure {
        BatchFailure {
            index: self.index,
            kind: self.edit.kind(),
            error: not_found(self.edit.path(), matched),
        }
    }
}

/// One level of fields: read-only (validation) or mutable (application).
enum Level<'t> {
    Read(&'t [Field]),
    Write(&'t mut Vec<Field>),
}

impl Level<'_> {
    fn fields(&self) -> &[Field] {
        match self {
            Level::Read(v) => v,
            Level::Write(v) => v,
        }
    }
}

/// The field a group's edits currently address.
#[derive(Clone, Copy)]
enum Current {
    /// `level[i]`.
    Existing(usize),
    /// `created[i]`.
    Created(usize),
    Missing,
}

struct Group<'b> {
    segment: &'b str,
    ops: Vec<Op<'b>>,
    candidates: Vec<usize>,
}

/// Applies (or, on a `Read` level, simulates) `ops` — all sorted by index and
/// all with paths longer than `depth` — on one level of fields.
fn walk(mut level: Level<'_>, ops: Vec<Op<'_>>, depth: usize, errors: &mut Vec<BatchFailure>) {
    // Group the edits by the segment they take at this depth (the trie level).
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for op in ops {
        let Some(segment) = op.edit.path().segments().get(depth) else {
            continue;
        };
        let g = *by_name.entry(segment.as_str()).or_insert_with(|| {
            groups.push(Group {
                segment,
                ops: Vec::new(),
                candidates: Vec::new(),
            });
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(g) {
            group.ops.push(op);
        }
    }
    // Fields named like a group, in order: the first is what a lookup finds;
    // after it is unmapped, the next one is.
    for (i, field) in level.fields().iter().enumerate() {
        if let Some(&g) = by_name.get(field.field_name.as_str()) {
            if let Some(group) = groups.get_mut(g) {
                group.candidates.push(i);
            }
        }
    }

    let mut removed: Vec<usize> = Vec::new();
    // Fields added at this level, with the index of the edit that added them
    // and whether they were unmapped again.
    let mut created: Vec<(usize, Field, bool)> = Vec::new();

    for group in groups {
        let mut candidates = group.candidates.into_iter();
        let mut current = candidates
            .next()
            .map_or(Current::Missing, Current::Existing);
        let mut pending: Vec<Op<'_>> = Vec::new();
        for op in group.ops {
            if matches!(current, Current::Missing) {
                if op.edit.creates() {
                    created.push((op.index, Field::new(group.segment), false));
                    current = Current::Created(created.len() - 1);
                } else {
                    errors.push(op.fail(depth));
                    continue;
                }
            }
            if op.edit.path().len() > depth + 1 {
                pending.push(op);
                continue;
            }
            match op.edit {
                Edit::Unmap(_) => {
                    descend(
                        &mut level,
                        &mut created,
                        current,
                        &mut pending,
                        depth,
                        errors,
                    );
                    match current {
                        Current::Existing(i) => removed.push(i),
                        Current::Created(c) => {
                            if let Some(entry) = created.get_mut(c) {
                                entry.2 = true;
                            }
                        }
                        Current::Missing => {}
                    }
                    current = candidates
                        .next()
                        .map_or(Current::Missing, Current::Existing);
                }
                Edit::Discard(_) => {
                    if let Some(field) = field_mut(&mut level, &mut created, current) {
                        discard_mapping(field);
                    }
                }
                Edit::Map {
                    column_name,
                    column_type,
                    ..
                } => {
                    if let Some(field) = field_mut(&mut level, &mut created, current) {
                        set_mapping_for_field(field, column_name.clone(), column_type.clone());
                    }
                }
                Edit::Add(_) => {}
            }
        }
        descend(
            &mut level,
            &mut created,
            current,
            &mut pending,
            depth,
            errors,
        );
    }

    if let Level::Write(fields) = level {
        if !removed.is_empty() {
            removed.sort_unstable();
            let mut next = removed.into_iter().peekable();
            let mut i = 0;
            fields.retain(|_| {
                let drop = next.next_if_eq(&i).is_some();
                i += 1;
                !drop
            });
        }
        if !created.is_empty() {
            created.sort_by_key(|(index, _, _)| *index);
            fields.extend(
                created
                    .into_iter()
                    .filter(|(_, _, gone)| !gone)
                    .map(|(_, field, _)| field),
            );
        }
    }
}

/// The field `current` designates, when the walk may change it.
fn field_mut<'a>(
    level: &'a mut Level<'_>,
    created: &'a mut [(usize, Field, bool)],
    current: Current,
) -> Option<&'a mut Field> {
    match current {
        Current::Existing(i) => match level {
            Level::Write(fields) => fields.get_mut(i),
            Level::Read(_) => None,
        },
        Current::Created(c) => created.get_mut(c).map(|(_, f, _)| f),
        Current::Missing => None,
    }
}

/// Runs the deeper edits gathered for the current field on its children.
fn descend(
    level: &mut Level<'_>,
    created: &mut [(usize, Field, bool)],
    current: Current,
    pending: &mut Vec<Op<'_>>,
    depth: usize,
    errors: &mut Vec<BatchFailure>,
) {
    if pending.is_empty() {
        return;
    }
    let ops = std::mem::take(pending);
    let children = match (current, level) {
        (Current::Existing(i), Level::Write(fields)) => {
            fields.get_mut(i).map(|f| Level::Write(f.children_mut()))
        }
        (Current::Existing(i), Level::Read(fields)) => {
            fields.get(i).map(|f| Level::Read(f.children()))
        }
        (Current::Created(c), _) => created
            .get_mut(c)
            .map(|(_, f, _)| Level::Write(f.children_mut())),
        (Current::Missing, _) => None,
    };
    if let Some(children) = children {
        walk(children, ops, depth + 1, errors);
    }
}
