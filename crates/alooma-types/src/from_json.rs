//! `TryFrom<serde_json::Value>` for the values users build by hand: a
//! Python dict ported as `json!(…)` becomes the typed value in one line,
//! and a misfit is a [`JsonError`] naming the JSON path.

use crate::*;
use std::fmt;

/// A JSON value that does not fit the type: where, and why.
///
/// ```
/// use alooma_types::EventType;
/// let err = EventType::try_from(serde_json::json!({"name": "e", "fields": [{"fieldName": 3}]})).unwrap_err();
/// assert_eq!(err.path, "fields[0].fieldName");
/// assert!(err.to_string().starts_with("at fields[0].fieldName: invalid type"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JsonError {
    /// The JSON path of the misfit (`.` for the value itself).
    pub path: String,
    /// What serde said.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for JsonError {}

/// Decodes `value` as `T`, naming the JSON path of a misfit.
pub fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, JsonError> {
    serde_path_to_error::deserialize(value).map_err(|e| JsonError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

macro_rules! try_from_json {
    ($($t:ty),* $(,)?) => {$(
        impl TryFrom<serde_json::Value> for $t {
            type Error = JsonError;
            fn try_from(value: serde_json::Value) -> Result<Self, JsonError> {
                from_json(value)
            }
        }
    )*};
}

try_from_json!(
    EventType,
    EventTypeMapping,
    Field,
    FieldMapping,
    ColumnType,
    Consolidation,
    QueryConfiguration,
    RedshiftConfig,
    SnowflakeConfig,
    BigQueryConfig,
    OutputConfig,
    InputSpec,
    EmailNotifications,
    S3Retention,
    Column,
    Schema,
    CustomNotification,
    CodeModule,
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dicts_become_values_and_misfits_name_their_path() {
        let config = OutputConfig::try_from(
            json!({"sinkType": "REDSHIFT", "hostname": "h", "port": 5439,
            "schemaName": "public", "databaseName": "d", "username": "u", "password": "p"}),
        )
        .unwrap();
        assert_eq!(config.sink_type(), Some(SinkType::Redshift));
        let q =
            QueryConfiguration::try_from(json!({"event_type": "orders", "frequency": 8})).unwrap();
        assert_eq!(q.frequency_hours(), Some(8.0));
        let err = InputSpec::try_from(json!({"name": "n"})).unwrap_err();
        assert!(err.message.contains("type"), "{err}");
        let kept = ColumnType::try_from(json!({"type": "VARCHAR", "length": [1]})).unwrap();
        assert_eq!(kept.length.mistyped().unwrap().json(), &json!([1]));
    }
}
