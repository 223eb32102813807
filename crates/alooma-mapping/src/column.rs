//! Column types as people write them (`VARCHAR(256) NOT NULL`,
//! `NUMERIC(12,2)`): [`parse_column_type`] and [`column_type_sql`]; the
//! warehouses' type lists ([`Warehouse::check`]); and [`ColumnChange`], one
//! attribute of a mapped column changed in place ([`set_column`]).

use crate::find::find_field_mut;
use crate::{FieldPath, MappingError};
use alooma_types::{ColumnType, EventType, Field, Maybe};
use std::fmt;

/// Character types: their one attribute is a length (others take a precision).
const CHARACTER_TYPES: &[&str] = &[
    "VARCHAR",
    "CHAR",
    "CHARACTER",
    "CHARACTER VARYING",
    "NVARCHAR",
    "NCHAR",
    "BPCHAR",
    "TEXT",
    "STRING",
    "BINARY",
    "VARBINARY",
    "VARBYTE",
    "BYTES",
];

/// Parses a column type written as SQL: `INT`, `VARCHAR(256)`,
/// `NUMERIC(12,2)`, each with an optional ` NOT NULL`. A character type's
/// one number is its `length`; another type's numbers are `precision` and
/// `scale`.
///
/// ```
/// use alooma_mapping::{column_type_sql, parse_column_type};
/// let t = parse_column_type("numeric(12, 2) not null").unwrap();
/// assert_eq!((t.sql_type(), t.precision(), t.scale(), t.non_null()), (Some("NUMERIC"), Some(12), Some(2), true));
/// assert_eq!(column_type_sql(&t), "NUMERIC(12,2) NOT NULL");
/// assert_eq!(parse_column_type("varchar(256)").unwrap().length(), Some(256));
/// assert!(parse_column_type("VARCHAR(x)").is_err());
/// ```
pub fn parse_column_type(text: &str) -> Result<ColumnType, ColumnTypeError> {
    let bad = |why: &str| ColumnTypeError {
        text: text.to_owned(),
        reason: why.to_owned(),
    };
    let mut t = text.trim();
    let mut non_null = false;
    let upper = t.to_ascii_uppercase();
    if let Some(stripped) = upper.strip_suffix("NOT NULL") {
        non_null = true;
        t = t[..stripped.len()].trim_end();
    }
    let (name, args) = match t.find('(') {
        Some(open) => {
            let Some(inner) = t[open + 1..].strip_suffix(')') else {
                return Err(bad("a type's attributes end with `)`"));
            };
            (t[..open].trim(), Some(inner))
        }
        None => (t, None),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ' ')
    {
        return Err(bad(
            "not a column type (e.g. VARCHAR(256), INT, NUMERIC(12,2))",
        ));
    }
    let name = name.to_ascii_uppercase();
    let character = CHARACTER_TYPES.contains(&name.as_str());
    let mut column = ColumnType::new(name).with_non_null(non_null);
    if let Some(args) = args {
        let numbers: Result<Vec<u64>, _> =
            args.split(',').map(|a| a.trim().parse::<u64>()).collect();
        let numbers = numbers.map_err(|_| bad("type attributes are whole numbers"))?;
        column = match numbers.as_slice() {
            [len] if character => column.with_length(*len),
            [p] => {
                let mut c = column;
                c.precision = Maybe::Value((*p).into());
                c
            }
            [p, s] if !character => column.with_precision(*p, *s),
            _ => return Err(bad("too many type attributes")),
        };
    }
    Ok(column)
}

/// A column type as SQL: `VARCHAR(256) NOT NULL`, `NUMERIC(12,2)`.
pub fn column_type_sql(t: &ColumnType) -> String {
    let mut s = t.sql_type().unwrap_or("?").to_owned();
    if let Some(len) = t.length() {
        s.push_str(&format!("({len})"));
    } else if let Some(p) = t.precision() {
        match t.scale() {
            Some(scale) => s.push_str(&format!("({p},{scale})")),
            None => s.push_str(&format!("({p})")),
        }
    }
    if t.non_null() {
        s.push_str(" NOT NULL");
    }
    s
}

/// A column type that does not parse, or does not exist in a warehouse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column type {text:?}: {reason}")]
pub struct ColumnTypeError {
    /// The type as written.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl alooma_types::OfflineError for ColumnTypeError {}

/// The warehouses Alooma loaded into, with the column types each accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warehouse {
    /// Amazon Redshift.
    Redshift,
    /// Snowflake.
    Snowflake,
    /// Google BigQuery.
    BigQuery,
}

impl Warehouse {
    /// Every warehouse.
    pub const ALL: [Warehouse; 3] = [
        Warehouse::Redshift,
        Warehouse::Snowflake,
        Warehouse::BigQuery,
    ];

    /// The warehouse's name as the UI shows it.
    pub fn name(self) -> &'static str {
        match self {
            Warehouse::Redshift => "Redshift",
            Warehouse::Snowflake => "Snowflake",
            Warehouse::BigQuery => "BigQuery",
        }
    }

    /// The SQL type names the warehouse accepts (upper case).
    pub fn types(self) -> &'static [&'static str] {
        match self {
            Warehouse::Redshift => &[
                "SMALLINT",
                "INT2",
                "INTEGER",
                "INT",
                "INT4",
                "BIGINT",
                "INT8",
                "DECIMAL",
                "NUMERIC",
                "REAL",
                "FLOAT4",
                "DOUBLE PRECISION",
                "FLOAT8",
                "FLOAT",
                "BOOLEAN",
                "BOOL",
                "CHAR",
                "CHARACTER",
                "NCHAR",
                "BPCHAR",
                "VARCHAR",
                "CHARACTER VARYING",
                "NVARCHAR",
                "TEXT",
                "DATE",
                "TIMESTAMP",
                "TIMESTAMP WITHOUT TIME ZONE",
                "TIMESTAMPTZ",
                "TIMESTAMP WITH TIME ZONE",
                "TIME",
                "TIME WITHOUT TIME ZONE",
                "TIMETZ",
                "TIME WITH TIME ZONE",
                "GEOMETRY",
                "GEOGRAPHY",
                "SUPER",
                "VARBYTE",
                "HLLSKETCH",
            ],
            Warehouse::Snowflake => &[
                "NUMBER",
                "DECIMAL",
                "NUMERIC",
                "INT",
                "INTEGER",
                "BIGINT",
                "SMALLINT",
                "TINYINT",
                "BYTEINT",
                "FLOAT",
                "FLOAT4",
                "FLOAT8",
                "DOUBLE",
                "DOUBLE PRECISION",
                "REAL",
                "VARCHAR",
                "CHAR",
                "CHARACTER",
                "STRING",
                "TEXT",
                "BINARY",
                "VARBINARY",
                "BOOLEAN",
                "DATE",
                "DATETIME",
                "TIME",
                "TIMESTAMP",
                "TIMESTAMP_LTZ",
                "TIMESTAMP_NTZ",
                "TIMESTAMP_TZ",
                "VARIANT",
                "OBJECT",
                "ARRAY",
                "GEOGRAPHY",
            ],
            Warehouse::BigQuery => &[
                "STRING",
                "BYTES",
                "INTEGER",
                "INT64",
                "FLOAT",
                "FLOAT64",
                "NUMERIC",
                "BIGNUMERIC",
                "BOOLEAN",
                "BOOL",
                "TIMESTAMP",
                "DATE",
                "TIME",
                "DATETIME",
                "GEOGRAPHY",
                "RECORD",
                "STRUCT",
                "JSON",
            ],
        }
    }

    /// The longest character column the warehouse allows.
    fn max_length(self, type_name: &str) -> Option<u64> {
        match (self, type_name) {
            (Warehouse::Redshift, "CHAR" | "CHARACTER" | "NCHAR" | "BPCHAR") => Some(4096),
            (Warehouse::Redshift, _) => Some(65535),
            (Warehouse::Snowflake, _) => Some(16_777_216),
            (Warehouse::BigQuery, _) => None,
        }
    }

    /// Checks a column type against the warehouse: the type name exists
    /// there, a length is within its limit, and a precision and scale make
    /// sense (precision 1–38, scale at most the precision).
    ///
    /// ```
    /// use alooma_mapping::{parse_column_type, Warehouse};
    /// let ok = parse_column_type("VARCHAR(1024)").unwrap();
    /// assert!(Warehouse::Redshift.check(&ok).is_ok());
    /// let err = Warehouse::Redshift.check(&parse_column_type("VARCHAR2(10)").unwrap()).unwrap_err();
    /// assert!(err.to_string().contains("not a Redshift type"), "{err}");
    /// assert!(Warehouse::Redshift.check(&parse_column_type("VARCHAR(70000)").unwrap()).is_err());
    /// assert!(Warehouse::BigQuery.check(&parse_column_type("STRING").unwrap()).is_ok());
    /// ```
    pub fn check(self, column_type: &ColumnType) -> Result<(), ColumnTypeError> {
        let text = column_type_sql(column_type);
        let bad = |reason: String| ColumnTypeError {
            text: text.clone(),
            reason,
        };
        let Some(name) = column_type.sql_type() else {
            return Err(bad("it has no type name".into()));
        };
        let upper = name.to_ascii_uppercase();
        if !self.types().contains(&upper.as_str()) {
            return Err(bad(format!(
                "not a {} type (it has: {})",
                self.name(),
                self.types().join(", ")
            )));
        }
        if let (Some(length), Some(max)) = (column_type.length(), self.max_length(&upper)) {
            if length == 0 || length > max {
                return Err(bad(format!(
                    "a {} {upper} length must be between 1 and {max}",
                    self.name()
                )));
            }
        }
        if let Some(precision) = column_type.precision() {
            if !(1..=38).contains(&precision) {
                return Err(bad("the precision must be between 1 and 38".into()));
            }
            if column_type.scale().is_some_and(|s| s > precision) {
                return Err(bad("the scale must not exceed the precision".into()));
            }
        }
        Ok(())
    }
}

impl fmt::Display for Warehouse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Warehouse {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Warehouse::ALL
            .into_iter()
            .find(|w| w.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown warehouse {s:?}; use redshift, snowflake or bigquery"))
    }
}

/// Every mapped column type of `event_type` that `warehouse` would refuse,
/// with its field path.
///
/// ```
/// use alooma_mapping::{check_column_types, map_field, parse_column_type, Warehouse};
/// use alooma_types::EventType;
/// let mut et = EventType::new("e");
/// map_field(&mut et, &"a".parse().unwrap(), "a", parse_column_type("INT64").unwrap()).unwrap();
/// assert!(check_column_types(&et, Warehouse::BigQuery).is_empty());
/// assert_eq!(check_column_types(&et, Warehouse::Redshift).len(), 1);
/// ```
pub fn check_column_types(
    event_type: &EventType,
    warehouse: Warehouse,
) -> Vec<(FieldPath, ColumnTypeError)> {
    check_fields_column_types(event_type.fields(), warehouse)
}

/// [`check_column_types`] over some top-level fields of an event type (a
/// big mapping checked one field at a time); the paths start at these
/// fields.
///
/// ```
/// use alooma_mapping::{check_fields_column_types, map_field, parse_column_type, Warehouse};
/// use alooma_types::EventType;
/// let mut et = EventType::new("e");
/// map_field(&mut et, &"a".parse().unwrap(), "a", parse_column_type("INT64").unwrap()).unwrap();
/// let bad = check_fields_column_types(&et.fields()[..1], Warehouse::Redshift);
/// assert_eq!(bad[0].0.to_string(), "a");
/// ```
pub fn check_fields_column_types(
    fields: &[Field],
    warehouse: Warehouse,
) -> Vec<(FieldPath, ColumnTypeError)> {
    let mut out = Vec::new();
    crate::find::each_field(fields, |path, field| {
        if let Some(mapping) = field.field_mapping() {
            if mapping.discarded() {
                return;
            }
            if let Some(t) = mapping.column_type() {
                if let Err(e) = warehouse.check(t) {
                    out.push((path.clone(), e));
                }
            }
        }
    });
    out
}

/// One attribute of a mapped column, to change in place with
/// [`set_column`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ColumnChange {
    /// The SQL type name (`VARCHAR`, `BIGINT` …); other attributes stay.
    Type(String),
    /// The character length.
    Length(u64),
    /// Whether the column is `NOT NULL`.
    NonNull(bool),
    /// Whether over-long values are truncated.
    Truncate(bool),
    /// The column's name in the warehouse.
    ColumnName(String),
}

impl std::str::FromStr for ColumnChange {
    type Err = String;
    /// `type=VARCHAR`, `length=512`, `nullable=false` (or `non-null=true`),
    /// `truncate=true`, `column=new_name`.
    fn from_str(s: &str) -> Result<Self, String> {
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?}: expected ATTRIBUTE=VALUE"))?;
        let flag = |v: &str| match v.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Ok(true),
            "false" | "no" => Ok(false),
            _ => Err(format!("{s:?}: {key} is true or false")),
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "type" if !value.trim().is_empty() => {
                Ok(ColumnChange::Type(value.trim().to_ascii_uppercase()))
            }
            "length" => value
                .trim()
                .parse()
                .map(ColumnChange::Length)
                .map_err(|_| format!("{s:?}: length is a whole number")),
            "nullable" => flag(value).map(|n| ColumnChange::NonNull(!n)),
            "non-null" | "nonnull" | "not-null" => flag(value).map(ColumnChange::NonNull),
            "truncate" => flag(value).map(ColumnChange::Truncate),
            "column" | "column-name" if !value.trim().is_empty() => {
                Ok(ColumnChange::ColumnName(value.trim().to_owned()))
            }
            _ => Err(format!(
                "{s:?}: the attributes are type, length, nullable, non-null, truncate, column"
            )),
        }
    }
}

/// Changes one attribute of the column the field at `path` is mapped to,
/// in place, keeping every other key and the wire form of the value it
/// replaces (a length read as `"256"` is written as a string again). The
/// field must be mapped to a column (not `null`, not discarded). It is a
/// hand edit: `machineGenerated` becomes `false`.
///
/// ```
/// use alooma_mapping::{set_column, ColumnChange};
/// use alooma_types::EventType;
/// let mut et: EventType = serde_json::from_str(r#"{"name":"e","fields":[{"fieldName":"a","fields":[],
///   "mapping":{"columnName":"a","columnType":{"type":"VARCHAR","length":"256","nonNull":false},
///   "isDiscarded":false,"machineGenerated":true}}]}"#).unwrap();
/// set_column(&mut et, &"a".parse().unwrap(), &ColumnChange::Length(1024)).unwrap();
/// let m = &serde_json::to_value(&et).unwrap()["fields"][0]["mapping"];
/// assert_eq!(m["columnType"]["length"], "1024");
/// assert_eq!(m["machineGenerated"], false);
/// assert!(set_column(&mut et, &"b".parse().unwrap(), &ColumnChange::NonNull(true)).is_err());
/// ```
pub fn set_column(
    event_type: &mut EventType,
    path: &FieldPath,
    change: &ColumnChange,
) -> Result<(), MappingError> {
    let field = find_field_mut(event_type, path, false)?;
    let mapping = match field.mapping.as_mut() {
        Some(m) if !m.discarded() && m.column_type.is_some() => m,
        _ => return Err(MappingError::NotMapped { path: path.clone() }),
    };
    mapping.mark_hand_made();
    let column = mapping.column_type_mut();
    match change {
        ColumnChange::Type(name) => column.set_sql_type(name.clone()),
        ColumnChange::Length(length) => column.set_length(*length),
        ColumnChange::NonNull(non_null) => column.set_non_null(*non_null),
        ColumnChange::Truncate(truncate) => column.set_truncate(*truncate),
        ColumnChange::ColumnName(name) => mapping.column_name = Maybe::Value(name.clone()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_round_trips() {
        for text in ["INT", "VARCHAR(256)", "NUMERIC(12,2) NOT NULL", "FLOAT(8)"] {
            assert_eq!(column_type_sql(&parse_column_type(text).unwrap()), text);
        }
        for bad in ["", "VARCHAR(1", "VARCHAR(1,2)", "NUMERIC(1,2,3)", "A-B"] {
            assert!(parse_column_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn warehouses_check_names_lengths_and_precision() {
        let t = |s: &str| parse_column_type(s).unwrap();
        assert!(Warehouse::Snowflake.check(&t("VARIANT")).is_ok());
        assert!(Warehouse::Redshift.check(&t("VARIANT")).is_err());
        assert!(Warehouse::Redshift.check(&t("CHAR(5000)")).is_err());
        assert!(Warehouse::Snowflake.check(&t("VARCHAR(70000)")).is_ok());
        assert!(Warehouse::Redshift.check(&t("NUMERIC(40,2)")).is_err());
        assert!(Warehouse::Redshift.check(&t("NUMERIC(10,12)")).is_err());
        assert!(Warehouse::Redshift.check(&ColumnType::empty()).is_err());
        assert_eq!(
            "bigquery".parse::<Warehouse>().unwrap(),
            Warehouse::BigQuery
        );
        assert!("oracle".parse::<Warehouse>().is_err());
    }

    #[test]
    fn changes_parse() {
        assert_eq!("length=5".parse(), Ok(ColumnChange::Length(5)));
        assert_eq!("nullable=false".parse(), Ok(ColumnChange::NonNull(true)));
        assert_eq!(
            "type=bigint".parse(),
            Ok(ColumnChange::Type("BIGINT".into()))
        );
        assert!("length=x".parse::<ColumnChange>().is_err());
        assert!("colour=red".parse::<ColumnChange>().is_err());
    }
}
