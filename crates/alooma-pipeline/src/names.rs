//! File names for resource names: reversible, safe on every file system.
//!
//! ASCII letters, digits, `-` and `_` are kept; every other byte (and a
//! `.` at the start) is written `%XX`, so `web/clicks v2` is
//! `web%2Fclicks%20v2` and decodes back exactly.

/// The file-name form of `name` (without extension).
///
/// ```
/// use alooma_pipeline::{decode_name, encode_name};
/// for name in ["orders", "web/clicks v2", "..", "ünïcode", "a%b", "", "CON.x"] {
///     assert_eq!(decode_name(&encode_name(name)).unwrap(), name);
/// }
/// assert_eq!(encode_name("web/clicks v2"), "web%2Fclicks%20v2");
/// assert_eq!(encode_name(".hidden"), "%2Ehidden");
/// ```
pub fn encode_name(name: &str) -> String {
    if name.is_empty() {
        return "%".to_owned();
    }
    let mut out = String::with_capacity(name.len());
    for (i, b) in name.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The name a file-name form stands for; `None` when it is not one
/// [`encode_name`] writes.
pub fn decode_name(encoded: &str) -> Option<String> {
    if encoded == "%" {
        return Some(String::new());
    }
    if encoded.is_empty() {
        return None;
    }
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = encoded.get(i + 1..i + 3)?;
                if !hex
                    .bytes()
                    .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
                {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0) => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    let name = String::from_utf8(out).ok()?;
    // Only the canonical form is accepted, so one name has one file.
    (encode_name(&name) == encoded).then_some(name)
}
