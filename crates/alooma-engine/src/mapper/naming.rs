//! Column and table names the Mapper makes up (auto-mapping), legal in
//! every warehouse this crate loads and unique within their table.
//!
//! The rule (data-path §3.3; where the service's documentation is silent,
//! chosen here):
//!
//! - a field's column is its path joined with `_`
//!   (`customer.address.city` → `customer_address_city`);
//! - a character other than an ASCII letter, digit or `_` becomes `_`
//!   (`_metadata.@timestamp` → `_metadata__timestamp`), except at the very
//!   start of the name, where it is dropped (`@test` → `test`, as the
//!   service did on Redshift);
//! - letters are lower-cased (Redshift and PostgreSQL fold unquoted names
//!   to lower case); a name that would start with a digit, or be empty,
//!   gets a leading `_` (`_` alone becomes `_column`);
//! - names are cut to 127 bytes (Redshift's limit, under PostgreSQL's
//!   63-byte limit only when the warehouse says so: see [`legal`]);
//! - a name already taken in the table gets `_1`, `_2` … (`/test` →
//!   `test_1` when `test` is taken).

use std::collections::BTreeSet;

/// The longest name Redshift takes (bytes).
pub const MAX_NAME: usize = 127;

/// A legal name from `raw` parts (a path), before making it unique.
///
/// ```
/// use alooma_engine::mapper::naming::legal;
/// assert_eq!(legal(&["_metadata", "@timestamp"], 127), "_metadata__timestamp");
/// assert_eq!(legal(&["@test"], 127), "test");
/// assert_eq!(legal(&["Customer", "E-mail"], 127), "customer_e_mail");
/// assert_eq!(legal(&["1st"], 127), "_1st");
/// ```
pub fn legal(parts: &[&str], max: usize) -> String {
    let mut name = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            name.push('_');
        }
        for c in part.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                name.push(c.to_ascii_lowercase());
            } else if !name.is_empty() {
                name.push('_');
            }
        }
    }
    if name.is_empty() || name == "_" {
        name = "_column".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    cut(&mut name, max);
    name
}

fn cut(name: &mut String, max: usize) {
    if name.len() > max {
        let mut end = max;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
}

/// `name`, or `name_1`, `name_2` … when taken; the result is added to
/// `taken`.
///
/// ```
/// use alooma_engine::mapper::naming::unique;
/// let mut taken = std::collections::BTreeSet::from(["test".to_owned()]);
/// assert_eq!(unique("test", &mut taken, 127), "test_1");
/// assert_eq!(unique("test", &mut taken, 127), "test_2");
/// ```
pub fn unique(name: &str, taken: &mut BTreeSet<String>, max: usize) -> String {
    if taken.insert(name.to_owned()) {
        return name.to_owned();
    }
    for n in 1u64.. {
        let suffix = format!("_{n}");
        let mut base = name.to_owned();
        cut(&mut base, max.saturating_sub(suffix.len()));
        let candidate = base + &suffix;
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    // Unreachable: a set of names cannot hold every suffix.
    name.to_owned()
}
