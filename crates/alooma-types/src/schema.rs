//! JSON Schemas of the wire models (feature `schema`), for the OpenAPI
//! description: derived with `schemars` from the models' serde attributes,
//! and written here only for the types whose serde implementations are
//! written by hand. Each schema accepts every form the model reads.
//!
//! ```
//! let schema = schemars::schema_for!(alooma_types::ColumnType);
//! let text = serde_json::to_string(&schema).unwrap();
//! assert!(text.contains("\"length\""));
//! ```

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::column::TruncateValue;
use crate::configuration::Configuration;
use crate::lenient::Lenient;
use crate::maybe::Maybe;
use crate::metric::Datapoint;
use crate::output::OutputConfig;
use crate::query::ScheduledQueries;
use crate::secret::Secret;

/// A key that may be absent (not required, by the struct's serde default),
/// `null`, or a value.
impl<T: JsonSchema> JsonSchema for Maybe<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Maybe_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>();
        json_schema!({"anyOf": [inner, {"type": "null"}]})
    }
}

/// A scalar as a JSON value of its kind or as text holding one (`"1024"`).
impl<T: JsonSchema> JsonSchema for Lenient<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Lenient_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>();
        json_schema!({"anyOf": [inner, {"type": "string"}]})
    }
}

/// A string, as a `String` (only its memory differs).
impl JsonSchema for crate::ShortText {
    fn inline_schema() -> bool {
        String::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        String::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

impl JsonSchema for Secret {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "password", "writeOnly": true})
    }
}

impl JsonSchema for TruncateValue {
    fn schema_name() -> Cow<'static, str> {
        "TruncateValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A bool or a number, or a string holding one.",
            "type": ["boolean", "number", "string"]
        })
    }
}

impl JsonSchema for Configuration {
    fn schema_name() -> Cow<'static, str> {
        "Configuration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A node's configuration: a JSON object, kept as the server wrote it.",
            "type": "object",
            "additionalProperties": true
        })
    }
}

impl JsonSchema for crate::FieldStats {
    fn schema_name() -> Cow<'static, str> {
        "FieldStats".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A field's counters (count, nullCount …), kept as the server wrote them.",
            "readOnly": true
        })
    }
}

impl JsonSchema for Datapoint {
    fn schema_name() -> Cow<'static, str> {
        "Datapoint".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "[value or null, epoch seconds]",
            "type": "array",
            "prefixItems": [{"type": ["number", "null"]}, {"type": "number"}],
            "minItems": 2,
            "maxItems": 2
        })
    }
}

impl JsonSchema for OutputConfig {
    fn schema_name() -> Cow<'static, str> {
        "OutputConfig".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let redshift = generator.subschema_for::<crate::RedshiftConfig>();
        let snowflake = generator.subschema_for::<crate::SnowflakeConfig>();
        let bigquery = generator.subschema_for::<crate::BigQueryConfig>();
        json_schema!({
            "description": "An output's configuration, read by its sinkType; any other object is kept as it is.",
            "anyOf": [redshift, snowflake, bigquery, {"type": "object", "additionalProperties": true}]
        })
    }
}

impl JsonSchema for ScheduledQueries {
    fn schema_name() -> Cow<'static, str> {
        "ScheduledQueries".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let query = generator.subschema_for::<crate::ScheduledQuery>();
        json_schema!({
            "description": "A list of scheduled queries (v2), or an object of id to query (v1).",
            "anyOf": [
                {"type": "array", "items": query},
                {"type": "object", "additionalProperties": query}
            ]
        })
    }
}
