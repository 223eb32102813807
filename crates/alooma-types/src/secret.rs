//! [`Secret`]: a credential that never shows up in `Debug` output or logs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The marker printed in place of a secret's value.
pub const REDACTED: &str = "<redacted>";

/// A credential or other sensitive string (password, API key, AWS secret key,
/// secret value).
///
/// `Debug` prints a redaction marker and there is deliberately no `Display`,
/// so a secret cannot leak through `{:?}`, `tracing` fields or error messages.
/// Serialization still sends the real value: that is what the wire needs.
///
/// ```
/// use alooma_types::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
/// assert_eq!(s.expose(), "hunter2");
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter2\"");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a sensitive value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value. Call this only where the value must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Unwraps into the real value.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("AKIA-very-secret");
        let dbg = format!("{s:?} {:#?}", s);
        assert!(!dbg.contains("very-secret"), "{dbg}");
        assert!(dbg.contains(REDACTED));
    }

    #[test]
    fn serde_round_trip_keeps_the_value() {
        let s: Secret = serde_json::from_str("\"p@ss\"").unwrap();
        assert_eq!(s.expose(), "p@ss");
        assert_eq!(serde_json::to_value(&s).unwrap(), "p@ss");
    }
}
