//! [`ShortText`]: a string kept inline when it is short.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Bytes a [`ShortText`] holds without an allocation.
const INLINE: usize = 23;
/// Fills the rest of an inline text: `0xFF` is never a byte of UTF-8.
const END: u8 = 0xFF;

/// A string of up to 23 bytes kept inline, with no allocation; a longer
/// one is boxed. Three words, like a `String`.
///
/// Names and types of nodes are short and a structure has hundreds of
/// thousands of them: kept inline they cost no allocation each. It reads
/// as a `&str` (`Deref`), compares with strings and is written as one.
/// (A crate such as `compact_str` does this too; `alooma-types` depends on
/// serde and serde_json only.)
///
/// ```
/// use alooma_types::ShortText;
/// let t = ShortText::from("SALESFORCE");
/// assert_eq!(t, "SALESFORCE");
/// assert_eq!(t.len(), 10);
/// assert_eq!(ShortText::from("a".repeat(40)).as_str(), "a".repeat(40));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""SALESFORCE""#);
/// ```
#[derive(Clone)]
pub struct ShortText(Repr);

#[derive(Clone)]
enum Repr {
    /// The bytes, then [`END`] up to the end.
    Inline([u8; INLINE]),
    Boxed(Box<str>),
}

impl ShortText {
    /// The text of `s`.
    pub fn new(s: &str) -> Self {
        let mut bytes = [END; INLINE];
        match bytes.get_mut(..s.len()) {
            Some(room) => {
                room.copy_from_slice(s.as_bytes());
                ShortText(Repr::Inline(bytes))
            }
            None => ShortText(Repr::Boxed(s.into())),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(bytes) => {
                let len = bytes.iter().position(|&b| b == END).unwrap_or(INLINE);
                // Copied from a `&str` up to its end: always UTF-8.
                bytes
                    .get(..len)
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .unwrap_or_default()
            }
            Repr::Boxed(s) => s,
        }
    }
}

impl Default for ShortText {
    fn default() -> Self {
        ShortText::new("")
    }
}

impl Deref for ShortText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for ShortText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for ShortText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for ShortText {
    fn from(s: &str) -> Self {
        ShortText::new(s)
    }
}

impl From<String> for ShortText {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            ShortText::new(&s)
        } else {
            ShortText(Repr::Boxed(s.into_boxed_str()))
        }
    }
}

impl From<ShortText> for String {
    fn from(t: ShortText) -> Self {
        match t.0 {
            Repr::Boxed(s) => s.into_string(),
            Repr::Inline(_) => t.as_str().to_owned(),
        }
    }
}

impl PartialEq for ShortText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortText {}

impl PartialEq<str> for ShortText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for ShortText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<ShortText> for str {
    fn eq(&self, other: &ShortText) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<ShortText> for &str {
    fn eq(&self, other: &ShortText) -> bool {
        *self == other.as_str()
    }
}

impl PartialOrd for ShortText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for ShortText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ShortText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ShortText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = ShortText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ShortText, E> {
                Ok(ShortText::new(s))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<ShortText, E> {
                Ok(ShortText::from(s))
            }
        }
        d.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_length_and_character_reads_back() {
        for s in [
            "",
            "a",
            "é",
            "SALESFORCE_input_123456",
            "POSTGRESQL_input_1234567",
            "日本語のテキスト",
        ] {
            for t in [ShortText::new(s), ShortText::from(s.to_owned())] {
                assert_eq!(t.as_str(), s);
                assert_eq!(String::from(t.clone()), s);
                let json = serde_json::to_string(&t).unwrap();
                assert_eq!(serde_json::from_str::<ShortText>(&json).unwrap(), t);
            }
        }
        // 23 bytes inline, 24 boxed.
        assert!(matches!(ShortText::new(&"x".repeat(23)).0, Repr::Inline(_)));
        assert!(matches!(ShortText::new(&"x".repeat(24)).0, Repr::Boxed(_)));
        assert_eq!(std::mem::size_of::<ShortText>(), 24);
        assert_eq!(std::mem::size_of::<crate::Maybe<ShortText>>(), 24);
    }
}
