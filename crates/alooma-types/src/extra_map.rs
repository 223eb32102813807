//! [`Extra`]: the keys of an object that its model does not know, kept
//! verbatim, in one pointer when there are none.

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// Keys of a JSON object that a model does not know, kept verbatim (in the
/// order read) so they survive a read-then-write.
///
/// It reads and changes like the `serde_json::Map` it holds (`Deref`):
/// `extra["colour"]`, `extra.get(…)`, `extra.insert(…)`, `extra.iter()`.
/// Most objects have no unknown key, so an empty `Extra` is one null
/// pointer: the map is allocated on the first insert.
///
/// ```
/// use alooma_types::Extra;
/// let mut extra = Extra::new();
/// assert!(extra.is_empty());
/// extra.insert("colour".into(), "blue".into());
/// assert_eq!(extra["colour"], "blue");
/// assert_eq!(std::mem::size_of::<Extra>(), std::mem::size_of::<usize>());
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

/// Equal keys and values (an emptied map equals no map).
impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Extra {}

/// The map an empty [`Extra`] reads as.
fn empty() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

impl Extra {
    /// No keys (no allocation).
    pub fn new() -> Self {
        Extra(None)
    }

    /// Removes `key`, answering its value (no allocation when there are no
    /// keys, unlike going through the map).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let map = self.0.as_deref_mut()?;
        let value = map.shift_remove(key);
        if map.is_empty() {
            self.0 = None;
        }
        value
    }

    /// Keeps the keys `keep` says yes to (no allocation when there are
    /// none).
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut Value) -> bool) {
        if let Some(map) = self.0.as_deref_mut() {
            map.retain(keep);
            if map.is_empty() {
                self.0 = None;
            }
        }
    }

    /// The map to change, when there are keys (`None` otherwise: no
    /// allocation).
    pub fn as_map_mut(&mut self) -> Option<&mut Map<String, Value>> {
        self.0.as_deref_mut()
    }

    /// The keys as a map, consuming `self`.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        match &self.0 {
            Some(map) => map,
            None => empty(),
        }
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            Extra(None)
        } else {
            Extra(Some(Box::new(map)))
        }
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map::from_iter(iter).into()
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.deref().fmt(f)
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ExtraVisitor;
        impl<'de> Visitor<'de> for ExtraVisitor {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut extra = Extra::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    extra.insert(k, v);
                }
                Ok(extra)
            }
        }
        d.deserialize_map(ExtraVisitor)
    }
}

impl crate::Wire for Extra {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<crate::Maybe<Self>, D::Error> {
        Ok(match <Map<String, Value> as crate::Wire>::decode(d)? {
            crate::Maybe::Value(map) => crate::Maybe::Value(map.into()),
            crate::Maybe::Null => crate::Maybe::Null,
            crate::Maybe::Mistyped(m) => crate::Maybe::Mistyped(m),
            _ => crate::Maybe::Absent,
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Extra {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Map<String, Value> as schemars::JsonSchema>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Map<String, Value> as schemars::JsonSchema>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}
