//! [`Wire`]: how a value of an optional key is read, so that one that does
//! not fit the model is kept instead of refused.
//!
//! Every type that can sit in a [`Maybe`] implements [`Wire`]; its
//! [`decode`](Wire::decode) reads one JSON value in a single streaming pass
//! and answers with one of [`Maybe::Null`], [`Maybe::Value`] or
//! [`Maybe::Mistyped`]:
//!
//! - **scalars** (strings, bools, numbers, [`Lenient`](crate::Lenient)
//!   values, string enums) are read from the scalar the deserializer gave;
//!   one that does not read as the type is kept as that scalar;
//! - **objects** (the models) decode key by key; a value of another JSON
//!   kind is kept whole. A model missing a required key is an error (with
//!   its JSON path) when the object holds one of the model's keys at all,
//!   and a kept value when it holds none of them (`{}`, `{"other": 1}`):
//!   then it is not that model, and nothing of it was read as one;
//! - **lists** decode item by item; at the first item that does not fit,
//!   the items read so far are written back (exactly, since every model
//!   writes what it read), the rest is read as JSON, and the whole list is
//!   kept.
//!
//! Nothing is read twice and nothing is buffered unless a value does not
//! fit, so the common case costs what a strict decoder costs.
//!
//! The trait is implemented for every model of this crate by the macros
//! that declare them; a model of another crate that wants to sit in a
//! `Maybe` implements it with [`wire_leaf!`](crate::wire_leaf) (a scalar)
//! or [`wire_buffered!`](crate::wire_buffered) (anything else).

use crate::Maybe;
use serde::de::value::{
    BoolDeserializer, BorrowedStrDeserializer, F64Deserializer, I64Deserializer, StrDeserializer,
    U64Deserializer,
};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

/// A type that can be the value of an optional key ([`Maybe`]): it knows
/// how to read one JSON value and keep it when it does not fit.
pub trait Wire: Sized + Serialize + DeserializeOwned {
    /// Reads one JSON value: `null`, a value of `Self`, or a value of
    /// another type, kept as read ([`Maybe::Mistyped`]). Only a model that
    /// is missing a required key (or holds one of the wrong type) is an
    /// error.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error>;

    /// The value of a `null` list item, for types that hold one
    /// (`serde_json::Value`); for the others a `null` item does not fit.
    fn from_null() -> Option<Self> {
        None
    }
}

/// A value of an optional key whose type is not the one the model expects
/// (`"consolidationKeys": ""` where a list of strings is modelled), kept
/// exactly as it was read and written back unchanged.
///
/// ```
/// use alooma_types::{Consolidation, Maybe};
/// let c: Consolidation = serde_json::from_str(r#"{"consolidationKeys":"ID"}"#).unwrap();
/// assert_eq!(c.consolidation_keys.get(), None);
/// assert_eq!(c.consolidation_keys.mistyped().unwrap().json(), "ID");
/// assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"consolidationKeys":"ID"}"#);
/// ```
///
/// It is one pointer wide, so that a [`Maybe`] holding it
/// costs no more than the typed value it stands in for.
#[derive(Clone, PartialEq, Eq)]
pub struct Mistyped {
    kept: Box<Kept>,
}

/// What a [`Mistyped`] holds.
#[derive(Clone, PartialEq, Eq)]
struct Kept {
    json: Value,
    /// Kept where a credential goes: `Debug` and `Display` redact it.
    secret: bool,
}

impl Mistyped {
    /// Keeps `value`.
    pub fn new(value: Value) -> Self {
        Mistyped {
            kept: Box::new(Kept {
                json: value,
                secret: false,
            }),
        }
    }

    /// Keeps `value`, read where a credential goes (a [`Secret`](crate::Secret)
    /// key): sent back as read, never shown by `Debug` or `Display`.
    pub fn secret(value: Value) -> Self {
        Mistyped {
            kept: Box::new(Kept {
                json: value,
                secret: true,
            }),
        }
    }

    /// The JSON as it was read.
    pub fn json(&self) -> &Value {
        &self.kept.json
    }

    /// The JSON, consuming `self`.
    pub fn into_json(self) -> Value {
        self.kept.json
    }

    /// The JSON kind of the value (`"a string"`, `"a list"` …), for messages.
    pub fn kind(&self) -> &'static str {
        kind_of(&self.kept.json)
    }

    /// Whether it was read where a credential goes.
    pub fn is_secret(&self) -> bool {
        self.kept.secret
    }
}

/// `"a string"`, `"a number"` … for messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl fmt::Debug for Mistyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_secret() {
            write!(f, "Mistyped({}, {})", self.kind(), crate::REDACTED)
        } else {
            write!(f, "Mistyped({})", self.json())
        }
    }
}

impl fmt::Display for Mistyped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_secret() {
            f.write_str(crate::REDACTED)
        } else {
            self.json().fmt(f)
        }
    }
}

thread_local! {
    /// While [`mistyped_in`] runs on this thread: the values met so far.
    static COLLECTING: RefCell<Option<Vec<Value>>> = const { RefCell::new(None) };
}

/// The text a kept value is written as while [`mistyped_in`] collects.
const MARK: &str = "\u{0}alooma-types:mistyped:";

impl Serialize for Mistyped {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mark = COLLECTING
            .try_with(|c| {
                c.borrow_mut().as_mut().map(|list| {
                    list.push(self.json().clone());
                    format!("{MARK}{}", list.len() - 1)
                })
            })
            .ok()
            .flatten();
        match mark {
            Some(mark) => s.serialize_str(&mark),
            None => self.json().serialize(s),
        }
    }
}

/// A value kept because its type did not fit, with where it is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MistypedAt {
    /// Its JSON path in the document, in the form decode errors use
    /// (`fields[0].mapping.columnType.length`).
    pub path: String,
    /// The value, as read.
    pub json: Value,
}

/// Every value of `model` that was kept because its type did not fit the
/// model, with its JSON path, in document order.
///
/// ```
/// use alooma_types::{mistyped_in, EventType};
/// let et: EventType = serde_json::from_str(
///     r#"{"name":"orders","consolidation":{"consolidationKeys":""}}"#).unwrap();
/// let found = mistyped_in(&et);
/// assert_eq!(found[0].path, "consolidation.consolidationKeys");
/// assert_eq!(found[0].json, "");
/// ```
pub fn mistyped_in<T: Serialize + ?Sized>(model: &T) -> Vec<MistypedAt> {
    /// Puts the previous collection back however the serialization ends
    /// (a panic of a caller's `Serialize` included).
    struct Restore(Option<Option<Vec<Value>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(previous) = self.0.take() {
                let _ = COLLECTING.try_with(|c| c.replace(previous));
            }
        }
    }
    let mut restore = Restore(Some(COLLECTING.with(|c| c.replace(Some(Vec::new())))));
    let written = serde_json::to_value(model);
    let kept = match restore.0.take() {
        Some(previous) => COLLECTING.with(|c| c.replace(previous)).unwrap_or_default(),
        None => Vec::new(),
    };
    let mut found = Vec::new();
    if let Ok(tree) = written {
        walk(&tree, &mut String::new(), &kept, &mut found);
    }
    found
}

fn walk(value: &Value, path: &mut String, kept: &[Value], found: &mut Vec<MistypedAt>) {
    match value {
        Value::String(s) => {
            if let Some(i) = s.strip_prefix(MARK).and_then(|i| i.parse::<usize>().ok()) {
                if let Some(json) = kept.get(i) {
                    found.push(MistypedAt {
                        path: path.clone(),
                        json: json.clone(),
                    });
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, kept, found);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, kept, found);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

impl<'de, T: Wire> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::decode(d)
    }
}

/// Reads the rest of a JSON value of the kind a visitor met into a
/// [`Value`], to keep it.
pub(crate) mod keep {
    use super::*;

    /// A list whose reading has started: the rest of it.
    pub fn seq<'de, A: SeqAccess<'de>>(
        mut seq: A,
        mut items: Vec<Value>,
    ) -> Result<Value, A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    /// An object whose reading has started: the rest of it.
    pub fn map<'de, A: MapAccess<'de>>(
        mut map: A,
        mut kept: serde_json::Map<String, Value>,
    ) -> Result<Value, A::Error> {
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            kept.insert(key, value);
        }
        Ok(Value::Object(kept))
    }
}

/// The visitor of a scalar type: a scalar is read as `T` if it can be, and
/// kept otherwise; a list or an object is read as JSON and then tried.
pub struct LeafVisitor<T>(PhantomData<T>);

impl<T> Default for LeafVisitor<T> {
    fn default() -> Self {
        LeafVisitor(PhantomData)
    }
}

type Scratch = serde::de::value::Error;

impl<T: DeserializeOwned> LeafVisitor<T> {
    fn scalar<E>(read: Result<T, Scratch>, keep: impl FnOnce() -> Value) -> Result<Maybe<T>, E> {
        Ok(match read {
            Ok(v) => Maybe::Value(v),
            Err(_) => Maybe::Mistyped(Mistyped::new(keep())),
        })
    }

    fn tried<E>(value: Value) -> Result<Maybe<T>, E> {
        Ok(match T::deserialize(&value) {
            Ok(v) => Maybe::Value(v),
            Err(_) => Maybe::Mistyped(Mistyped::new(value)),
        })
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for LeafVisitor<T> {
    type Value = Maybe<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Maybe::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Maybe::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Self::scalar(T::deserialize(BoolDeserializer::<Scratch>::new(v)), || {
            Value::Bool(v)
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::scalar(T::deserialize(I64Deserializer::<Scratch>::new(v)), || {
            Value::from(v)
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::scalar(T::deserialize(U64Deserializer::<Scratch>::new(v)), || {
            Value::from(v)
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Self::scalar(T::deserialize(F64Deserializer::<Scratch>::new(v)), || {
            Value::from(v)
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::scalar(T::deserialize(StrDeserializer::<Scratch>::new(v)), || {
            Value::String(v.to_owned())
        })
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Self::scalar(
            T::deserialize(BorrowedStrDeserializer::<Scratch>::new(v)),
            || Value::String(v.to_owned()),
        )
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        // Tried on a copy only when `T` may refuse it; a `String` never does.
        match T::deserialize(StrDeserializer::<Scratch>::new(&v)) {
            Ok(t) => Ok(Maybe::Value(t)),
            Err(_) => Ok(Maybe::Mistyped(Mistyped::new(Value::String(v)))),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Self::tried(keep::seq(seq, Vec::new())?)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Self::tried(keep::map(map, serde_json::Map::new())?)
    }
}

/// The visitor methods of the scalar kinds and `null`: `null` is
/// [`Maybe::Null`], any scalar is kept as [`Maybe::Mistyped`].
macro_rules! keep_scalars {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Maybe::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Maybe::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Maybe::Mistyped(Mistyped::new(v.into())))
        }
    };
}

/// A model read from a JSON object in one streaming pass (the structs of
/// this crate, by the macro that declares their decoder).
pub trait ReadObject: Sized {
    /// Reads the object. `keep` is true under an optional key: an object
    /// that holds none of the model's keys and misses a required one is
    /// then kept ([`Maybe::Mistyped`]) rather than refused. The answer is
    /// never [`Maybe::Null`] or [`Maybe::Absent`].
    fn read_object<'de, A: MapAccess<'de>>(map: A, keep: bool) -> Result<Maybe<Self>, A::Error>;
}

/// Reads a [`ReadObject`] model; any other JSON kind is kept.
pub struct ObjectVisitor<T>(PhantomData<T>);

impl<T> Default for ObjectVisitor<T> {
    fn default() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<'de, T: ReadObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = Maybe<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    keep_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Maybe::Mistyped(Mistyped::new(keep::seq(seq, Vec::new())?)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::read_object(map, true)
    }
}

/// Decodes a [`ReadObject`] model under an optional key.
pub fn decode_object<'de, T: ReadObject, D: Deserializer<'de>>(d: D) -> Result<Maybe<T>, D::Error> {
    d.deserialize_any(ObjectVisitor::<T>::default())
}

/// Decodes a scalar type under an optional key.
pub fn decode_leaf<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    d: D,
) -> Result<Maybe<T>, D::Error> {
    d.deserialize_any(LeafVisitor::<T>::default())
}

/// Decodes any type by reading the JSON value first, then trying it: for
/// types read rarely (whole answers), whose decoder is derived.
pub fn decode_buffered<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    d: D,
) -> Result<Maybe<T>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None => Maybe::Null,
        Some(value) => match T::deserialize(&value) {
            Ok(v) => Maybe::Value(v),
            Err(_) => Maybe::Mistyped(Mistyped::new(value)),
        },
    })
}

/// One list item, read by its type's [`Wire::decode`].
struct Item<T>(PhantomData<T>);

impl<'de, T: Wire> DeserializeSeed<'de> for Item<T> {
    type Value = Maybe<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Maybe<T>, D::Error> {
        T::decode(d)
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Wire> Visitor<'de> for ListVisitor<T> {
    type Value = Maybe<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    keep_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element_seed(Item::<T>(PhantomData))? {
            let misfit = match item {
                Maybe::Value(v) => {
                    items.push(v);
                    continue;
                }
                Maybe::Null => match T::from_null() {
                    Some(v) => {
                        items.push(v);
                        continue;
                    }
                    None => Value::Null,
                },
                Maybe::Mistyped(m) => m.into_json(),
                Maybe::Absent => Value::Null,
            };
            // The items read so far are written back as they were read.
            let mut kept = Vec::with_capacity(items.len() + 1);
            for item in &items {
                kept.push(serde_json::to_value(item).map_err(de::Error::custom)?);
            }
            kept.push(misfit);
            return Ok(Maybe::Mistyped(Mistyped::new(keep::seq(seq, kept)?)));
        }
        Ok(Maybe::Value(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Maybe::Mistyped(Mistyped::new(keep::map(
            map,
            serde_json::Map::new(),
        )?)))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        d.deserialize_any(ListVisitor::<T>(PhantomData))
    }
}

impl Wire for Value {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None => Maybe::Null,
            Some(v) => Maybe::Value(v),
        })
    }

    fn from_null() -> Option<Self> {
        Some(Value::Null)
    }
}

/// Free-form JSON kept out of line: a field that is usually absent or
/// `null` costs one pointer, not a whole [`Value`].
impl Wire for Box<Value> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None => Maybe::Null,
            Some(v) => Maybe::Value(Box::new(v)),
        })
    }

    fn from_null() -> Option<Self> {
        Some(Box::new(Value::Null))
    }
}

impl Wire for serde_json::Map<String, Value> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            None => Maybe::Null,
            Some(Value::Object(map)) => Maybe::Value(map),
            Some(other) => Maybe::Mistyped(Mistyped::new(other)),
        })
    }
}

/// Implements [`Wire`] for scalar types: a scalar that does not read as
/// the type, or a list or an object, is kept.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Port(u16);
/// alooma_types::wire_leaf!(Port);
/// let p: alooma_types::Maybe<Port> = serde_json::from_str("\"x\"").unwrap();
/// assert!(p.is_mistyped());
/// ```
#[macro_export]
macro_rules! wire_leaf {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::Wire for $t {
            fn decode<'de, D: $crate::__private::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<$crate::Maybe<Self>, D::Error> {
                $crate::wire::decode_leaf(d)
            }
        }
    )+};
}

/// Implements [`Wire`] for a type with a derived decoder: the value is
/// read as JSON, then tried; one that does not decode is kept whole.
#[macro_export]
macro_rules! wire_buffered {
    ($($t:ty),+ $(,)?) => {$(
        impl $crate::Wire for $t {
            fn decode<'de, D: $crate::__private::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<$crate::Maybe<Self>, D::Error> {
                $crate::wire::decode_buffered(d)
            }
        }
    )+};
}

wire_leaf!(
    String,
    crate::ShortText,
    bool,
    u8,
    u16,
    u32,
    u64,
    i32,
    i64,
    f64,
    serde_json::Number
);

impl<T: crate::LenientScalar + Serialize + DeserializeOwned> Wire for crate::Lenient<T>
where
    crate::Lenient<T>: DeserializeOwned,
{
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        decode_leaf(d)
    }
}

impl<T: Serialize + DeserializeOwned> Wire for std::collections::BTreeMap<String, T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Maybe<Self>, D::Error> {
        decode_buffered(d)
    }
}
