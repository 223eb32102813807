//! [`FieldPath`]: a parsed, reusable path to a (possibly nested) field.
//!
//! Syntax: segments joined by `.`; inside a segment `\.` is a literal dot
//! and `\\` a literal backslash. Any other use of `\` is an error, as are an
//! empty path and an empty segment.

use crate::PathError;
use std::fmt;
use std::str::FromStr;

/// A path to a field: `a.b.c` is field `c` inside `b` inside the top-level
/// field `a`.
///
/// Parse it once and reuse it for many edits. A field name that contains a
/// dot is written with a backslash escape: `a\.b` is ONE segment `a.b`, and
/// `\\` is one backslash. [`Display`](fmt::Display) writes the escaped form,
/// which parses back to the same path.
///
/// ```
/// use alooma_mapping::FieldPath;
/// let p: FieldPath = r"user.address\.v2.city".parse().unwrap();
/// assert_eq!(p.segments(), ["user", "address.v2", "city"]);
/// assert_eq!(p.to_string(), r"user.address\.v2.city");
///
/// // Built from segments, no escaping needed:
/// let q = FieldPath::from_segments(["user", "address.v2", "city"]).unwrap();
/// assert_eq!(p, q);
///
/// assert!("a..b".parse::<FieldPath>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath {
    // Invariant: non-empty, and no segment is empty.
    segments: Vec<String>,
}

impl FieldPath {
    /// Parses the escaped dotted syntax (same as [`str::parse`]).
    ///
    /// ```
    /// use alooma_mapping::{FieldPath, PathError};
    /// assert_eq!(FieldPath::parse(r"a\\b").unwrap().segments(), [r"a\b"]);
    /// assert_eq!(FieldPath::parse(""), Err(PathError::Empty));
    /// assert_eq!(FieldPath::parse("a."), Err(PathError::EmptySegment { index: 1 }));
    /// ```
    pub fn parse(text: &str) -> Result<Self, PathError> {
        if text.is_empty() {
            return Err(PathError::Empty);
        }
        let mut segments = Vec::new();
        let mut current = String::new();
        let mut chars = text.char_indices();
        while let Some((position, c)) = chars.next() {
            match c {
                '.' => {
                    if current.is_empty() {
                        return Err(PathError::EmptySegment {
                            index: segments.len(),
                        });
                    }
                    segments.push(std::mem::take(&mut current));
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('.' | '\\'))) => current.push(e),
                    Some((_, other)) => {
                        return Err(PathError::InvalidEscape {
                            position,
                            found: other,
                        })
                    }
                    None => return Err(PathError::TrailingBackslash),
                },
                other => current.push(other),
            }
        }
        if current.is_empty() {
            return Err(PathError::EmptySegment {
                index: segments.len(),
            });
        }
        segments.push(current);
        Ok(FieldPath { segments })
    }

    /// Builds a path from raw segments (no escaping: a `.` in a segment is
    /// part of the field name).
    ///
    /// ```
    /// use alooma_mapping::{FieldPath, PathError};
    /// let p = FieldPath::from_segments(["a", "b.c"]).unwrap();
    /// assert_eq!(p.to_string(), r"a.b\.c");
    /// assert_eq!(FieldPath::from_segments(Vec::<String>::new()), Err(PathError::Empty));
    /// assert_eq!(FieldPath::from_segments(["a", ""]), Err(PathError::EmptySegment { index: 1 }));
    /// ```
    pub fn from_segments<I, S>(segments: I) -> Result<Self, PathError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let segments: Vec<String> = segments.into_iter().map(Into::into).collect();
        if segments.is_empty() {
            return Err(PathError::Empty);
        }
        if let Some(index) = segments.iter().position(String::is_empty) {
            return Err(PathError::EmptySegment { index });
        }
        Ok(FieldPath { segments })
    }

    /// The unescaped field names, outermost first. Never empty.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The number of segments (at least 1).
    #[allow(clippy::len_without_is_empty)] // a path is never empty
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// The last segment: the name of the field the path points at.
    ///
    /// ```
    /// let p: alooma_mapping::FieldPath = "a.b".parse().unwrap();
    /// assert_eq!(p.name(), "b");
    /// ```
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }

    /// The path of the parent field, `None` for a top-level field.
    ///
    /// ```
    /// let p: alooma_mapping::FieldPath = "a.b".parse().unwrap();
    /// assert_eq!(p.parent().unwrap().to_string(), "a");
    /// assert!(p.parent().unwrap().parent().is_none());
    /// ```
    pub fn parent(&self) -> Option<FieldPath> {
        match self.segments.split_last() {
            Some((_, init)) if !init.is_empty() => Some(FieldPath {
                segments: init.to_vec(),
            }),
            _ => None,
        }
    }

    /// This path extended by one child segment (taken verbatim, unescaped).
    ///
    /// ```
    /// let p: alooma_mapping::FieldPath = "a".parse().unwrap();
    /// assert_eq!(p.child("b.c").unwrap().to_string(), r"a.b\.c");
    /// ```
    pub fn child(&self, segment: impl Into<String>) -> Result<FieldPath, PathError> {
        let segment = segment.into();
        if segment.is_empty() {
            return Err(PathError::EmptySegment {
                index: self.segments.len(),
            });
        }
        let mut segments = self.segments.clone();
        segments.push(segment);
        Ok(FieldPath { segments })
    }

    /// The first `len` segments as a path (`None` when `len` is 0 or too big).
    pub fn prefix(&self, len: usize) -> Option<FieldPath> {
        if len == 0 || len > self.segments.len() {
            return None;
        }
        Some(FieldPath {
            segments: self.segments[..len].to_vec(),
        })
    }

    /// Whether `other` is this path or one of its ancestors.
    ///
    /// ```
    /// use alooma_mapping::FieldPath;
    /// let p: FieldPath = "a.b.c".parse().unwrap();
    /// assert!(p.starts_with(&"a.b".parse().unwrap()));
    /// assert!(!p.starts_with(&"a.c".parse().unwrap()));
    /// ```
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.segments.starts_with(&other.segments)
    }
}

/// Writes one segment with `\` and `.` escaped.
pub(crate) fn write_segment(f: &mut impl fmt::Write, segment: &str) -> fmt::Result {
    for c in segment.chars() {
        if c == '.' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    Ok(())
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write_segment(f, segment)?;
        }
        Ok(())
    }
}

impl FromStr for FieldPath {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldPath::parse(s)
    }
}

impl TryFrom<&str> for FieldPath {
    type Error = PathError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        FieldPath::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_escaped() {
        let p = FieldPath::parse("a.b.c").unwrap();
        assert_eq!(p.segments(), ["a", "b", "c"]);
        let p = FieldPath::parse(r"a\.b.c\\d").unwrap();
        assert_eq!(p.segments(), ["a.b", r"c\d"]);
        assert_eq!(p.to_string(), r"a\.b.c\\d");
        assert_eq!(FieldPath::parse(r"\.").unwrap().segments(), ["."]);
    }

    #[test]
    fn rejects_bad_paths() {
        assert_eq!(FieldPath::parse(""), Err(PathError::Empty));
        assert_eq!(
            FieldPath::parse("."),
            Err(PathError::EmptySegment { index: 0 })
        );
        assert_eq!(
            FieldPath::parse("a..b"),
            Err(PathError::EmptySegment { index: 1 })
        );
        assert_eq!(
            FieldPath::parse(".a"),
            Err(PathError::EmptySegment { index: 0 })
        );
        assert_eq!(FieldPath::parse(r"a\"), Err(PathError::TrailingBackslash));
        assert_eq!(
            FieldPath::parse(r"ab\x"),
            Err(PathError::InvalidEscape {
                position: 2,
                found: 'x'
            })
        );
    }

    #[test]
    fn helpers() {
        let p = FieldPath::parse("a.b.c").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p.name(), "c");
        assert_eq!(p.prefix(2).unwrap().to_string(), "a.b");
        assert!(p.prefix(0).is_none() && p.prefix(4).is_none());
        assert!(p.child("").is_err());
        assert!(p.starts_with(&p));
    }
}
