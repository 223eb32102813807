//! The [`string_enum!`] macro: enums of known wire strings that never fail on
//! a value the server adds later.

/// Declares an enum of known wire strings with an `Other(String)` fallback.
///
/// The enum (de)serializes as a plain JSON string; an unknown string decodes
/// to `Other` and encodes back unchanged, so a read-then-write never loses a
/// value the server added after this crate was published.
///
/// ```
/// alooma_types::string_enum! {
///     /// Colours.
///     pub enum Colour {
///         /// Red.
///         Red => "RED",
///         /// Blue.
///         Blue => "BLUE",
///     }
/// }
/// let c: Colour = serde_json::from_str("\"GREEN\"").unwrap();
/// assert_eq!(c, Colour::Other("GREEN".into()));
/// assert_eq!(serde_json::to_string(&Colour::Red).unwrap(), "\"RED\"");
/// assert_eq!(Colour::Blue.as_str(), "BLUE");
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know; kept verbatim.
            Other(::std::string::String),
        }

        impl $name {
            /// Every known value, in documentation order.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The wire spelling of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Whether this is one of the values this SDK knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                })
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(never) => match never {},
                }
            }
        }

        $crate::__string_enum_schema!($name, [$($wire),+]);

        $crate::wire_leaf!($name);

        impl $crate::__private::Serialize for $name {
            fn serialize<S: $crate::__private::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                // Reads the string in place: only an unknown value allocates.
                struct StrVisitor;
                impl<'de> $crate::__private::Visitor<'de> for StrVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }

                    fn visit_str<E: $crate::__private::de::Error>(self, s: &str) -> ::std::result::Result<$name, E> {
                        ::std::result::Result::Ok($name::from(s))
                    }

                    fn visit_string<E: $crate::__private::de::Error>(self, s: ::std::string::String) -> ::std::result::Result<$name, E> {
                        ::std::result::Result::Ok(match s.as_str() {
                            $( $wire => $name::$variant, )+
                            _ => $name::Other(s),
                        })
                    }
                }
                d.deserialize_str(StrVisitor)
            }
        }
    };
}

/// The JSON Schema of a [`string_enum!`] type (feature `schema`): a
/// string, with the known values as examples (others are kept too).
#[cfg(feature = "schema")]
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum_schema {
    ($name:ident, [$($wire:literal),+]) => {
        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!({
                    "type": "string",
                    "examples": [$($wire),+]
                })
            }
        }
    };
}

/// Without the `schema` feature, no schema.
#[cfg(not(feature = "schema"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum_schema {
    ($($t:tt)*) => {};
}
