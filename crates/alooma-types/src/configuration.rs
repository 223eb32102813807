//! [`Configuration`]: a node's type-specific configuration, kept compact.

use crate::RedactedMap;

/// A JSON object.
type Extra = serde_json::Map<String, Value>;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// A node's type-specific configuration (`"configuration"` of a node): a
/// JSON object such as `{"auto_map": "true", "port": "5439", …}`.
///
/// Decoded from an answer, it keeps the object's exact text, in one
/// allocation and in the server's key order, and reads keys on demand: a
/// structure of 200,000 nodes holds a fraction of the memory a map per node
/// would. Built from a map (`From<Extra>`) or changed through
/// [`make_mut`](Self::make_mut), it holds the map. Either way it encodes
/// back to the same JSON object, and `==` compares the objects, not their
/// spelling. `Debug` redacts credential-like keys (see
/// [`is_sensitive_key`](crate::is_sensitive_key)).
///
/// ```
/// use alooma_types::Configuration;
/// use serde_json::json;
/// let mut c: Configuration = serde_json::from_str(r#"{"auto_map":"true","port":5439}"#).unwrap();
/// assert_eq!(c.get("port"), Some(json!(5439)));
/// assert_eq!(c.get("missing"), None);
/// c.make_mut()?.insert("auto_map".into(), json!("false"));
/// assert_eq!(serde_json::to_value(&c)?, json!({"auto_map": "false", "port": 5439}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Configuration {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// The object's text, as decoded (checked to be an object).
    Text(Box<RawValue>),
    /// A map, as built or changed by the caller (boxed: a configuration
    /// costs two words whichever it holds).
    Map(Box<Extra>),
}

impl Configuration {
    /// An empty configuration (`{}`).
    pub fn new() -> Self {
        Configuration {
            repr: Repr::Map(Box::default()),
        }
    }

    /// The value of `key`, if the object has it (decoded on demand).
    ///
    /// Returns `None` when the key is absent. (A decoded configuration is
    /// read again from its text; text that was decoded once reads again,
    /// so no error is hidden here: [`to_map`](Self::to_map) reports one.)
    pub fn get(&self, key: &str) -> Option<Value> {
        match &self.repr {
            Repr::Map(map) => map.get(key).cloned(),
            Repr::Text(raw) => (&**raw).deserialize_map(FindKey(key)).ok().flatten(),
        }
    }

    /// Whether the object has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The whole object as a map.
    ///
    /// # Errors
    /// Only if the decoded text no longer reads as an object, which cannot
    /// happen for text this type decoded with serde_json's default limits.
    pub fn to_map(&self) -> Result<Extra, serde_json::Error> {
        match &self.repr {
            Repr::Map(map) => Ok((**map).clone()),
            Repr::Text(raw) => serde_json::from_str(raw.get()),
        }
    }

    /// The object as a map to change in place (a decoded configuration is
    /// decoded into a map once, here).
    ///
    /// # Errors
    /// As [`to_map`](Self::to_map); the configuration is unchanged then.
    pub fn make_mut(&mut self) -> Result<&mut Extra, serde_json::Error> {
        if let Repr::Text(raw) = &self.repr {
            self.repr = Repr::Map(Box::new(serde_json::from_str(raw.get())?));
        }
        match &mut self.repr {
            Repr::Map(map) => Ok(map),
            // Just replaced by a map.
            Repr::Text(_) => Err(de::Error::custom("configuration is not a map")),
        }
    }

    /// Decodes the object into `T` (a typed output configuration, say).
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// struct Port { port: u16 }
    /// let c: alooma_types::Configuration = serde_json::from_str(r#"{"port":5439,"x":1}"#).unwrap();
    /// assert_eq!(c.deserialize_into::<Port>().unwrap().port, 5439);
    /// ```
    ///
    /// # Errors
    /// When the object does not fit `T`.
    pub fn deserialize_into<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match &self.repr {
            Repr::Map(map) => T::deserialize((**map).clone()),
            Repr::Text(raw) => serde_json::from_str(raw.get()),
        }
    }

    /// The object as JSON text (the server's own text when decoded).
    pub fn to_json(&self) -> String {
        match &self.repr {
            Repr::Map(map) => Value::Object((**map).clone()).to_string(),
            Repr::Text(raw) => raw.get().to_owned(),
        }
    }
}

impl Default for Configuration {
    fn default() -> Self {
        Configuration::new()
    }
}

impl From<Extra> for Configuration {
    fn from(map: Extra) -> Self {
        Configuration {
            repr: Repr::Map(Box::new(map)),
        }
    }
}

impl PartialEq for Configuration {
    fn eq(&self, other: &Self) -> bool {
        if let (Repr::Text(a), Repr::Text(b)) = (&self.repr, &other.repr) {
            if a.get() == b.get() {
                return true;
            }
        }
        match (self.to_map(), other.to_map()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Debug for Configuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_map() {
            Ok(map) => RedactedMap(&map).fmt(f),
            Err(_) => f.write_str("Configuration(<unreadable>)"),
        }
    }
}

impl Serialize for Configuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.repr {
            Repr::Map(map) => map.serialize(s),
            Repr::Text(raw) => serialize_raw(raw, s),
        }
    }
}

/// Writes kept JSON text: verbatim to serde_json (which knows raw
/// values), as the value it holds to any other serializer (YAML, TOML,
/// snapshot tools), which would otherwise print serde_json's private
/// raw-value wrapper. Should the serializer's type name ever change, the
/// value is written the second way, which is equal, only slower.
pub(crate) fn serialize_raw<S: Serializer>(raw: &RawValue, s: S) -> Result<S::Ok, S::Error> {
    if std::any::type_name::<S>().contains("serde_json::") {
        raw.serialize(s)
    } else {
        match serde_json::from_str::<Value>(raw.get()) {
            Ok(value) => value.serialize(s),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> Deserialize<'de> for Configuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get();
        if !text.starts_with('{') {
            // The start of what came instead, cut on a character boundary.
            let end = (0..=text.len().min(20))
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            return Err(de::Error::invalid_type(
                de::Unexpected::Other(&text[..end]),
                &"a JSON object (a node configuration)",
            ));
        }
        Ok(Configuration {
            repr: Repr::Text(raw),
        })
    }
}

/// Reads an object and keeps the value of one key (the last, if repeated,
/// as a map would), skipping every other value.
pub(crate) struct FindKey<'k>(pub(crate) &'k str);

impl<'de> Visitor<'de> for FindKey<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(self.0))? {
            if matches {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// An object key, compared with the wanted one without allocating.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

impl crate::Wire for Configuration {
    /// An object is a configuration; any other JSON value is kept.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<crate::Maybe<Self>, D::Error> {
        Ok(match Option::<Box<RawValue>>::deserialize(d)? {
            None => crate::Maybe::Null,
            Some(raw) if raw.get().starts_with('{') => crate::Maybe::Value(Configuration {
                repr: Repr::Text(raw),
            }),
            Some(raw) => match serde_json::from_str::<Value>(raw.get()) {
                Ok(value) => crate::Maybe::Mistyped(crate::Mistyped::new(value)),
                Err(e) => return Err(de::Error::custom(e)),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decoded(text: &str) -> Configuration {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn decoded_text_is_kept_verbatim_and_read_on_demand() {
        let text = r#"{"z":1,"a":{"b":[1,2]},"e\u0073c":"v\"q","z":2}"#;
        let c = decoded(text);
        assert_eq!(c.to_json(), text, "the server's text, key order included");
        assert_eq!(c.get("a"), Some(json!({"b": [1, 2]})));
        assert_eq!(c.get("esc"), Some(json!("v\"q")), "escaped keys match");
        assert_eq!(
            c.get("z"),
            Some(json!(2)),
            "the last of a repeated key, as a map"
        );
        assert_eq!(c.get("b"), None, "nested keys are not top-level keys");
        assert!(c.contains_key("a") && !c.contains_key("q"));
        assert_eq!(c.to_map().unwrap().len(), 3);
        assert_eq!(serde_json::to_string(&c).unwrap(), text);
    }

    #[test]
    fn a_map_and_its_text_are_equal() {
        let map = json!({"port": "5439", "host": "h"});
        let built = Configuration::from(map.as_object().unwrap().clone());
        assert_eq!(built, decoded(r#"{"host":"h","port":"5439"}"#));
        assert_eq!(decoded(r#"{"a":1}"#), decoded(r#"{ "a" : 1 }"#));
        assert_ne!(built, decoded(r#"{"host":"h"}"#));
        assert_eq!(serde_json::to_value(&built).unwrap(), map);
        assert_eq!(Configuration::default().to_json(), "{}");
    }

    #[test]
    fn make_mut_turns_the_text_into_a_map_once() {
        let mut c = decoded(r#"{"a":1,"b":2}"#);
        c.make_mut().unwrap().remove("a");
        c.make_mut().unwrap().insert("c".into(), json!([3]));
        assert_eq!(serde_json::to_value(&c).unwrap(), json!({"b": 2, "c": [3]}));
        assert_eq!(c.get("c"), Some(json!([3])));
    }

    #[test]
    fn anything_but_an_object_is_refused() {
        for bad in ["[1]", "\"x\"", "3", "null", "true", "{", "{\"a\":}"] {
            let e = serde_json::from_str::<Configuration>(bad).unwrap_err();
            assert!(!e.to_string().is_empty(), "{bad}");
        }
        let long = format!("\"{}\"", "x".repeat(100));
        let e = serde_json::from_str::<Configuration>(&long).unwrap_err();
        assert!(e.to_string().contains("a JSON object"), "{e}");
        assert!(!e.to_string().contains(&"x".repeat(20)), "cut short: {e}");
        let wide = format!("\"{}\"", "é".repeat(50));
        let e = serde_json::from_str::<Configuration>(&wide).unwrap_err();
        assert!(e.to_string().contains("ééé"), "{e}");
    }

    #[test]
    fn decodes_from_a_value_too() {
        let c: Configuration = serde_json::from_value(json!({"a": {"b": 1}})).unwrap();
        assert_eq!(c.get("a"), Some(json!({"b": 1})));
        assert!(serde_json::from_value::<Configuration>(json!([1])).is_err());
    }

    #[test]
    fn debug_redacts_credentials() {
        let c = decoded(r#"{"user":"u","password":"hunter2","nested":{"awsSecretKey":"s3cr3t"}}"#);
        let text = format!("{c:?}");
        assert!(text.contains("\"u\""), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("s3cr3t"),
            "{text}"
        );
    }

    #[test]
    fn deserialize_into_reads_either_form() {
        #[derive(serde::Deserialize, PartialEq, Debug)]
        struct P {
            port: u16,
        }
        assert_eq!(
            decoded(r#"{"port":1}"#).deserialize_into::<P>().unwrap(),
            P { port: 1 }
        );
        let map = json!({"port": 2});
        let built = Configuration::from(map.as_object().unwrap().clone());
        assert_eq!(built.deserialize_into::<P>().unwrap(), P { port: 2 });
        assert!(decoded(r#"{"port":"x"}"#).deserialize_into::<P>().is_err());
    }
}
