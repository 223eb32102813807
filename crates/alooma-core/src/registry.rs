//! The operation registry: every operation this crate declares, with its
//! metadata ([`OperationMeta`]), sample requests, and a way to build it
//! from JSON arguments.
//!
//! The registry is what the rest of the workspace derives from instead of
//! keeping its own lists: the snapshot tests render every example, the
//! CLI's `alooma call` reaches every entry and `alooma operations` lists
//! them, the end-to-end suite checks that each one is exercised against the
//! emulator, and the benchmarks build every example.
//!
//! ```
//! let names: Vec<&str> = alooma_core::operations().map(|op| op.meta().name).collect();
//! assert!(names.contains(&"get_event_types"));
//!
//! let op = alooma_core::operation("get_event_type").unwrap();
//! assert_eq!(op.meta().path, "event-types/{name}");
//! let call = op.from_arguments(serde_json::json!({"name": "web clicks"})).unwrap();
//! assert_eq!(call.build().unwrap().uri(), "/event-types/web%20clicks");
//! ```

use crate::{Error, Operation, OperationMeta};
use bytes::Bytes;
use http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// An operation whose type has been erased: what the registry hands out.
/// Its output is JSON (the typed output, decoded and re-encoded), so one
/// code path can run any operation (`alooma call`, the coverage checks).
pub trait DynOperation: fmt::Debug + Send + Sync {
    /// The operation's metadata.
    fn meta(&self) -> OperationMeta;
    /// Builds the request (see [`Operation::build`]).
    fn build(&self) -> Result<Request<Bytes>, Error>;
    /// Decodes an answer with the operation's own decoder, then encodes
    /// the typed result as JSON.
    fn decode_json(&self, response: Response<Bytes>) -> Result<Value, Error>;
    /// The operation's arguments as JSON: what
    /// [`OperationInfo::from_arguments`] takes back.
    fn arguments(&self) -> Value;
}

impl<O> DynOperation for O
where
    O: Operation + Serialize + fmt::Debug + Send + Sync,
    O::Output: Serialize,
{
    fn meta(&self) -> OperationMeta {
        Operation::meta(self)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        Operation::build(self)
    }

    fn decode_json(&self, response: Response<Bytes>) -> Result<Value, Error> {
        let output = Operation::decode(self, response)?;
        serde_json::to_value(output).map_err(|e| Error::Decode {
            operation: Operation::meta(self).name,
            path: ".".into(),
            snippet: String::new(),
            source: e,
        })
    }

    fn arguments(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A type-erased operation is an operation whose output is JSON, so any
/// transport that sends operations sends it.
impl Operation for Box<dyn DynOperation> {
    type Output = Value;

    fn meta(&self) -> OperationMeta {
        (**self).meta()
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        (**self).build()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Value, Error> {
        (**self).decode_json(response)
    }
}

/// One sample of an operation, as its declaration gives it: the snapshot
/// tests render it, the documentation shows it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Example {
    /// Empty for the operation's main example; otherwise what sets this
    /// one apart (`without_validation`).
    pub label: &'static str,
    /// The sample operation.
    pub operation: Box<dyn DynOperation>,
}

impl Example {
    /// An example; used by the declarations.
    pub fn new(label: &'static str, operation: impl DynOperation + 'static) -> Self {
        Example {
            label,
            operation: Box::new(operation),
        }
    }

    /// The snapshot's name: `{area}__{operation}` and `_{label}` when
    /// there is one.
    ///
    /// ```
    /// let op = alooma_core::operation("get_event_types").unwrap();
    /// assert_eq!(op.examples()[0].snapshot_name(), "event_types__get_event_types");
    /// ```
    pub fn snapshot_name(&self) -> String {
        let meta = self.operation.meta();
        if self.label.is_empty() {
            format!("{}__{}", meta.area, meta.name)
        } else {
            format!("{}__{}_{}", meta.area, meta.name, self.label)
        }
    }
}

/// What a declared operation type tells the registry; implemented by the
/// declarations (`operations!` in each area module).
pub trait Declared:
    Operation + Serialize + DeserializeOwned + fmt::Debug + Send + Sync + 'static
where
    Self::Output: Serialize,
{
    /// The operation's metadata, as [`Operation::meta`] returns it.
    const META: OperationMeta;

    /// How the operation reads a successful answer.
    const DECODING: Decoding;

    /// Whether a hook maps the decoded answer to the output
    /// (`output: T = json(Wire) then (…)`).
    const MAPPED: bool = false;

    /// The operation's examples, the main one first.
    fn examples() -> Vec<Example>;

    /// The JSON Schema of the request body, from the wire model it sends
    /// (feature `schema`); `None` when it sends none.
    #[cfg(feature = "schema")]
    fn body_schema(_generator: &mut schemars::SchemaGenerator) -> Option<schemars::Schema> {
        None
    }

    /// What the server answers on success, from the wire model the
    /// operation decodes (feature `schema`).
    #[cfg(feature = "schema")]
    fn answer_schema(_generator: &mut schemars::SchemaGenerator) -> Answer {
        Answer::Undescribed
    }
}

/// How an operation reads a successful answer: its declared decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decoding {
    /// JSON of the output's model (`json`); anything else is a decode error.
    Json,
    /// JSON of the output's model, or an empty body (`json_or_empty`).
    JsonOrEmpty,
    /// The body is not read; the status is (`empty`).
    Ignored,
    /// A decoder written by hand (`login`, `create_input`): what it
    /// accepts is its own, and tested with it.
    ByHand,
}

/// What an operation's successful answer is (feature `schema`).
#[cfg(feature = "schema")]
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Answer {
    /// A JSON body of this schema.
    Json(schemars::Schema),
    /// A JSON body of this schema, or an empty body.
    JsonOrEmpty(schemars::Schema),
    /// No body the client reads.
    Empty,
    /// JSON the registry does not describe (an operation decoded by hand
    /// without an `answer:` model, or `answer: serde_json::Value;`).
    Undescribed,
}

#[cfg(feature = "schema")]
impl Answer {
    /// A JSON body of `schema`: [`Undescribed`](Self::Undescribed) when
    /// the schema allows any JSON (`serde_json::Value`'s).
    pub fn json(schema: schemars::Schema) -> Self {
        if schema.as_bool() == Some(true) || schema.as_object().is_some_and(|o| o.is_empty()) {
            Answer::Undescribed
        } else {
            Answer::Json(schema)
        }
    }

    /// A JSON body of `schema` or an empty body:
    /// [`Undescribed`](Self::Undescribed) when the schema allows any JSON.
    pub fn json_or_empty(schema: schemars::Schema) -> Self {
        match Answer::json(schema) {
            Answer::Json(schema) => Answer::JsonOrEmpty(schema),
            other => other,
        }
    }
}

/// A registry entry: an operation's metadata, its examples, and how to
/// build it from JSON arguments.
#[derive(Clone, Copy)]
pub struct OperationInfo {
    meta: OperationMeta,
    decoding: Decoding,
    mapped: bool,
    examples: fn() -> Vec<Example>,
    from_arguments: fn(Value) -> Result<Box<dyn DynOperation>, Error>,
    #[cfg(feature = "schema")]
    answer_schema: fn(&mut schemars::SchemaGenerator) -> Answer,
    #[cfg(feature = "schema")]
    body_schema: fn(&mut schemars::SchemaGenerator) -> Option<schemars::Schema>,
}

impl fmt::Debug for OperationInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationInfo")
            .field("meta", &self.meta)
            .finish_non_exhaustive()
    }
}

impl OperationInfo {
    /// The entry of operation type `O`.
    pub const fn of<O: Declared>() -> Self
    where
        O::Output: Serialize,
    {
        OperationInfo {
            meta: O::META,
            decoding: O::DECODING,
            mapped: O::MAPPED,
            examples: O::examples,
            from_arguments: from_arguments::<O>,
            #[cfg(feature = "schema")]
            answer_schema: O::answer_schema,
            #[cfg(feature = "schema")]
            body_schema: O::body_schema,
        }
    }

    /// What the server answers on success (feature `schema`), its
    /// definitions kept in `generator`.
    #[cfg(feature = "schema")]
    pub fn answer_schema(&self, generator: &mut schemars::SchemaGenerator) -> Answer {
        (self.answer_schema)(generator)
    }

    /// The JSON Schema of the request body (feature `schema`), `None` when
    /// the operation sends none or builds it by hand without a model.
    #[cfg(feature = "schema")]
    pub fn body_schema(
        &self,
        generator: &mut schemars::SchemaGenerator,
    ) -> Option<schemars::Schema> {
        (self.body_schema)(generator)
    }

    /// The operation's metadata.
    pub const fn meta(&self) -> &OperationMeta {
        &self.meta
    }

    /// Whether the operation's output is the server's answer as decoded
    /// (no hook maps it): encoding the output gives back the JSON read.
    ///
    /// ```
    /// assert!(alooma_core::operation("get_event_types").unwrap().answers_as_read());
    /// assert!(!alooma_core::operation("create_input").unwrap().answers_as_read());
    /// ```
    pub const fn answers_as_read(&self) -> bool {
        matches!(self.decoding, Decoding::Json | Decoding::JsonOrEmpty) && !self.mapped
    }

    /// How the operation reads a successful answer.
    ///
    /// ```
    /// use alooma_core::{operation, registry::Decoding};
    /// assert_eq!(operation("create_input").unwrap().decoding(), Decoding::ByHand);
    /// assert_eq!(operation("get_inputs").unwrap().decoding(), Decoding::Json);
    /// assert_eq!(operation("delete_event_type").unwrap().decoding(), Decoding::Ignored);
    /// ```
    pub const fn decoding(&self) -> Decoding {
        self.decoding
    }

    /// The operation's examples, the main one first.
    pub fn examples(&self) -> Vec<Example> {
        (self.examples)()
    }

    /// Builds the operation from its arguments as a JSON object (the field
    /// names of its type, as [`DynOperation::arguments`] gives them; `{}`
    /// or `null` for an operation without arguments). A missing or
    /// mistyped argument is an [`Error::Build`] naming it.
    ///
    /// ```
    /// let op = alooma_core::operation("delete_event_type").unwrap();
    /// let err = op.from_arguments(serde_json::json!({})).unwrap_err();
    /// assert!(err.to_string().contains("name"), "{err}");
    /// assert!(alooma_core::operation("get_event_types").unwrap()
    ///     .from_arguments(serde_json::json!({})).is_ok());
    /// ```
    pub fn from_arguments(&self, arguments: Value) -> Result<Box<dyn DynOperation>, Error> {
        (self.from_arguments)(arguments)
    }
}

fn from_arguments<O: Declared>(arguments: Value) -> Result<Box<dyn DynOperation>, Error>
where
    O::Output: Serialize,
{
    // Serde ignores keys it does not know: a misspelt argument must not
    // silently become its default, so the keys are checked first (against
    // the arguments of the operation's example, which has every field).
    if let Value::Object(given) = &arguments {
        let known: Vec<String> = O::examples()
            .first()
            .and_then(|e| {
                e.operation
                    .arguments()
                    .as_object()
                    .map(|m| m.keys().cloned().collect())
            })
            .unwrap_or_default();
        if let Some(unknown) = given.keys().find(|k| !known.contains(k)) {
            let names = if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            };
            return Err(Error::build(
                O::META.name,
                format!("unknown argument `{unknown}`; its arguments are: {names}"),
            ));
        }
    }
    let result = serde_path_to_error::deserialize::<_, O>(&arguments);
    let result = match (result, &arguments) {
        // An operation without arguments is a unit struct: `{}` means `null`.
        (Err(_), Value::Object(map)) if map.is_empty() => {
            match serde_path_to_error::deserialize::<_, O>(Value::Null) {
                Ok(op) => Ok(op),
                Err(_) => serde_path_to_error::deserialize::<_, O>(&arguments),
            }
        }
        (result, _) => result,
    };
    result
        .map(|op| Box::new(op) as Box<dyn DynOperation>)
        .map_err(|e| {
            let path = e.path().to_string();
            let reason = if path == "." || path.is_empty() {
                e.inner().to_string()
            } else {
                format!("`{path}`: {}", e.inner())
            };
            Error::build(O::META.name, reason)
        })
}

/// The schema of the type a field has (the body of `body: {field}`).
#[cfg(feature = "schema")]
#[doc(hidden)]
pub fn field_schema<O, T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
    _field: impl for<'a> Fn(&'a O) -> &'a T,
) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// The schema of the type an expression has (the body of
/// `body: (|op| expression)`).
#[cfg(feature = "schema")]
#[doc(hidden)]
pub fn value_schema<O, T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
    _value: impl Fn(&O) -> T,
) -> schemars::Schema {
    generator.subschema_for::<T>()
}
