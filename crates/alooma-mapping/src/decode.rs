//! Decoding mappings from files: [`from_str`] and [`from_str_without_stats`],
//! with errors that name the JSON path.
//!
//! [`from_str`] is `serde_json` into [`EventType`], whose `Deserialize` (in
//! `alooma-types`) decodes in one streaming pass. [`from_str_without_stats`]
//! adds what only an editor needs: every `stats` value is skipped while
//! parsing, so a mapping of tens of megabytes never holds them in memory. It
//! equals `from_str` followed by [`remove_stats`](crate::remove_stats).
//!
//! Both run plain serde first; only a document that fails is read a second
//! time with path tracking, so that the [`DecodeError`] names where it failed
//! (`fields[3].mapping.columnType.length`) as well as the line and column.

use alooma_types::EventType;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A mapping document that could not be decoded: the JSON path of the value
/// that did not fit (`.` for the document itself), and serde's error with its
/// line and column. Only a required key (a field's `fieldName`, the event
/// type's `name`) or malformed JSON fails: a value of another type at any
/// other key is kept as read (`Maybe::Mistyped`).
///
/// ```
/// let err = alooma_mapping::decode::from_str(
///     r#"{"name":"e","fields":[{"fieldName":"a","mapping":{"columnType":{"length":"long"}}},{"fieldName":7}]}"#,
/// ).unwrap_err();
/// assert_eq!(err.path(), "fields[1].fieldName");
/// assert!(err.to_string().starts_with("at fields[1].fieldName: invalid type"));
/// ```
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    source: serde_json::Error,
}

impl DecodeError {
    /// The JSON path of the value that did not fit (`.` for the document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's error (with line and column).
    pub fn inner(&self) -> &serde_json::Error {
        &self.source
    }

    /// The line of the error (1-based), 0 when unknown.
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The column of the error (1-based), 0 when unknown.
    pub fn column(&self) -> usize {
        self.source.column()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.source)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Decodes an event type (with its fields) from JSON text.
///
/// The same value as `serde_json::from_str::<EventType>`; a failure names
/// its JSON path.
///
/// ```
/// let json = r#"{"name":"e","stats":{"n":1},"fields":[{"fieldName":"a","fields":[],"mapping":null}]}"#;
/// let fast = alooma_mapping::decode::from_str(json).unwrap();
/// let slow: alooma_types::EventType = serde_json::from_str(json).unwrap();
/// assert_eq!(fast, slow);
/// ```
pub fn from_str(json: &str) -> Result<EventType, DecodeError> {
    serde_json::from_str(json).map_err(|_| tracked(json.as_bytes(), false))
}

/// Like [`from_str`], then [`remove_stats`](crate::remove_stats), in one
/// pass: `stats` values are skipped by the parser and never stored.
///
/// ```
/// let json = r#"{"name":"e","stats":{"n":1},"fields":[
///     {"fieldName":"a","fields":[],"mapping":null,"stats":{"count":3}}]}"#;
/// let et = alooma_mapping::decode::from_str_without_stats(json).unwrap();
/// let mut expected = alooma_mapping::decode::from_str(json).unwrap();
/// alooma_mapping::remove_stats(&mut expected);
/// assert_eq!(et, expected);
/// ```
pub fn from_str_without_stats(json: &str) -> Result<EventType, DecodeError> {
    without_stats(serde_json::Deserializer::from_str(json))
        .map_err(|_| tracked(json.as_bytes(), true))
}

/// [`from_str`] on bytes.
pub fn from_slice(json: &[u8]) -> Result<EventType, DecodeError> {
    serde_json::from_slice(json).map_err(|_| tracked(json, false))
}

/// [`from_str_without_stats`] on bytes.
pub fn from_slice_without_stats(json: &[u8]) -> Result<EventType, DecodeError> {
    without_stats(serde_json::Deserializer::from_slice(json)).map_err(|_| tracked(json, true))
}

fn without_stats<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<EventType, serde_json::Error> {
    let et = EventType::deserialize(SkipStats(&mut de))?;
    de.end()?;
    Ok(et)
}

use serde::Deserialize;

/// Decodes a document that failed once more, tracking the path.
fn tracked(json: &[u8], skip_stats: bool) -> DecodeError {
    let mut de = serde_json::Deserializer::from_slice(json);
    let result = if skip_stats {
        serde_path_to_error::deserialize::<_, EventType>(SkipStats(&mut de)).map(drop)
    } else {
        serde_path_to_error::deserialize::<_, EventType>(&mut de).map(drop)
    };
    match result.map(|()| de.end()) {
        Err(e) => DecodeError {
            path: e.path().to_string(),
            source: e.into_inner(),
        },
        Ok(Err(source)) => DecodeError {
            path: ".".into(),
            source,
        },
        // The plain decode failed, so this one does too; should it not,
        // the document is reported as what it is: not one JSON value.
        Ok(Ok(())) => DecodeError {
            path: ".".into(),
            source: de::Error::custom("the document is not a single JSON value"),
        },
    }
}

/// A deserializer that skips the value of every object key named `stats`,
/// at any depth, and passes everything else through unchanged: the models'
/// own `Deserialize` runs on top of it, so no key list is repeated here.
struct SkipStats<D>(D);

macro_rules! forward {
    ($($method:ident),+) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap(visitor))
        }
    )+};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for SkipStats<D> {
    type Error = D::Error;

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_struct(name, fields, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // The models' enums are plain strings: nothing inside to skip.
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor whose nested values are read through [`SkipStats`].
struct Wrap<V>(V);

macro_rules! pass {
    ($($method:ident: $t:ty),+) => {$(
        fn $method<E: de::Error>(self, v: $t) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )+};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass!(
        visit_bool: bool,
        visit_i8: i8,
        visit_i16: i16,
        visit_i32: i32,
        visit_i64: i64,
        visit_i128: i128,
        visit_u8: u8,
        visit_u16: u16,
        visit_u32: u32,
        visit_u64: u64,
        visit_u128: u128,
        visit_f32: f32,
        visit_f64: f64,
        visit_char: char,
        visit_str: &str,
        visit_borrowed_str: &'de str,
        visit_string: String,
        visit_bytes: &[u8],
        visit_borrowed_bytes: &'de [u8],
        visit_byte_buf: Vec<u8>
    );

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(SkipStats(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(SkipStats(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Map(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(data)
    }
}

/// A seed whose value is read through [`SkipStats`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(SkipStats(d))
    }
}

struct Seq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// An object whose `stats` entries are skipped.
struct Map<A>(A);

/// Reads an object key without allocating when the input lets it borrow.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            match self.0.next_key_seed(KeySeed)? {
                None => return Ok(None),
                Some(key) if key == "stats" => {
                    self.0.next_value::<IgnoredAny>()?;
                }
                Some(Cow::Borrowed(key)) => {
                    return seed
                        .deserialize(de::value::BorrowedStrDeserializer::new(key))
                        .map(Some)
                }
                Some(Cow::Owned(key)) => {
                    return seed
                        .deserialize(de::value::StringDeserializer::new(key))
                        .map(Some)
                }
            }
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// A decode error happens offline: no request was sent.
impl alooma_types::OfflineError for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_are_skipped_at_every_depth() {
        let json = r#"{"name":"e","stats":{"count":1},"x":{"stats":2,"y":[{"stats":3,"z":1}]},
            "fields":[{"fieldName":"a","stats":{},"mapping":{"columnName":"a","stats":1,
            "columnType":{"type":"INT","stats":4}},"fields":[{"fieldName":"b","stats":null}]}]}"#;
        let lean = from_str_without_stats(json).unwrap();
        let mut full = from_str(json).unwrap();
        crate::remove_stats(&mut full);
        assert_eq!(lean, full);
        assert!(!serde_json::to_string(&lean).unwrap().contains("stats"));
    }

    #[test]
    fn errors_name_the_path_in_both_decoders() {
        let json = r#"{"name":"e","fields":[{"fieldName":"a","fields":[{"fieldName":"b","mapping":{"columnType":{"length":"x"}}},{"fieldName":null}]}]}"#;
        for e in [
            from_str(json).unwrap_err(),
            from_str_without_stats(json).unwrap_err(),
        ] {
            assert_eq!(e.path(), "fields[0].fields[1].fieldName");
            assert!(e.line() == 1 && e.column() > 0, "{e}");
        }
        let e = from_str(r#"{"name":"e"} trailing"#).unwrap_err();
        assert_eq!(e.path(), ".");
        let e = from_slice_without_stats(b"{\"fields\":[]}").unwrap_err();
        assert!(e.to_string().contains("missing field `name`"), "{e}");
    }

    #[test]
    fn escaped_keys_still_match() {
        let json = r#"{"n\u0061me":"e","st\u0061ts":{"count":1},"fields":[]}"#;
        let et = from_str_without_stats(json).unwrap();
        assert_eq!(et.name, "e");
        assert!(et.stats.is_absent());
    }
}
