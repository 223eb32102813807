//! [`Maybe`]: an optional wire value that keeps "absent" apart from `null`.

use crate::Mistyped;
use serde::{Serialize, Serializer};

/// A key of a JSON object that may be absent, `null`, or hold a value.
///
/// Real answers use both forms and both matter: a mapping whose
/// `"length": null` comes back without the key is not the mapping that was
/// read. Every optional key of every model is a `Maybe`, so a read followed
/// by a write gives back whichever form was read.
///
/// In the SDK's models (declared with alooma-types' `#[model]`
/// attribute), every field of this type is, by construction, decoded and
/// written so: an absent key decodes to [`Maybe::Absent`] and is not
/// written; `null` decodes to [`Maybe::Null`] and is written as `null`. A
/// struct of your own gets the same with
/// `#[serde(default, skip_serializing_if = "Maybe::is_absent")]`.
///
/// A value of another JSON type than the model's is not refused: it is
/// kept as [`Maybe::Mistyped`] and written back byte for byte (see
/// [`Wire`](crate::Wire)), so one odd key never fails a whole answer.
///
/// The accessors read like `Option`'s: [`get`](Self::get) (or
/// [`as_ref`](Self::as_ref)) is `Some` only for a value of the model's
/// type, and [`is_some`](Self::is_some) asks the same question.
///
/// ```
/// use alooma_types::Maybe;
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct T {
///     #[serde(default, skip_serializing_if = "Maybe::is_absent")]
///     length: Maybe<u64>,
/// }
/// for json in [r#"{}"#, r#"{"length":null}"#, r#"{"length":5}"#] {
///     let t: T = serde_json::from_str(json).unwrap();
///     assert_eq!(serde_json::to_string(&t).unwrap(), json);
/// }
/// let t: T = serde_json::from_str(r#"{"length":null}"#).unwrap();
/// assert!(t.length.is_null() && t.length.get().is_none());
/// let t: T = serde_json::from_str(r#"{"length":"long"}"#).unwrap();
/// assert_eq!(t.length.mistyped().unwrap().json(), "long");
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"length":"long"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Maybe<T> {
    /// The key is not in the object.
    #[default]
    Absent,
    /// The key is there with the value `null`.
    Null,
    /// The key is there with a value.
    Value(T),
    /// The key is there with a value of another type than the model's
    /// (`"consolidationKeys": ""` for a list), kept exactly as read and
    /// written back unchanged. [`get`](Self::get) gives `None`;
    /// [`mistyped`](Self::mistyped) gives the JSON.
    Mistyped(Mistyped),
}

impl<T> Maybe<T> {
    /// Whether the key is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Maybe::Absent)
    }

    /// Whether the key is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Maybe::Null)
    }

    /// Whether the key holds a value (neither absent nor `null`).
    pub fn is_some(&self) -> bool {
        matches!(self, Maybe::Value(_))
    }

    /// Whether the key holds no value of the model's type (absent, `null`,
    /// or a value of another type).
    pub fn is_none(&self) -> bool {
        !self.is_some()
    }

    /// Whether the key holds a value of another type than the model's.
    pub fn is_mistyped(&self) -> bool {
        matches!(self, Maybe::Mistyped(_))
    }

    /// The value of another type than the model's, kept as read.
    pub fn mistyped(&self) -> Option<&Mistyped> {
        match self {
            Maybe::Mistyped(m) => Some(m),
            _ => None,
        }
    }

    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Maybe::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one (the same as [`get`](Self::get)).
    pub fn as_ref(&self) -> Option<&T> {
        self.get()
    }

    /// The value to change in place, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        match self {
            Maybe::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, consuming `self`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Maybe::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, or `default` when there is none.
    pub fn unwrap_or(self, default: T) -> T {
        self.into_option().unwrap_or(default)
    }

    /// The value, inserting `f()` first when there is none (absent or `null`).
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        if let Maybe::Value(v) = self {
            return v;
        }
        self.insert(f())
    }

    /// Sets the value and returns it to change in place.
    pub fn insert(&mut self, value: T) -> &mut T {
        *self = Maybe::Value(value);
        match self {
            Maybe::Value(v) => v,
            _ => unreachable!("a value was just stored"),
        }
    }

    /// Sets the value, returning the previous state.
    pub fn replace(&mut self, value: T) -> Maybe<T> {
        std::mem::replace(self, Maybe::Value(value))
    }

    /// Takes the state out, leaving the key absent.
    pub fn take(&mut self) -> Maybe<T> {
        std::mem::take(self)
    }

    /// Maps the value, keeping absent, `null` and a mistyped value as
    /// they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Maybe<U> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(v) => Maybe::Value(f(v)),
            Maybe::Mistyped(m) => Maybe::Mistyped(m),
        }
    }

    /// A `Maybe` of a reference to the value.
    pub fn by_ref(&self) -> Maybe<&T> {
        match self {
            Maybe::Absent => Maybe::Absent,
            Maybe::Null => Maybe::Null,
            Maybe::Value(v) => Maybe::Value(v),
            Maybe::Mistyped(m) => Maybe::Mistyped(m.clone()),
        }
    }

    /// `Some(value)` becomes a value, `None` a `null`.
    pub fn from_nullable(value: Option<T>) -> Self {
        match value {
            Some(v) => Maybe::Value(v),
            None => Maybe::Null,
        }
    }

    /// `Some(value)` becomes a value, `None` an absent key.
    pub fn from_option(value: Option<T>) -> Self {
        match value {
            Some(v) => Maybe::Value(v),
            None => Maybe::Absent,
        }
    }
}

impl<T: std::ops::Deref> Maybe<T> {
    /// The value through `Deref` (`&str` for a `Maybe<String>`).
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.get().map(|v| &**v)
    }
}

impl<T: Copy> Maybe<&T> {
    /// Copies the referenced value.
    pub fn copied(self) -> Maybe<T> {
        self.map(|v| *v)
    }
}

impl<T> From<T> for Maybe<T> {
    fn from(value: T) -> Self {
        Maybe::Value(value)
    }
}

/// `Some(value)` is a value, `None` an absent key.
impl<T> From<Option<T>> for Maybe<T> {
    fn from(value: Option<T>) -> Self {
        Maybe::from_option(value)
    }
}

impl From<&str> for Maybe<String> {
    fn from(value: &str) -> Self {
        Maybe::Value(value.to_owned())
    }
}

/// `Maybe<Lenient<T>>` from a plain `T` (`true.into()`), sent typed.
macro_rules! from_scalar {
    ($($t:ty),+) => {$(
        impl From<$t> for Maybe<crate::Lenient<$t>> {
            fn from(value: $t) -> Self {
                Maybe::Value(crate::Lenient::new(value))
            }
        }
    )+};
}
from_scalar!(bool, u8, u16, u32, u64, i32, i64, f64);

impl<T: std::fmt::Display> Maybe<crate::Lenient<T>> {
    /// Sets the value, keeping the wire form of the one there (a value read
    /// as `"true"` is written as `"false"`); a key without a value of the
    /// type gets it typed.
    ///
    /// ```
    /// use alooma_types::{Lenient, Maybe};
    /// let mut read: Maybe<Lenient<bool>> = serde_json::from_str("\"true\"").unwrap();
    /// read.set(false);
    /// assert_eq!(serde_json::to_string(&read).unwrap(), "\"false\"");
    /// let mut absent: Maybe<Lenient<u64>> = Maybe::Absent;
    /// absent.set(5);
    /// assert_eq!(absent, 5u64.into());
    /// ```
    pub fn set(&mut self, value: T) {
        match self.as_mut() {
            Some(v) => v.set(value),
            None => *self = Maybe::Value(crate::Lenient::new(value)),
        }
    }

    /// The value, copied out of its wrapper.
    pub fn value(&self) -> Option<T>
    where
        T: Copy,
    {
        self.get().map(|v| *v.get())
    }
}

impl<T> Maybe<Vec<T>> {
    /// The items (none when the key is absent, `null` or mistyped).
    ///
    /// ```
    /// use alooma_types::Maybe;
    /// let keys: Maybe<Vec<String>> = Maybe::Value(vec!["id".into()]);
    /// assert_eq!(keys.iter().count(), 1);
    /// for key in &keys { assert_eq!(key, "id"); }
    /// assert_eq!(Maybe::<Vec<u8>>::Null.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.get().map_or(&[][..], Vec::as_slice).iter()
    }
}

impl<'a, T> IntoIterator for &'a Maybe<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T> From<Maybe<T>> for Option<T> {
    fn from(value: Maybe<T>) -> Self {
        value.into_option()
    }
}

/// Shows the value; `null` shows as `null`, an absent key as nothing (the
/// empty string), so a report can print a field without unpacking it.
///
/// ```
/// use alooma_types::Maybe;
/// assert_eq!(Maybe::Value("orders").to_string(), "orders");
/// assert_eq!(Maybe::<&str>::Null.to_string(), "null");
/// assert_eq!(Maybe::<&str>::Absent.to_string(), "");
/// ```
impl<T: std::fmt::Display> std::fmt::Display for Maybe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Maybe::Value(v) => v.fmt(f),
            Maybe::Null => f.write_str("null"),
            Maybe::Mistyped(m) => m.fmt(f),
            Maybe::Absent => Ok(()),
        }
    }
}

/// `maybe == "text"` is true only for that value.
impl PartialEq<str> for Maybe<String> {
    fn eq(&self, other: &str) -> bool {
        self.as_deref() == Some(other)
    }
}

/// `maybe == "text"` is true only for that value.
impl PartialEq<&str> for Maybe<String> {
    fn eq(&self, other: &&str) -> bool {
        self.as_deref() == Some(*other)
    }
}

/// `maybe == "text"` is true only for that value.
impl PartialEq<str> for Maybe<crate::ShortText> {
    fn eq(&self, other: &str) -> bool {
        self.as_deref() == Some(other)
    }
}

/// `maybe == "text"` is true only for that value.
impl PartialEq<&str> for Maybe<crate::ShortText> {
    fn eq(&self, other: &&str) -> bool {
        self.as_deref() == Some(*other)
    }
}

impl<T: Serialize> Serialize for Maybe<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Maybe::Value(v) => v.serialize(s),
            Maybe::Mistyped(m) => m.serialize(s),
            // An absent key is skipped by `skip_serializing_if`; written
            // anyway (in a list, say), it can only be `null`.
            Maybe::Null | Maybe::Absent => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let mut m: Maybe<String> = Maybe::Null;
        assert!(m.is_null() && m.is_none() && !m.is_absent());
        assert_eq!(m.as_deref(), None);
        m.get_or_insert_with(|| "x".into()).push('y');
        assert_eq!(m.as_deref(), Some("xy"));
        assert_eq!(m.take(), Maybe::Value("xy".to_owned()));
        assert!(m.is_absent());
        assert_eq!(Maybe::from_option(Some(1)), Maybe::Value(1));
        assert_eq!(Maybe::<u8>::from_option(None), Maybe::Absent);
        assert_eq!(Maybe::Value(2).map(|v| v * 2), Maybe::Value(4));
        assert_eq!(Option::from(Maybe::Value(3)), Some(3));
        assert!(Maybe::Value("a".to_owned()) == "a");
        assert!(Maybe::<String>::Null != "a");
    }

    #[test]
    fn wrong_types_are_kept() {
        let m = serde_json::from_str::<Maybe<u64>>("\"x\"").unwrap();
        assert_eq!(m.mistyped().unwrap().json(), "x");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"x\"");
        assert_eq!(
            serde_json::from_str::<Maybe<u64>>("null").unwrap(),
            Maybe::Null
        );
    }
}
