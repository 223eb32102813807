//! Offline, pure edits of Alooma event-type mappings: find, add, discard,
//! unmap and map fields by path, strip `stats`, apply thousands of edits in
//! one pass, and diff two mappings. No network, no HTTP stack: this crate
//! depends only on `alooma-types`, `serde`, `serde_json` and `thiserror`.
//!
//! # Field paths
//!
//! A [`FieldPath`] names a field by its chain of field names, outermost
//! first, joined by `.`: `a.b.c` is field `c` inside `b` inside the
//! top-level field `a`. A field name that itself contains a dot or a
//! backslash is escaped with a backslash: `a\.b` is ONE segment `a.b`, and
//! `\\` is a backslash. Empty paths, empty segments (`a..b`) and other
//! escapes (`\x`) are errors. [`FieldPath::from_segments`] builds a path from
//! raw names without any escaping, and `Display` writes the escaped form,
//! which always parses back to the same path.
//!
//! ```
//! use alooma_mapping::FieldPath;
//! let p: FieldPath = r"payload.http\.status".parse()?;
//! assert_eq!(p.segments(), ["payload", "http.status"]);
//! assert_eq!(p, FieldPath::from_segments(["payload", "http.status"])?);
//! # Ok::<(), alooma_mapping::PathError>(())
//! ```
//!
//! # Ownership
//!
//! Every edit takes `&mut EventType` and changes it **in place**; none
//! returns a new mapping (unlike the reference client, whose docs promise a
//! new mapping while it edits the caller's). Clone first if you need the
//! original. An edit that fails returns a [`MappingError`] and leaves the
//! event type unchanged. Keys this SDK does not model, anywhere in the
//! mapping, survive every edit untouched.
//!
//! ```
//! use alooma_mapping::{discard_field, find_field, map_field, remove_stats, unmap_field, FieldPath};
//! use alooma_types::{ColumnType, EventType};
//!
//! let mut et: EventType = serde_json::from_str(r#"{
//!     "name": "orders", "stats": {"count": 10}, "fields": [
//!     {"fieldName": "customer", "mapping": null, "stats": {}, "fields": [
//!         {"fieldName": "email", "fields": [], "mapping": {"columnName": "email",
//!          "columnType": {"type": "VARCHAR", "length": 256, "nonNull": false}, "isDiscarded": false}},
//!         {"fieldName": "phone", "fields": [], "mapping": null}]}]}"#)?;
//!
//! let email: FieldPath = "customer.email".parse()?;
//! discard_field(&mut et, &email)?;
//! unmap_field(&mut et, &"customer.phone".parse()?)?;
//! map_field(&mut et, &"customer.address.city".parse()?, "city",
//!           ColumnType::new("VARCHAR").with_length(64))?;
//! remove_stats(&mut et);
//!
//! assert_eq!(find_field(&et, &email)?.mapping.get().map(|m| m.discarded()), Some(true));
//! assert!(find_field(&et, &"customer.phone".parse()?).is_err());
//! assert!(!serde_json::to_string(&et)?.contains("stats"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Batches
//!
//! A [`Batch`] applies many edits in ONE walk of the tree (the paths are
//! grouped segment by segment, like a trie, and only fields on some path are
//! visited). Its result is exactly that of applying the edits one by one, in
//! order. It is all or nothing: a read-only validation walk runs first, and
//! if any edit would fail, [`Batch::apply`] changes nothing and returns a
//! [`BatchError`] listing EVERY failing edit. No copy of the mapping is made.
//!
//! ```
//! use alooma_mapping::{Batch, FieldPath};
//! use alooma_types::{ColumnType, EventType};
//! let mut et = EventType::new("e");
//! let mut batch = Batch::new();
//! batch.map("a.x".parse()?, "x", ColumnType::new("INT"))
//!      .map("a.y".parse()?, "y", ColumnType::new("INT"))
//!      .discard("a.x".parse()?)
//!      .unmap("a.y".parse()?);
//! batch.apply(&mut et)?;
//! assert_eq!(et.fields()[0].children().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Large mappings
//!
//! [`EventType`](alooma_types::EventType) decodes in one streaming pass
//! ([`decode::from_str`] is `serde_json::from_str`), and
//! [`decode::from_str_without_stats`] also drops every `stats` value while
//! parsing (equal to decoding then [`remove_stats`]), so they never take memory. On a 19 MB mapping of
//! 100,000 fields, parse + a 3,000-edit batch + serialize stays well under
//! the time of a plain `serde_json::Value` round trip, with a peak memory
//! under 4x the document (see `benches/mapping.rs` and
//! `examples/mapping_peak_mem.rs`).
//!
//! ```
//! use alooma_mapping::{decode, Batch};
//! let json = r#"{"name":"e","stats":{"n":1},"fields":[
//!     {"fieldName":"a","mapping":null,"fields":[],"stats":{"count":3}}]}"#;
//! let mut et = decode::from_str_without_stats(json)?;
//! let mut batch = Batch::new();
//! batch.discard("a".parse()?);
//! batch.apply(&mut et)?;
//! let out = serde_json::to_string(&et)?;
//! assert_eq!(out, r#"{"name":"e","fields":[{"fieldName":"a","fields":[],"mapping":{"columnName":"","columnType":null,"isDiscarded":true,"machineGenerated":false,"subFields":null}}]}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Tables, consolidations, columns
//!
//! Edits that real tools made by hand have a function each: the target
//! table ([`set_table`]), the consolidation ([`set_consolidation`]), the
//! switch to the `_log` table with a consolidation on top
//! ([`use_log_table`]), one attribute of a mapped column ([`set_column`]
//! with a [`ColumnChange`]), a copy for another event type name
//! ([`copy_mapping`]), and a check of column types against a warehouse's
//! type list ([`Warehouse::check`], [`check_column_types`]). Column types
//! parse from and print as SQL ([`parse_column_type`], [`column_type_sql`]).
//!
//! ```
//! use alooma_mapping::{map_field, parse_column_type, set_column, use_log_table, ColumnChange, Warehouse};
//! use alooma_types::EventType;
//! let mut et = EventType::new("orders");
//! let id = "id".parse()?;
//! map_field(&mut et, &id, "id", parse_column_type("BIGINT NOT NULL")?)?;
//! set_column(&mut et, &id, &ColumnChange::Type("INT8".into()))?;
//! use_log_table(&mut et, "public", ["id"]);
//! assert_eq!(et.table_name(), Some("orders_log"));
//! assert!(alooma_mapping::check_column_types(&et, Warehouse::Redshift).is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Diff
//!
//! [`diff()`] compares two mappings field by field and prints a readable
//! review of what was added, removed, remapped, discarded or undiscarded.
#![forbid(unsafe_code)]

mod batch;
mod column;
pub mod decode;
pub mod diff;
mod document;
mod edit;
mod error;
mod find;
pub mod fuzzing;
pub mod large;
mod path;
mod stats;
mod table;

pub use batch::{Batch, Edit, EditKind};
pub use column::{
    check_column_types, check_fields_column_types, column_type_sql, parse_column_type, set_column,
    ColumnChange, ColumnTypeError, Warehouse,
};
pub use diff::{diff, Change, MappingDiff};
pub use document::{DocumentError, EditOptions, Edited, MappingEdits};
pub use edit::{discard_field, discard_mapping, map_field, set_mapping_for_field, unmap_field};
pub use error::{BatchError, BatchFailure, MappingError, PathError};
pub use find::{add_field, find_field, find_field_mut};
pub use path::FieldPath;
pub use stats::{remove_stats, remove_stats_value};
pub use table::{copy_mapping, set_consolidation, set_table, use_log_table, LOG_SUFFIX};

/// The README's example, compiled as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
