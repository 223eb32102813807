//! One-pass decoding for models that keep unknown keys in an [`Extra`] map.
//!
//! `#[serde(flatten)]` makes serde buffer every object into an intermediate
//! tree before decoding it: twice the work and several times the memory on
//! large answers (a structure of tens of megabytes, a big mapping). The
//! `deserialize_with_extra!` macro generates instead a visitor that decodes
//! each known key straight into its field and each unknown key into
//! `extra`, in one streaming pass, with the same results and errors as the
//! derived implementation (missing required keys, duplicate known keys).
//! Serialization keeps the derived implementation.
//!
//! Models do not invoke it by hand: `#[crate::model]` (the
//! `alooma-types-macros` attribute) declares a model once, giving each
//! `Maybe` field its default and its skip-when-absent, each key its name
//! by the model's rule, `extra` its flattening, and this macro its list.
//!
//! [`Extra`]: crate::Extra

/// Implements `Deserialize` for a struct with a `pub extra: Extra` field.
///
/// Each field is listed with its wire name and its kind: `required` (must be
/// present) or `optional` (a [`Maybe`](crate::Maybe): absent → `Absent`,
/// `null` → `Null`, as `#[serde(default)]` does).
macro_rules! deserialize_with_extra {
    ($ty:ident { $($field:ident : $wire:literal [$kind:ident]),+ $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($ty), ")"))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        match <$ty as $crate::wire::ReadObject>::read_object(map, false)? {
                            $crate::Maybe::Value(v) => Ok(v),
                            _ => Err(<A::Error as ::serde::de::Error>::custom(
                                concat!("a JSON object (", stringify!($ty), ")"))),
                        }
                    }
                }
                deserializer.deserialize_map(ModelVisitor)
            }
        }

        impl $crate::wire::ReadObject for $ty {
            fn read_object<'de, A: ::serde::de::MapAccess<'de>>(
                mut map: A,
                keep: bool,
            ) -> Result<$crate::Maybe<$ty>, A::Error> {
                /// An object key: one of the model's (read without
                /// allocating), or another one for `extra`.
                #[allow(non_camel_case_types)]
                enum Key {
                    $( $field, )+
                    Unknown(String),
                }
                struct KeyVisitor;
                impl<'de> ::serde::de::Visitor<'de> for KeyVisitor {
                    type Value = Key;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("an object key")
                    }

                    fn visit_str<E: ::serde::de::Error>(self, key: &str) -> Result<Key, E> {
                        Ok(match key {
                            $( $wire => Key::$field, )+
                            other => Key::Unknown(other.to_owned()),
                        })
                    }

                    fn visit_string<E: ::serde::de::Error>(self, key: String) -> Result<Key, E> {
                        Ok(match key.as_str() {
                            $( $wire => Key::$field, )+
                            _ => Key::Unknown(key),
                        })
                    }
                }
                impl<'de> ::serde::de::DeserializeSeed<'de> for KeyVisitor {
                    type Value = Key;
                    fn deserialize<K: ::serde::Deserializer<'de>>(self, d: K) -> Result<Key, K::Error> {
                        d.deserialize_str(self)
                    }
                }

                $( let mut $field = None; )+
                let mut extra = $crate::Extra::new();
                #[allow(unused_assignments)]
                let mut known = false;
                while let Some(key) = map.next_key_seed(KeyVisitor)? {
                    match key {
                        $( Key::$field => {
                            if $field.is_some() {
                                return Err(<A::Error as ::serde::de::Error>::duplicate_field($wire));
                            }
                            known = true;
                            $field = Some(map.next_value()?);
                        } )+
                        Key::Unknown(name) => {
                            extra.insert(name, map.next_value()?);
                        }
                    }
                }
                $( $crate::extra::deserialize_with_extra!(@check $kind, $field, $wire, A, keep, known, extra); )+
                // Models without a required key never keep an object.
                let _ = (keep, known);
                Ok($crate::Maybe::Value($ty {
                    $( $field: $crate::extra::deserialize_with_extra!(@finish $kind, $field, $wire, A), )+
                    extra,
                }))
            }
        }

        impl $crate::Wire for $ty {
            fn decode<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<$crate::Maybe<Self>, D::Error> {
                $crate::wire::decode_object(d)
            }
        }
    };
    // A required key is missing from an object that holds none of the
    // model's keys, under an optional key: the object is not this model,
    // and is kept whole (it is all in `extra`, in its order).
    (@check required, $f:ident, $wire:literal, $a:ident, $keep:ident, $known:ident, $extra:ident) => {
        if $f.is_none() && $keep && !$known {
            return Ok($crate::Maybe::Mistyped($crate::Mistyped::new(
                ::serde_json::Value::Object($extra.into_map()),
            )));
        }
    };
    (@check optional, $f:ident, $wire:literal, $a:ident, $keep:ident, $known:ident, $extra:ident) => {};
    (@finish required, $f:ident, $wire:literal, $a:ident) => {
        match $f {
            Some(v) => v,
            None => return Err(<$a::Error as ::serde::de::Error>::missing_field($wire)),
        }
    };
    (@finish optional, $f:ident, $wire:literal, $a:ident) => {
        $f.unwrap_or_default()
    };
}

pub(crate) use deserialize_with_extra;

#[cfg(test)]
mod tests {
    use crate::{EventType, Field, Maybe, Node};
    use serde_json::json;

    #[test]
    fn known_keys_go_to_fields_and_unknown_keys_to_extra() {
        let f: Field = serde_json::from_value(json!({
            "fieldName": "a", "fields": [], "mapping": null, "stats": {"n": 1}, "x": [1]
        }))
        .unwrap();
        assert_eq!(f.field_name, "a");
        assert_eq!(f.stats.get().unwrap().to_value(), json!({"n": 1}));
        assert!(!f.extra.contains_key("stats"));
        assert_eq!(f.extra["x"], json!([1]));
    }

    #[test]
    fn escaped_keys_are_still_recognised() {
        let f: Field = serde_json::from_str(r#"{"field\u004eame":"a","fields":[]}"#).unwrap();
        assert_eq!(f.field_name, "a");
        assert!(f.extra.is_empty());
    }

    #[test]
    fn missing_and_duplicate_keys_are_errors() {
        let e = serde_json::from_str::<Field>(r#"{"fields":[]}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `fieldName`"), "{e}");
        let e = serde_json::from_str::<Field>(r#"{"fieldName":"a","fieldName":"b"}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate field `fieldName`"), "{e}");
        let e = serde_json::from_str::<Node>(r#"{"id":7,"name":"n","type":"S3"}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        let e = serde_json::from_str::<EventType>("[1]").unwrap_err();
        assert!(e.to_string().contains("a JSON object (EventType)"), "{e}");
    }

    #[test]
    fn optional_keys_keep_null_apart_from_absent() {
        let et: EventType = serde_json::from_str(r#"{"name":"e","mapping":null}"#).unwrap();
        assert_eq!(et.mapping, Maybe::Null);
        assert_eq!(et.fields, Maybe::Absent);
        let n: Node =
            serde_json::from_str(r#"{"id":"1","name":"n","type":"S3","state":null}"#).unwrap();
        assert_eq!(n.state, Maybe::Null);
        let n: Node = serde_json::from_str(r#"{"id":"1","name":"n","type":"S3"}"#).unwrap();
        assert_eq!(n.state, Maybe::Absent);
        assert_eq!(
            serde_json::to_value(&n).unwrap(),
            json!({"id":"1","name":"n","type":"S3"})
        );
    }
}
