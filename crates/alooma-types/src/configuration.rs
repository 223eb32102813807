//! [`Configuration`]: a node's type-specific configuration, kept compact.

use crate::RedactedMap;

/// A JSON object.
type Extra = serde_json::Map<String, Value>;
use crate::shared::SharedText;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// A node's type-specific configuration (`"configuration"` of a node): a
/// JSON object such as `{"auto_map": "true", "port": "5439", …}`.
///
/// Decoded from an answer, it keeps the object's exact text, in the
/// server's key order, and reads keys on demand: a structure of 200,000
/// nodes holds a fraction of the memory a map per node would. The text is
/// one allocation; decoded with [`decode_sharing`](crate::decode_sharing)
/// (as the SDK decodes answers of 64 KB and more), it is a slice of the
/// answer's body instead, and the body stays in memory while this value or
/// any clone of it lives; [`unshare`](Self::unshare) copies the text out. Built from a map (`From<Extra>`) or changed through
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
    Text(Box<str>),
    /// The same, as a slice of the body it was decoded from.
    Shared(SharedText),
    /// A map, as built or changed by the caller (boxed: a configuration
    /// costs three words whichever it holds).
    Map(Box<Extra>),
}

/// Why kept text did not read back (cannot happen: it was read once).
fn unreadable() -> serde_json::Error {
    de::Error::custom("the kept configuration text does not read back")
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
            _ => {
                let text = self.text()?;
                serde_json::Deserializer::from_str(text)
                    .deserialize_map(FindKey(key))
                    .ok()
                    .flatten()
            }
        }
    }

    /// The kept text (`None` for a map).
    fn text(&self) -> Option<&str> {
        match &self.repr {
            Repr::Text(text) => Some(text),
            Repr::Shared(shared) => shared.text(),
            Repr::Map(_) => None,
        }
    }

    /// Whether the text is a slice of the body it was decoded from.
    pub fn is_shared(&self) -> bool {
        matches!(self.repr, Repr::Shared(_))
    }

    /// Copies text sliced from a body out of it, so that the body can be
    /// freed while this configuration is kept.
    ///
    /// ```
    /// use alooma_types::{decode_sharing, Configuration};
    /// let mut c: Configuration =
    ///     decode_sharing(r#"{"port":5439}"#.to_owned(), |b| serde_json::from_slice(b)).unwrap();
    /// assert!(c.is_shared());
    /// c.unshare();
    /// assert!(!c.is_shared());
    /// assert_eq!(c.to_json(), r#"{"port":5439}"#);
    /// ```
    pub fn unshare(&mut self) {
        if let Repr::Shared(shared) = &self.repr {
            if let Some(text) = shared.text() {
                self.repr = Repr::Text(text.into());
            }
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
            _ => serde_json::from_str(self.text().ok_or_else(unreadable)?),
        }
    }

    /// The object as a map to change in place (a decoded configuration is
    /// decoded into a map once, here).
    ///
    /// # Errors
    /// As [`to_map`](Self::to_map); the configuration is unchanged then.
    pub fn make_mut(&mut self) -> Result<&mut Extra, serde_json::Error> {
        if !matches!(self.repr, Repr::Map(_)) {
            self.repr = Repr::Map(Box::new(self.to_map()?));
        }
        match &mut self.repr {
            Repr::Map(map) => Ok(map),
            // Just replaced by a map.
            _ => Err(de::Error::custom("configuration is not a map")),
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
            _ => serde_json::from_str(self.text().ok_or_else(unreadable)?),
        }
    }

    /// The object as JSON text (the server's own text when decoded).
    pub fn to_json(&self) -> String {
        match &self.repr {
            Repr::Map(map) => Value::Object((**map).clone()).to_string(),
            _ => self.text().unwrap_or("{}").to_owned(),
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
        if let (Some(a), Some(b)) = (self.text(), other.text()) {
            if a == b {
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
            _ => match self.text() {
                Some(text) => serialize_text(text, s),
                None => Err(serde::ser::Error::custom(unreadable())),
            },
        }
    }
}

/// Writes kept JSON text (the exact text of a JSON value, as read) as
/// [`serialize_raw`] does: to serde_json verbatim, without reading it again
/// (serde_json writes a struct named [`RAW_VALUE`] with one field of that
/// name as the field's text, as it writes a `RawValue`); to any other
/// serializer as the value it holds.
pub(crate) fn serialize_text<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    if std::any::type_name::<S>().contains("serde_json::") {
        let mut raw = s.serialize_struct(RAW_VALUE, 1)?;
        raw.serialize_field(RAW_VALUE, text)?;
        raw.end()
    } else {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => value.serialize(s),
            Err(e) => Err(serde::ser::Error::custom(e)),
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

impl Configuration {
    /// The configuration of an object's exact text: a slice of the body
    /// being shared, when it lies within it, else a copy.
    fn of_text(text: RawText<'_>) -> Self {
        let repr = match text {
            RawText::Borrowed(text) => match SharedText::within_current(text) {
                Some(shared) => Repr::Shared(shared),
                None => Repr::Text(text.into()),
            },
            RawText::Owned(text) => Repr::Text(text.into_boxed_str()),
        };
        Configuration { repr }
    }
}

impl<'de> Deserialize<'de> for Configuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawText::deserialize(d)?;
        let text = raw.as_str();
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
        Ok(Configuration::of_text(raw))
    }
}

/// serde_json's name for its raw values: a deserializer asked for a newtype
/// struct of this name answers with the value's exact text, borrowed from
/// the input when the input allows (this is how serde_json reads
/// `&RawValue` and `Box<RawValue>`; serde_json's `Value` answers too). A
/// test checks both forms.
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// The exact text of one JSON value, borrowed from the input when it can be.
enum RawText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl RawText<'_> {
    fn as_str(&self) -> &str {
        match self {
            RawText::Borrowed(text) => text,
            RawText::Owned(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_VALUE, RawVisitor)
    }
}

/// Reads serde_json's answer to [`RAW_VALUE`]: one entry, the name as its
/// key and the text as its value.
struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText<'de>, A::Error> {
        if map.next_key_seed(KeyIs(RAW_VALUE))? != Some(true) {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        }
        map.next_value_seed(RawSeed)
    }

    /// A deserializer that does not know serde_json's raw values (YAML,
    /// serde's own flattening and buffering) hands over the value itself:
    /// it is read as JSON and kept as its text (a copy).
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<RawText<'de>, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(RawText::Owned(value.to_string()))
    }
}

/// The text of a [`RAW_VALUE`] entry.
struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = RawText<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawText<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawSeed {
    type Value = RawText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the text of a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<RawText<'de>, E> {
        Ok(RawText::Borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<RawText<'de>, E> {
        Ok(RawText::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<RawText<'de>, E> {
        Ok(RawText::Owned(text))
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
        let raw = RawText::deserialize(d)?;
        let text = raw.as_str();
        Ok(if text == "null" {
            crate::Maybe::Null
        } else if text.starts_with('{') {
            crate::Maybe::Value(Configuration::of_text(raw))
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(value) => crate::Maybe::Mistyped(crate::Mistyped::new(value)),
                Err(e) => return Err(de::Error::custom(e)),
            }
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
    fn decoded_sharing_the_body_slices_it_and_reads_the_same() {
        let body = r#"{"nodes":[{"id":"a","configuration":{"z":1, "a":"x"}},{"id":"b","configuration":{}}]}"#;
        let plain: crate::Structure = serde_json::from_str(body).unwrap();
        let shared: crate::Structure =
            crate::decode_sharing(body.to_owned(), |b| serde_json::from_slice(b)).unwrap();
        assert_eq!(plain, shared);
        for (p, s) in plain.nodes().iter().zip(shared.nodes()) {
            let (p, s) = (
                p.configuration.get().unwrap(),
                s.configuration.get().unwrap(),
            );
            assert!(!p.is_shared() && s.is_shared());
            assert_eq!(p.to_json(), s.to_json());
            assert_eq!(p.get("z"), s.get("z"));
            assert_eq!(p.to_map().unwrap(), s.to_map().unwrap());
        }
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            serde_json::to_string(&shared).unwrap()
        );
        assert!(serde_json::to_string(&shared)
            .unwrap()
            .contains(r#"{"z":1, "a":"x"}"#));
        // A map made of it, and a copy out, no longer slice the body.
        let mut c = shared.nodes()[0].configuration.get().unwrap().clone();
        c.unshare();
        assert!(!c.is_shared());
        assert_eq!(c.to_json(), r#"{"z":1, "a":"x"}"#);
        c.make_mut().unwrap().insert("n".into(), json!(null));
        assert_eq!(c.to_json(), r#"{"z":1,"a":"x","n":null}"#);
    }

    #[test]
    fn text_from_outside_the_shared_body_is_copied() {
        // Read from another document while a body is shared: a copy.
        let c: Configuration = crate::decode_sharing(r#"{"a":1}"#.to_owned(), |_| {
            serde_json::from_str(r#"{"b":2}"#)
        })
        .unwrap();
        assert!(!c.is_shared());
        assert_eq!(c.get("b"), Some(json!(2)));
        // Nested calls put the outer body back.
        let outer = r#"{"o":1}"#.to_owned();
        let c: Configuration = crate::decode_sharing(outer, |b| {
            let inner: Configuration =
                crate::decode_sharing(r#"{"i":1}"#.to_owned(), |i| serde_json::from_slice(i))
                    .unwrap();
            assert!(inner.is_shared());
            serde_json::from_slice(b)
        })
        .unwrap();
        assert!(c.is_shared() && c.get("o").is_some());
        // After the call, nothing is shared.
        let c: Configuration = serde_json::from_str(r#"{"a":1}"#).unwrap();
        assert!(!c.is_shared());
    }

    #[test]
    fn a_value_deserializer_gives_the_text_too() {
        let v = json!({"configuration": {"a": [1, 2]}});
        let n: crate::Node =
            serde_json::from_value(json!({"id": "x", "configuration": v["configuration"]}))
                .unwrap();
        assert_eq!(n.configuration.get().unwrap().get("a"), Some(json!([1, 2])));
        let m: crate::Node =
            serde_json::from_value(json!({"id": "x", "configuration": "no"})).unwrap();
        assert_eq!(m.configuration.mistyped().unwrap().json(), "no");
        let z: crate::Node =
            serde_json::from_value(json!({"id": "x", "configuration": null})).unwrap();
        assert_eq!(z.configuration, crate::Maybe::Null);
    }

    #[test]
    fn kept_text_is_written_verbatim_to_every_serde_json_writer() {
        let text = r#"{"z":1, "a":[1,2]}"#;
        for c in [
            decoded(text),
            crate::decode_sharing(text.to_owned(), |b| serde_json::from_slice(b)).unwrap(),
        ] {
            assert_eq!(serde_json::to_string(&c).unwrap(), text);
            assert_eq!(serde_json::to_string_pretty(&c).unwrap(), text);
            assert_eq!(
                serde_json::to_value(&c).unwrap(),
                json!({"z": 1, "a": [1, 2]})
            );
        }
    }

    #[test]
    fn deserializers_that_do_not_know_raw_values_copy_the_value() {
        // serde's own flattening buffers the fields and hands them over as
        // values, not as serde_json's raw values.
        #[derive(serde::Deserialize)]
        struct Wrapped {
            #[serde(flatten)]
            node: crate::Node,
        }
        let w: Wrapped =
            serde_json::from_str(r#"{"id":"a","configuration":{"port":"5439"}}"#).unwrap();
        let c = w.node.configuration.get().unwrap();
        assert_eq!(c.get("port"), Some(json!("5439")));
        assert!(!c.is_shared());
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
