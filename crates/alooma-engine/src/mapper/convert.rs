//! Values into columns: the type auto-mapping infers for a value, and the
//! conversion of a value into a column of a given type on load.
//!
//! Inference (data-path §3.3, the suggested rule): a bool is `BOOLEAN`, an
//! integer `BIGINT`, another number `FLOAT`, an ISO-8601 date-time text
//! `TIMESTAMP`, other text `VARCHAR(256)`, a list or an object (a list's
//! items, or an object the Mapper keeps whole) `VARCHAR(65535)` holding its
//! JSON; `null` infers nothing (the field waits for a value).
//!
//! Conversion on load: a value that does not fit its column is an error
//! (the event goes to the Restream Queue with it), except text over a
//! `VARCHAR`'s length when the column truncates, which is cut; `null` into
//! a `NOT NULL` column is an error. Numbers and flags written as text
//! convert (`"42"` into `BIGINT`, `"true"` into `BOOLEAN`), as the
//! warehouse's COPY did.

use super::model::ColumnType;
use serde_json::Value;
use std::fmt;

/// The length of the `VARCHAR` inferred for text.
pub const TEXT_LENGTH: u64 = 256;

/// The length of the `VARCHAR` inferred for a list or an object (its JSON).
pub const JSON_LENGTH: u64 = 65535;

/// A value as it loads into its column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// A `BOOLEAN`.
    Bool(bool),
    /// A `BIGINT`/`INTEGER`/`SMALLINT`.
    Int(i64),
    /// A `FLOAT`/`DOUBLE`/`NUMERIC`/`DECIMAL`/`REAL`.
    Float(f64),
    /// Text: `VARCHAR`/`CHAR`/`TEXT`, a `TIMESTAMP` in ISO-8601, or JSON.
    Text(String),
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => f.write_str("NULL"),
            Cell::Bool(b) => write!(f, "{b}"),
            Cell::Int(n) => write!(f, "{n}"),
            Cell::Float(x) => write!(f, "{x}"),
            Cell::Text(t) => write!(f, "{t:?}"),
        }
    }
}

/// The kind of SQL type a column's type name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Character types.
    Text,
    /// Whole numbers.
    Int,
    /// Other numbers.
    Float,
    /// `BOOLEAN`.
    Bool,
    /// Date-times.
    Timestamp,
    /// A date.
    Date,
}

impl Kind {
    /// The kind of a type name (`VARCHAR`, `INT8`, `timestamptz` …);
    /// `None` for a type this crate does not load.
    pub fn of(type_name: &str) -> Option<Kind> {
        const NAMES: &[(&str, Kind)] = &[
            ("VARCHAR", Kind::Text),
            ("CHAR", Kind::Text),
            ("CHARACTER", Kind::Text),
            ("TEXT", Kind::Text),
            ("STRING", Kind::Text),
            ("NVARCHAR", Kind::Text),
            ("BPCHAR", Kind::Text),
            ("JSON", Kind::Text),
            ("SUPER", Kind::Text),
            ("VARIANT", Kind::Text),
            ("BIGINT", Kind::Int),
            ("INT", Kind::Int),
            ("INT2", Kind::Int),
            ("INT4", Kind::Int),
            ("INT8", Kind::Int),
            ("INTEGER", Kind::Int),
            ("SMALLINT", Kind::Int),
            ("FLOAT", Kind::Float),
            ("FLOAT4", Kind::Float),
            ("FLOAT8", Kind::Float),
            ("FLOAT_NORM", Kind::Float),
            ("DOUBLE", Kind::Float),
            ("REAL", Kind::Float),
            ("NUMERIC", Kind::Float),
            ("DECIMAL", Kind::Float),
            ("BOOLEAN", Kind::Bool),
            ("BOOL", Kind::Bool),
            ("TIMESTAMP", Kind::Timestamp),
            ("TIMESTAMPTZ", Kind::Timestamp),
            ("DATETIME", Kind::Timestamp),
            ("DATE", Kind::Date),
        ];
        // Any case, no copy: it runs for every value loaded.
        let base = type_name
            .trim()
            .split(['(', ' '])
            .next()
            .unwrap_or_default();
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(base))
            .map(|(_, kind)| *kind)
    }
}

/// Whether `text` is an ISO-8601 date-time: `YYYY-MM-DDTHH:MM:SS`, a
/// space for the `T` allowed, then optional fractions and an optional
/// zone (`Z`, `+HH:MM`, `+HHMM`).
///
/// ```
/// use alooma_engine::mapper::convert::is_timestamp;
/// assert!(is_timestamp("2015-10-16T15:26:57.027Z"));
/// assert!(is_timestamp("2024-02-29 08:00:00+02:00"));
/// assert!(!is_timestamp("2024-02-30T08:00:00"));
/// assert!(!is_timestamp("yesterday"));
/// ```
pub fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 19 || !(b[10] == b'T' || b[10] == b' ') {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let shape = digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(99);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || num(11..13) > 23 || num(14..16) > 59 || num(17..19) > 60 {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        [b'+' | b'-', h1, h2] => h1.is_ascii_digit() && h2.is_ascii_digit(),
        _ => false,
    }
}

/// The column type auto-mapping gives a value (`None` for `null`).
///
/// ```
/// use alooma_engine::mapper::convert::infer;
/// use serde_json::json;
/// assert_eq!(infer(&json!(7)).unwrap().type_name, "BIGINT");
/// assert_eq!(infer(&json!(7.5)).unwrap().type_name, "FLOAT");
/// assert_eq!(infer(&json!("2015-10-16T15:26:57.027Z")).unwrap().type_name, "TIMESTAMP");
/// assert_eq!(infer(&json!("hi")).unwrap().char_length(), Some(256));
/// assert!(infer(&json!(null)).is_none());
/// ```
pub fn infer(value: &Value) -> Option<ColumnType> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => ColumnType::new("BOOLEAN"),
        Value::Number(n) if n.is_i64() || n.is_u64() => ColumnType::new("BIGINT"),
        Value::Number(_) => ColumnType::new("FLOAT"),
        Value::String(s) if is_timestamp(s) => ColumnType::new("TIMESTAMP"),
        Value::String(_) => ColumnType::varchar(TEXT_LENGTH),
        Value::Array(_) | Value::Object(_) => ColumnType::varchar(JSON_LENGTH),
    })
}

/// Why a value does not load into its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError {
    /// What is wrong, in a line: `"abc" is not a BIGINT`.
    pub message: String,
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn refuse(value: &Value, ty: &ColumnType) -> ConversionError {
    let mut shown = value.to_string();
    if shown.len() > 80 {
        let mut end = 77;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    ConversionError {
        message: format!("{shown} is not a {}", ty.type_name),
    }
}

/// `value` as it loads into a column of type `ty`.
///
/// # Errors
///
/// [`ConversionError`] when it does not fit (see the module docs).
///
/// ```
/// use alooma_engine::mapper::{convert::{convert, Cell}, model::ColumnType};
/// use serde_json::json;
/// assert_eq!(convert(&json!("42"), &ColumnType::new("BIGINT")).unwrap(), Cell::Int(42));
/// assert!(convert(&json!("forty"), &ColumnType::new("BIGINT")).is_err());
/// let mut short = ColumnType::varchar(3);
/// assert!(convert(&json!("abcd"), &short).is_err());
/// short.truncate = Some(json!(true));
/// assert_eq!(convert(&json!("abcd"), &short).unwrap(), Cell::Text("abc".into()));
/// ```
pub fn convert(value: &Value, ty: &ColumnType) -> Result<Cell, ConversionError> {
    if value.is_null() {
        return if ty.is_non_null() {
            Err(ConversionError {
                message: format!("null into the NOT NULL {} column", ty.type_name),
            })
        } else {
            Ok(Cell::Null)
        };
    }
    let Some(kind) = Kind::of(&ty.type_name) else {
        return Err(ConversionError {
            message: format!(
                "the column type {} is not one this warehouse loads",
                ty.type_name
            ),
        });
    };
    match kind {
        Kind::Text => {
            let mut text = match value {
                Value::String(s) => s.clone(),
                // The JSON text (written straight to a buffer: faster than
                // `Display`'s formatter).
                other => serde_json::to_string(other).unwrap_or_else(|_| other.to_string()),
            };
            if let Some(max) = ty.char_length().and_then(|n| usize::try_from(n).ok()) {
                // No more bytes than the limit: no more characters either.
                let chars = if text.len() <= max {
                    0
                } else {
                    text.chars().count()
                };
                if chars > max {
                    if !ty.truncates() {
                        return Err(ConversionError {
                            message: format!(
                                "a text of {chars} characters is longer than {}({max}) (truncate is off)",
                                ty.type_name
                            ),
                        });
                    }
                    text = text.chars().take(max).collect();
                }
            }
            Ok(Cell::Text(text))
        }
        Kind::Int => match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|x| x.fract() == 0.0 && x.abs() < 9.2e18)
                        .map(|x| x as i64)
                })
                .map(Cell::Int)
                .ok_or_else(|| refuse(value, ty)),
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map(Cell::Int)
                .map_err(|_| refuse(value, ty)),
            Value::Bool(b) => Ok(Cell::Int(i64::from(*b))),
            _ => Err(refuse(value, ty)),
        },
        Kind::Float => match value {
            Value::Number(n) => n.as_f64().map(Cell::Float).ok_or_else(|| refuse(value, ty)),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Cell::Float)
                .ok_or_else(|| refuse(value, ty)),
            _ => Err(refuse(value, ty)),
        },
        Kind::Bool => match value {
            Value::Bool(b) => Ok(Cell::Bool(*b)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "t" | "1" | "yes" => Ok(Cell::Bool(true)),
                "false" | "f" | "0" | "no" => Ok(Cell::Bool(false)),
                _ => Err(refuse(value, ty)),
            },
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                Ok(Cell::Bool(n.as_i64() == Some(1)))
            }
            _ => Err(refuse(value, ty)),
        },
        Kind::Timestamp => match value {
            Value::String(s) if is_timestamp(s.trim()) => Ok(Cell::Text(s.trim().to_owned())),
            _ => Err(refuse(value, ty)),
        },
        Kind::Date => match value {
            Value::String(s) => match s.get(..10) {
                Some(day) if is_timestamp(&format!("{day}T00:00:00")) => {
                    Ok(Cell::Text(day.to_owned()))
                }
                _ => Err(refuse(value, ty)),
            },
            _ => Err(refuse(value, ty)),
        },
    }
}
