//! Editing a mapping far bigger than the part an edit touches, without
//! holding all of it decoded.
//!
//! A mapping of hundreds of megabytes is mostly top-level fields nobody
//! edits. [`Split`] reads the document's top level once, keeping each
//! top-level field as the text it is (borrowed from the document, no
//! copy); [`Split::load`] decodes the event type with only the top-level
//! fields of the given names (the ones the edits' paths start with), which
//! the usual edits then change as they would the whole mapping; and
//! [`Split::write_pretty`] writes the whole edited document, decoding each
//! other top-level field on its own as it goes. What is held at once: the
//! document's text, the loaded fields, and one other field.
//!
//! The output is byte for byte what `serde_json::to_writer_pretty` writes
//! for the whole mapping decoded and edited the same way; a field the
//! edits add at the top level comes last, as it would there.
//!
//! ```
//! use alooma_mapping::{discard_field, large::Split, FieldPath};
//! use std::collections::BTreeSet;
//! let doc = r#"{"name":"e","fields":[
//!     {"fieldName":"a","fields":[],"mapping":{"columnName":"a","columnType":{"type":"INT"}}},
//!     {"fieldName":"b","fields":[],"mapping":null}]}"#;
//! let split = Split::parse(doc).expect("a mapping with a fields list");
//! let mut part = split.load(&BTreeSet::from(["a"]))?;
//! assert_eq!(part.event_type().fields().len(), 1); // only `a` was decoded
//! discard_field(part.event_type_mut(), &"a".parse::<FieldPath>()?)?;
//! let mut out = Vec::new();
//! split.write_pretty(part, &mut out)?;
//!
//! // The same as editing the whole mapping.
//! let mut whole = alooma_mapping::decode::from_str(doc)?;
//! discard_field(&mut whole, &"a".parse::<FieldPath>()?)?;
//! assert_eq!(String::from_utf8(out)?, serde_json::to_string_pretty(&whole)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alooma_types::{EventType, Field, Maybe};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Write};

/// The key that tags a loaded field with its place in the document while
/// it is edited (removed before anything is written). A NUL cannot start
/// a key of the service's.
const PLACE: &str = "\u{0}alooma-place";

/// A mapping document split at its top level: the event type's own keys
/// and each top-level field, as text borrowed from the document.
#[derive(Debug)]
pub struct Split<'a> {
    /// The top-level keys other than `fields`, in order.
    head: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// Each top-level field: its name and its text.
    fields: Vec<(Cow<'a, str>, &'a RawValue)>,
}

/// The part of a [`Split`] that [`Split::load`] decoded, to edit.
#[derive(Debug)]
pub struct Loaded {
    event_type: EventType,
    /// The places of the top-level fields loaded (before any edit).
    places: BTreeSet<usize>,
}

impl Loaded {
    /// The loaded top-level fields with their places in the document
    /// (`None` for a field the edits added).
    pub fn fields_with_places(&self) -> impl Iterator<Item = (Option<usize>, &Field)> {
        self.event_type.fields().iter().map(|f| {
            let place = f
                .extra
                .get(PLACE)
                .and_then(|v| v.as_u64())
                .and_then(|p| usize::try_from(p).ok());
            (place, f)
        })
    }

    /// The event type with the loaded top-level fields.
    pub fn event_type(&self) -> &EventType {
        &self.event_type
    }

    /// The same, to edit.
    pub fn event_type_mut(&mut self) -> &mut EventType {
        &mut self.event_type
    }
}

impl<'a> Split<'a> {
    /// Splits `doc`, or `None` when it is not an object with exactly one
    /// `fields` key holding an array of objects that each have a string
    /// `fieldName` (decode such a document whole: its errors say where it
    /// is wrong). Reads the top level only: nothing is decoded.
    pub fn parse(doc: &'a str) -> Option<Self> {
        let mut de = serde_json::Deserializer::from_str(doc);
        let split = de.deserialize_map(TopVisitor).ok()?;
        de.end().ok()?;
        split
    }

    /// How many top-level fields the document has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The names of the top-level fields, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(name, _)| name.as_ref())
    }

    /// Decodes the event type with only the top-level fields named in
    /// `names` (all of them when a name occurs more than once), in their
    /// order.
    pub fn load(&self, names: &BTreeSet<&str>) -> Result<Loaded, serde_json::Error> {
        let mut text = String::from("{");
        for (key, raw) in &self.head {
            text.push_str(&serde_json::to_string(key)?);
            text.push(':');
            text.push_str(raw.get());
            text.push(',');
        }
        text.push_str("\"fields\":[]}");
        let mut event_type = crate::decode::from_str(&text).map_err(de::Error::custom)?;
        let mut fields = Vec::new();
        let mut places = BTreeSet::new();
        for (place, (name, raw)) in self.fields.iter().enumerate() {
            if names.contains(name.as_ref()) {
                let mut field: Field = serde_json::from_str(raw.get())?;
                field.extra.insert(PLACE.into(), place.into());
                fields.push(field);
                places.insert(place);
            }
        }
        event_type.fields = Maybe::Value(fields);
        Ok(Loaded { event_type, places })
    }

    /// Decodes each top-level field that `loaded` does not hold, one at a
    /// time, and hands it to `check` (to validate the document before
    /// writing it, or to check its column types).
    pub fn each_other_field<E: From<serde_json::Error>>(
        &self,
        loaded: &Loaded,
        mut check: impl FnMut(usize, Field) -> Result<(), E>,
    ) -> Result<(), E> {
        for (place, (_, raw)) in self.fields.iter().enumerate() {
            if !loaded.places.contains(&place) {
                let field: Field = serde_json::from_str(raw.get())?;
                check(place, field)?;
            }
        }
        Ok(())
    }

    /// Writes the whole document with `loaded`'s edits, pretty-printed as
    /// `serde_json::to_writer_pretty` writes the edited event type: the
    /// event type's keys from `loaded`, then every top-level field in its
    /// place (edited where loaded, decoded on its own where not), a field
    /// the edits removed left out, the ones they added last.
    ///
    /// An error (a field that does not decode, a failed write) may come
    /// after part of the document was written.
    pub fn write_pretty<W: Write>(&self, loaded: Loaded, mut out: W) -> io::Result<()> {
        let Loaded {
            mut event_type,
            places: loaded_places,
        } = loaded;
        let edited = match std::mem::replace(&mut event_type.fields, Maybe::Value(Vec::new())) {
            Maybe::Value(fields) => fields,
            _ => Vec::new(),
        };
        let mut by_place: Vec<Option<Field>> = std::iter::repeat_with(|| None)
            .take(self.fields.len())
            .collect();
        let mut added = Vec::new();
        for mut field in edited {
            let place = field
                .extra
                .shift_remove(PLACE)
                .and_then(|v| v.as_u64())
                .and_then(|p| usize::try_from(p).ok());
            match place.and_then(|p| by_place.get_mut(p)) {
                Some(slot) => *slot = Some(field),
                None => added.push(field),
            }
        }
        let head = serde_json::to_string_pretty(&event_type).map_err(io::Error::other)?;
        // A top-level key is indented by two spaces and a string cannot
        // hold a newline: this is the one place the fields go.
        const EMPTY: &str = "\n  \"fields\": []";
        let at = head
            .find(EMPTY)
            .ok_or_else(|| io::Error::other("the event type was written without its fields"))?;
        let (before, after) = head.split_at(at + EMPTY.len() - 1);
        out.write_all(before.as_bytes())?;
        let mut first = true;
        let mut buf = Vec::new();
        let mut write_field = |field: &Field, out: &mut W| -> io::Result<()> {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            first = false;
            buf.clear();
            serde_json::to_writer_pretty(&mut buf, field).map_err(io::Error::other)?;
            // Indented two levels deeper: every line break gains four spaces.
            for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    out.write_all(b"\n    ")?;
                }
                out.write_all(line)?;
            }
            Ok(())
        };
        for (place, (_, raw)) in self.fields.iter().enumerate() {
            if loaded_places.contains(&place) {
                if let Some(Some(field)) = by_place.get(place) {
                    write_field(field, &mut out)?;
                }
                // Loaded and gone: the edits removed it.
                continue;
            }
            let field: Field = serde_json::from_str(raw.get()).map_err(io::Error::other)?;
            write_field(&field, &mut out)?;
        }
        for field in &added {
            write_field(field, &mut out)?;
        }
        if !first {
            out.write_all(b"\n  ")?;
        }
        out.write_all(after.as_bytes())?;
        out.flush()
    }
}

/// Reads the top level: every key but `fields` kept as text, `fields` read
/// as a list of field texts with their names. `None` for a document that
/// is not of that shape.
struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Option<Split<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut head = Vec::new();
        let mut fields = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "fields" {
                if fields.is_some() {
                    return Ok(None);
                }
                let raws: Vec<&'de RawValue> = map.next_value()?;
                let mut named = Vec::with_capacity(raws.len());
                for raw in raws {
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    match de.deserialize_map(NameVisitor) {
                        Ok(Some(name)) => named.push((name, raw)),
                        _ => return Ok(None),
                    }
                }
                fields = Some(named);
            } else {
                head.push((key, map.next_value::<&'de RawValue>()?));
            }
        }
        Ok(fields.map(|fields| Split { head, fields }))
    }
}

/// A field object's `fieldName` (a string, once), every other value skipped.
struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut name = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "fieldName" {
                if name.is_some() {
                    return Ok(None);
                }
                name = Some(map.next_value::<Cow<'de, str>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Batch, FieldPath};
    use alooma_types::ColumnType;

    const DOC: &str = r#"{"name":"e","stats":{"count":"3"},"mapping":{"tableName":"t"},
        "fields":[
        {"fieldName":"a","fields":[{"fieldName":"x","fields":[],"mapping":null,"stats":{"count":1}}],"mapping":null,"fieldType":"OBJECT"},
        {"fieldName":"b","fields":[],"mapping":{"columnName":"b","columnType":{"type":"VARCHAR","length":"256"},"isDiscarded":false}},
        {"fieldName":"a","fields":[],"mapping":null},
        {"fieldName":"c\"q","mapping":null,"odd":[1,2.50,"3"]},
        {"fieldName":"d","fields":[],"mapping":null}],
        "colour":"blue"}"#;

    fn path(p: &str) -> FieldPath {
        p.parse().unwrap()
    }

    /// Edits through a split and on the whole mapping give the same bytes.
    fn same_as_whole(doc: &str, batch: &Batch) {
        let whole = {
            let mut et = crate::decode::from_str(doc).unwrap();
            batch
                .apply(&mut et)
                .map(|()| serde_json::to_string_pretty(&et).unwrap())
        };
        let split = Split::parse(doc).unwrap();
        let names: BTreeSet<&str> = batch
            .edits()
            .iter()
            .filter_map(|e| e.path().segments().first().map(String::as_str))
            .collect();
        let mut loaded = split.load(&names).unwrap();
        let lazy = batch.apply(loaded.event_type_mut()).map(|()| {
            let mut out = Vec::new();
            split.write_pretty(loaded, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        });
        match (whole, lazy) {
            (Ok(w), Ok(l)) => assert_eq!(l, w),
            (Err(w), Err(l)) => assert_eq!(l.to_string(), w.to_string()),
            (w, l) => panic!("whole {w:?}, split {l:?}"),
        }
    }

    #[test]
    fn edits_through_a_split_write_what_the_whole_mapping_writes() {
        let mut none = Batch::new();
        same_as_whole(DOC, &none);
        none.discard(path("b"));
        same_as_whole(DOC, &none);
        let mut b = Batch::new();
        b.unmap(path("d")).unmap(path("b"));
        same_as_whole(DOC, &b);
        let mut b = Batch::new();
        b.map(path("a.y"), "y", ColumnType::new("INT"))
            .map(path("new.z"), "z", ColumnType::new("INT"))
            .discard(path("a.x"));
        same_as_whole(DOC, &b);
        let mut b = Batch::new();
        b.unmap(path("a"));
        same_as_whole(DOC, &b);
        // A path that is not there fails the same way.
        let mut b = Batch::new();
        b.discard(path("nope.x"));
        same_as_whole(DOC, &b);
        // No fields at all, and every field removed.
        same_as_whole(r#"{"name":"e","fields":[]}"#, &Batch::new());
        let mut b = Batch::new();
        b.map(path("n"), "n", ColumnType::new("INT"));
        same_as_whole(r#"{"name":"e","fields":[]}"#, &b);
        let mut b = Batch::new();
        b.unmap(path("only"));
        same_as_whole(
            r#"{"name":"e","fields":[{"fieldName":"only","fields":[]}]}"#,
            &b,
        );
    }

    #[test]
    fn documents_of_another_shape_are_not_split() {
        for doc in [
            "[]",
            r#"{"name":"e"}"#,
            r#"{"name":"e","fields":{}}"#,
            r#"{"name":"e","fields":[1]}"#,
            r#"{"name":"e","fields":[{"mapping":null}]}"#,
            r#"{"name":"e","fields":[{"fieldName":3}]}"#,
            r#"{"name":"e","fields":[],"fields":[]}"#,
            r#"{"name":"e","fields":[]} trailing"#,
            r#"{"name":"e","fields":["#,
        ] {
            assert!(Split::parse(doc).is_none(), "{doc}");
        }
        let split = Split::parse(DOC).unwrap();
        assert_eq!(split.len(), 5);
        assert_eq!(
            split.names().collect::<Vec<_>>(),
            ["a", "b", "a", "c\"q", "d"]
        );
    }

    #[test]
    fn the_other_fields_are_checked_one_by_one() {
        let split = Split::parse(DOC).unwrap();
        let loaded = split.load(&BTreeSet::from(["a"])).unwrap();
        assert_eq!(loaded.event_type().fields().len(), 2);
        let places: Vec<_> = loaded.fields_with_places().map(|(p, _)| p).collect();
        assert_eq!(places, [Some(0), Some(2)]);
        let mut seen = Vec::new();
        split
            .each_other_field::<serde_json::Error>(&loaded, |place, f| {
                seen.push((place, f.field_name));
                Ok(())
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                (1, "b".to_owned()),
                (3, "c\"q".to_owned()),
                (4, "d".to_owned())
            ]
        );
        // A field that does not decode is an error there.
        let bad = r#"{"name":"e","fields":[{"fieldName":"a","fields":[{"fieldName":["a"]}]}]}"#;
        let split = Split::parse(bad).unwrap();
        let loaded = split.load(&BTreeSet::new()).unwrap();
        assert!(split
            .each_other_field::<serde_json::Error>(&loaded, |_, _| Ok(()))
            .is_err());
    }
}
