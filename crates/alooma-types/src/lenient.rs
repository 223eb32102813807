//! [`Lenient`]: a number or a bool that real tools also write as a string,
//! kept in the form it was read.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A scalar the server stores in whatever form a client sent it: a number
/// (`1024`) or a numeric string (`"1024"`), a bool (`false`) or its text
/// (`"false"`, `"True"`).
///
/// Both forms decode; [`get`](Self::get) gives the typed value. Encoding
/// gives back exactly the form that was decoded: a string stays that
/// string, an integer written for a float field stays an integer (`45`, not
/// `45.0`). A value built in code ([`new`](Self::new), `From<T>`) is sent
/// typed; [`quoted`](Self::quoted) sends it as a string. Text that reads as
/// no value of `T` (`"port"` for a number) is a decode error.
///
/// ```
/// use alooma_types::Lenient;
/// let a: Lenient<bool> = serde_json::from_str("\"false\"").unwrap();
/// let b: Lenient<u16> = serde_json::from_str("5439").unwrap();
/// let c: Lenient<f64> = serde_json::from_str("45").unwrap();
/// assert!(!*a.get() && a.is_quoted());
/// assert_eq!(*b.get(), 5439);
/// assert_eq!(serde_json::to_string(&a).unwrap(), "\"false\"");
/// assert_eq!(serde_json::to_string(&c).unwrap(), "45");
/// assert_eq!(serde_json::to_string(&Lenient::new(true)).unwrap(), "true");
/// assert!(serde_json::from_str::<Lenient<u16>>("\"port\"").is_err());
/// ```
#[derive(Clone, PartialEq)]
pub struct Lenient<T> {
    value: T,
    form: Form,
}

/// How a [`Lenient`] value is written. The common forms are told by the
/// tag alone, so a `Lenient<f64>` is three words and one read as an integer
/// costs no allocation; the rare ones are boxed.
#[derive(Clone, PartialEq)]
enum Form {
    /// As `T` serializes itself.
    Native,
    /// As the integer the value is (an integer read into a float: `45`,
    /// not `45.0`).
    Integer,
    /// As the float the value is (a float read into an integer type:
    /// `1024.0`).
    Float,
    /// Anything else, exactly as read.
    Kept(Box<Kept>),
}

/// A form kept as it was read.
#[derive(Clone, PartialEq)]
enum Kept {
    /// This JSON number (an integer a float cannot hold exactly).
    Number(serde_json::Number),
    /// This exact string.
    Text(Box<str>),
}

impl Form {
    fn text(text: &str) -> Self {
        Form::Kept(Box::new(Kept::Text(text.into())))
    }
}

impl<T> Lenient<T> {
    /// A value sent typed (`true`, `5439`).
    pub fn new(value: T) -> Self {
        Lenient {
            value,
            form: Form::Native,
        }
    }

    /// The value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The value, consuming the wrapper.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Whether the value is (or was received as) a string.
    pub fn is_quoted(&self) -> bool {
        self.text().is_some()
    }

    /// The exact text the value was read from, when it was a string.
    pub fn text(&self) -> Option<&str> {
        match &self.form {
            Form::Kept(kept) => match &**kept {
                Kept::Text(t) => Some(t),
                Kept::Number(_) => None,
            },
            _ => None,
        }
    }
}

impl<T: fmt::Display> Lenient<T> {
    /// A value sent as a string (`"true"`, `"5439"`).
    pub fn quoted(value: T) -> Self {
        let form = Form::text(&value.to_string());
        Lenient { value, form }
    }

    /// Replaces the value, keeping the form: a value read as a string is
    /// written as a string again.
    pub fn set(&mut self, value: T) {
        self.form = if self.is_quoted() {
            Form::text(&value.to_string())
        } else {
            Form::Native
        };
        self.value = value;
    }
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Lenient::new(T::default())
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient::new(value)
    }
}

impl<T: Eq> Eq for Lenient<T> {}

impl<T: fmt::Debug> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text() {
            Some(t) => write!(f, "{:?} (as {t:?})", self.value),
            None => self.value.fmt(f),
        }
    }
}

impl<T: Serialize + LenientScalar> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let number = match &self.form {
            Form::Native => None,
            Form::Integer => self.value.as_number(true),
            Form::Float => self.value.as_number(false),
            Form::Kept(kept) => match &**kept {
                Kept::Number(n) => return n.serialize(s),
                Kept::Text(t) => return s.serialize_str(t),
            },
        };
        match number {
            Some(n) => n.serialize(s),
            None => self.value.serialize(s),
        }
    }
}

/// A scalar type a [`Lenient`] can hold: how it reads from each JSON form.
pub trait LenientScalar: Sized {
    /// What the value is, for error messages ("a number", "a bool").
    const EXPECTING: &'static str;
    /// The value of a JSON number, if it is one of `Self`. The second item
    /// is whether the number must be kept to be written back as read.
    fn from_number(n: &serde_json::Number) -> Option<(Self, bool)>;
    /// The value of a JSON bool, if `Self` reads bools.
    fn from_bool(_b: bool) -> Option<Self> {
        None
    }
    /// The value of a string, if it reads as one of `Self`.
    fn from_text(s: &str) -> Option<Self>;
    /// The value as a JSON integer (`integer`) or float, when it is one.
    /// A number read is kept by its form alone when this gives it back
    /// exactly; otherwise the number itself is kept.
    fn as_number(&self, _integer: bool) -> Option<serde_json::Number> {
        None
    }
}

macro_rules! lenient_int {
    ($($t:ty),+) => {$(
        impl LenientScalar for $t {
            const EXPECTING: &'static str = concat!("an integer (", stringify!($t), ")");
            fn from_number(n: &serde_json::Number) -> Option<(Self, bool)> {
                if let Some(u) = n.as_u64() {
                    return <$t>::try_from(u).ok().map(|v| (v, false));
                }
                if let Some(i) = n.as_i64() {
                    return <$t>::try_from(i).ok().map(|v| (v, false));
                }
                // A float with no fraction (`1024.0`): read, and kept as read.
                let f = n.as_f64()?;
                // (`MAX as f64` may round up to a value past `MAX`.)
                if f.fract() == 0.0 && f >= <$t>::MIN as f64 && f < <$t>::MAX as f64 + 1.0 {
                    Some((f as $t, true))
                } else {
                    None
                }
            }
            fn from_text(s: &str) -> Option<Self> {
                let s = s.trim();
                s.parse().ok().or_else(|| {
                    let n: serde_json::Number = s.parse().ok()?;
                    Self::from_number(&n).map(|(v, _)| v)
                })
            }
            fn as_number(&self, integer: bool) -> Option<serde_json::Number> {
                if integer {
                    Some(serde_json::Number::from(*self))
                } else {
                    serde_json::Number::from_f64(*self as f64)
                }
            }
        }
    )+};
}

lenient_int!(u8, u16, u32, u64, i32, i64);

impl LenientScalar for f64 {
    const EXPECTING: &'static str = "a number";
    fn from_number(n: &serde_json::Number) -> Option<(Self, bool)> {
        // Kept as read, so that `45` is not written back as `45.0`.
        n.as_f64().map(|f| (f, true))
    }
    fn from_text(s: &str) -> Option<Self> {
        s.trim().parse().ok().filter(|f: &f64| f.is_finite())
    }
    fn as_number(&self, integer: bool) -> Option<serde_json::Number> {
        /// Every integer up to this is a float exactly.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        if !integer {
            return serde_json::Number::from_f64(*self);
        }
        if self.fract() != 0.0 || self.abs() > EXACT {
            return None;
        }
        Some(if *self >= 0.0 {
            serde_json::Number::from(*self as u64)
        } else {
            serde_json::Number::from(*self as i64)
        })
    }
}

impl LenientScalar for bool {
    const EXPECTING: &'static str = "a bool";
    fn from_number(_n: &serde_json::Number) -> Option<(Self, bool)> {
        // A bool is a bool or its text; `0` / `1` are numbers, not bools.
        None
    }
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
    fn from_text(s: &str) -> Option<Self> {
        match s.trim() {
            t if t.eq_ignore_ascii_case("true") => Some(true),
            t if t.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

/// Whether two JSON numbers are written the same: `==` on numbers takes
/// `-0.0` for `0.0`, so floats compare by their bits.
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_f64() && b.is_f64() => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

struct LenientVisitor<T>(std::marker::PhantomData<T>);

impl<T: LenientScalar> LenientVisitor<T> {
    fn number<E: de::Error>(n: serde_json::Number) -> Result<Lenient<T>, E> {
        match T::from_number(&n) {
            Some((value, false)) => Ok(Lenient::new(value)),
            Some((value, true)) => {
                let form = if value
                    .as_number(!n.is_f64())
                    .is_some_and(|m| same_number(&m, &n))
                {
                    if n.is_f64() {
                        Form::Float
                    } else {
                        Form::Integer
                    }
                } else {
                    Form::Kept(Box::new(Kept::Number(n)))
                };
                Ok(Lenient { value, form })
            }
            None => Err(E::custom(format_args!(
                "invalid value {n}: expected {}",
                T::EXPECTING
            ))),
        }
    }

    fn text<E: de::Error>(s: &str) -> Result<Lenient<T>, E> {
        match T::from_text(s) {
            Some(value) => Ok(Lenient {
                value,
                form: Form::text(s),
            }),
            None => Err(E::custom(format_args!(
                "invalid value {s:?}: expected {} or a string holding one",
                T::EXPECTING
            ))),
        }
    }
}

impl<'de, T: LenientScalar> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} or a string holding one", T::EXPECTING)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        T::from_bool(b)
            .map(Lenient::new)
            .ok_or_else(|| E::invalid_type(de::Unexpected::Bool(b), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::number(v.into())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::number(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => Self::number(n),
            None => Err(E::invalid_value(de::Unexpected::Float(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Self::text(s)
    }
}

impl<'de, T: LenientScalar> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: LenientScalar + Serialize>(json: &str) -> String {
        let v: Lenient<T> = serde_json::from_str(json).unwrap();
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn every_form_is_written_as_read() {
        for json in ["1024", "\"1024\"", "\" 38 \"", "1024.0"] {
            assert_eq!(round_trip::<u64>(json), json);
        }
        for json in ["45", "45.5", "\"45\"", "-3"] {
            assert_eq!(round_trip::<f64>(json), json);
        }
        for json in ["true", "\"false\"", "\"True\""] {
            assert_eq!(round_trip::<bool>(json), json);
        }
    }

    #[test]
    fn numbers_no_form_can_give_back_are_kept() {
        // Past 2^53 a float cannot hold the integer: the number is kept.
        for json in [
            "9007199254740993",
            "-9007199254740993",
            "18446744073709551615",
        ] {
            assert_eq!(round_trip::<f64>(json), json);
        }
        for json in ["0", "-0.5", "1e300", "9007199254740992"] {
            let v: Lenient<f64> = serde_json::from_str(json).unwrap();
            assert_eq!(
                serde_json::to_value(&v).unwrap(),
                serde_json::from_str::<serde_json::Value>(json).unwrap(),
                "{json}"
            );
        }
        assert_eq!(round_trip::<i64>("-12.0"), "-12.0");
        for json in ["-0.0", "0.0"] {
            assert_eq!(round_trip::<i64>(json), json);
            assert_eq!(round_trip::<f64>(json), json);
        }
        assert_eq!(round_trip::<u64>("-0.0"), "-0.0");
        // 2^64 is past u64::MAX, and 2^63 past i64::MAX.
        assert!(serde_json::from_str::<Lenient<u64>>("18446744073709551616.0").is_err());
        assert!(serde_json::from_str::<Lenient<i64>>("9223372036854775808.0").is_err());
    }

    #[test]
    fn common_forms_cost_no_allocation_and_stay_small() {
        use std::mem::size_of;
        assert_eq!(size_of::<Lenient<f64>>(), 24);
        assert_eq!(size_of::<Lenient<bool>>(), 24);
        assert_eq!(size_of::<crate::Maybe<Lenient<f64>>>(), 24);
        for json in ["45", "45.5", "1024"] {
            let v: Lenient<f64> = serde_json::from_str(json).unwrap();
            assert!(!matches!(v.form, Form::Kept(_)), "{json}");
        }
    }

    #[test]
    fn typed_values() {
        let v: Lenient<u64> = serde_json::from_str("\" 38 \"").unwrap();
        assert_eq!(*v.get(), 38);
        assert_eq!(v.text(), Some(" 38 "));
        let b: Lenient<bool> = serde_json::from_str("\"True\"").unwrap();
        assert!(*b.get());
    }

    #[test]
    fn impossible_values_are_errors() {
        for bad in [
            "\"x\"",
            "-1",
            "1.5",
            "true",
            "null",
            "[]",
            "{}",
            "\"1e400\"",
        ] {
            assert!(serde_json::from_str::<Lenient<u64>>(bad).is_err(), "{bad}");
        }
        for bad in ["\"yes\"", "2", "1", "0", "\"\""] {
            assert!(serde_json::from_str::<Lenient<bool>>(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Lenient<u16>>("70000").is_err());
        assert!(serde_json::from_str::<Lenient<f64>>("\"NaN\"").is_err());
    }

    #[test]
    fn set_keeps_the_form() {
        let mut v: Lenient<u64> = serde_json::from_str("\"10\"").unwrap();
        v.set(20);
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"20\"");
        let mut v: Lenient<u64> = serde_json::from_str("10").unwrap();
        v.set(20);
        assert_eq!(serde_json::to_string(&v).unwrap(), "20");
    }
}
