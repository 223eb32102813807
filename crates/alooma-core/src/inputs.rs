//! Inputs: `get_inputs`, `get_input_by_id`, `get_input_by_name`,
//! `create_input`, `create_s3_input`, `create_mixpanel_input`,
//! `edit_input`, `pause_input_by_id`, `resume_input_by_id`,
//! `remove_input`, `remove_all_inputs`, `get_input_sleep_time`,
//! `set_input_sleep_time`.
//!
//! Composite operations are the requests below plus pure functions:
//! [`filter_inputs`] (`get_inputs`' client-side filters),
//! [`input_id_by_name`] (`get_input_by_name`), [`new_input_id`]
//! (`create_input`'s wait for the new node), [`removable_inputs`]
//! (`remove_all_inputs`). `create_s3_input` and `create_mixpanel_input` are
//! [`CreateInput`] with a spec from `alooma_types::S3Input` /
//! `alooma_types::MixpanelInput`.

use crate::auth::SensitiveBody;
use crate::{decode, Error, Operation, OperationMeta, RequestSpec};
use alooma_types::{node_types, InputDetails, InputSleepTime, InputSpec, Node, Structure};
use bytes::Bytes;
use http::{Request, Response};
use regex::Regex;
use std::collections::{BTreeMap, HashSet};

crate::declare::operations! {
    area: inputs;

    /// Every input, as a list ordered by id.
    impl op get_inputs for GetInputs: GET "inputs";
    retry: Idempotent;
    output: Vec<Node> = json(BTreeMap<String, Node>) then (|_op, by_id| Ok(by_id.into_values().collect()));
    answer: std::collections::BTreeMap<String, alooma_types::Node>;
    example: GetInputs;

    /// One input's job and tasks.
    ///
    /// ```
    /// use alooma_core::{Operation, inputs::GetInputById};
    /// assert_eq!(GetInputById::new("a/b").build().unwrap().uri(), "/inputs/a%2Fb");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct GetInputById {
        /// The input's id.
        pub id: String,
    }
    op get_input_by_id: GET "inputs" / {id};
    retry: Idempotent;
    output: InputDetails = json;
    example: GetInputById::new(examples::ODD);

    /// Creates an input.
    op create_input for CreateInput: POST "plumbing/inputs | inputs";
    retry: NotIdempotent;
    body: alooma_types::InputSpec;
    answer: alooma_types::Node | empty;
    example: CreateInput::new(&examples::postgres()),
        "without_validation" => CreateInput::new(&examples::postgres()).one_click(false).validate(false);

    /// Replaces an input's definition.
    impl op edit_input for EditInput: PUT "inputs" / {id = |op| op.spec.id.as_deref().unwrap_or_default()};
    retry: Idempotent;
    check: (|op| if op.spec.id.as_deref().is_none_or(str::is_empty) {
        Err("the input has no id: an input cannot be edited without its id".into())
    } else {
        Ok(())
    });
    body: {spec};
    sensitive: true;
    output: Option<serde_json::Value> = json_or_empty;
    answer: serde_json::Value;
    example: EditInput::new(
        &InputSpec::new("orders db", "POSTGRESQL")
            .with_id(examples::ODD)
            .with_config("auto_map", "true")
            .with_config("tables", "orders customers"),
    );

    /// Pauses an input.
    ///
    /// ```
    /// use alooma_core::{Operation, inputs::PauseInputById};
    /// assert_eq!(PauseInputById::new("x").build().unwrap().uri(), "/inputs/x/pause?pause=true");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PauseInputById {
        /// The input's id.
        pub id: String,
    }
    op pause_input_by_id: PUT "inputs" / {id} / "pause";
    retry: Idempotent;
    query: "pause" = "true";
    output: Option<serde_json::Value> = json_or_empty;
    example: PauseInputById::new(examples::ODD);

    /// Resumes a paused input.
    ///
    /// ```
    /// use alooma_core::{Operation, inputs::ResumeInputById};
    /// assert_eq!(ResumeInputById::new("x").build().unwrap().uri(), "/inputs/x/pause?pause=false");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ResumeInputById {
        /// The input's id.
        pub id: String,
    }
    op resume_input_by_id: PUT "inputs" / {id} / "pause";
    retry: Idempotent;
    query: "pause" = "false";
    output: Option<serde_json::Value> = json_or_empty;
    example: ResumeInputById::new(examples::ODD);

    /// Removes an input.
    ///
    /// ```
    /// use alooma_core::{Operation, inputs::RemoveInput};
    /// let req = RemoveInput::new("a?b").build().unwrap();
    /// assert_eq!(req.uri(), "/plumbing/nodes/remove/a%3Fb");
    /// assert!(!RemoveInput::new("x").meta().retry.is_idempotent());
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RemoveInput {
        /// The input's id.
        pub id: String,
    }
    op remove_input: POST "plumbing/nodes/remove" / {id};
    retry: NotIdempotent;
    output: () = empty;
    example: RemoveInput::new(examples::ODD);

    /// An input's sleep time, in seconds.
    impl op get_input_sleep_time for GetInputSleepTime: GET "inputSleepTime" / {id};
    retry: Idempotent;
    output: f64 = json(InputSleepTime) then (|_op, t| Ok(*t.input_sleep_time.get()));
    answer: alooma_types::InputSleepTime;
    example: GetInputSleepTime::new(examples::ODD);

    /// Sets an input's sleep time, sent in the form given.
    impl op set_input_sleep_time for SetInputSleepTime: PUT "inputSleepTime" / {id};
    retry: Idempotent;
    check: (|op| {
        let t = op.sleep_time.as_f64();
        if t.is_finite() && t >= 0.0 {
            Ok(())
        } else {
            Err(format!("the sleep time must be a finite number of at least 0, not {}", op.sleep_time))
        }
    });
    body: {sleep_time};
    output: () = empty;
    answer: alooma_types::InputSleepTime;
    example: SetInputSleepTime::new(examples::ODD, 2.5);
}

/// The examples' data.
mod examples {
    use alooma_types::InputSpec;

    /// An id with every character that needs encoding.
    pub(super) const ODD: &str = "in/1?x=2#frag 50% é";

    /// A PostgreSQL input with a password.
    pub(super) fn postgres() -> InputSpec {
        InputSpec::new("orders db", "POSTGRESQL")
            .with_config("hostname", "db.example.com")
            .with_config("port", 5432)
            .with_config("password", "pg-pw")
    }
}

/// `GET inputs`: every input. The server answers an object id → input;
/// the inputs come back as a list ordered by id.
///
/// ```
/// use alooma_core::{Operation, inputs::GetInputs};
/// assert_eq!(GetInputs.build().unwrap().uri(), "/inputs");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from(r#"{"b":{"id":"b","name":"B","type":"S3"},"a":{"id":"a","name":"A","type":"S3"}}"#)).unwrap();
/// let ids: Vec<_> = GetInputs.decode(answer).unwrap().into_iter().map(|n| n.id).collect();
/// assert_eq!(ids, ["a", "b"]);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetInputs;


/// `get_inputs`' client-side filters: a name regex matched at the *start*
/// of the name (like Python's `re.match`), an exact type, an exact id.
///
/// ```
/// use alooma_core::inputs::InputFilter;
/// let f = InputFilter::new().name("sales").input_type("SALESFORCE");
/// assert_eq!(f.name.as_deref(), Some("sales"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputFilter {
    /// A regular expression the name must match from its first character.
    pub name: Option<String>,
    /// The exact input type.
    pub input_type: Option<String>,
    /// The exact input id.
    pub input_id: Option<String>,
}

impl InputFilter {
    /// No filter: every input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps inputs whose name matches `pattern` at its start.
    pub fn name(mut self, pattern: impl Into<String>) -> Self {
        self.name = Some(pattern.into());
        self
    }

    /// Keeps inputs of exactly this type.
    pub fn input_type(mut self, input_type: impl Into<String>) -> Self {
        self.input_type = Some(input_type.into());
        self
    }

    /// Keeps the input with exactly this id.
    pub fn input_id(mut self, input_id: impl Into<String>) -> Self {
        self.input_id = Some(input_id.into());
        self
    }
}

/// Applies `get_inputs`' filters. An invalid name regex is
/// [`Error::Build`]. Empty filter values filter nothing (as in the
/// reference client).
///
/// ```
/// use alooma_core::inputs::{filter_inputs, InputFilter};
/// use alooma_types::Node;
/// let inputs = vec![Node::new("1", "sales_eu", "S3"), Node::new("2", "eu_sales", "S3")];
/// let kept = filter_inputs(inputs, &InputFilter::new().name("sales")).unwrap();
/// assert_eq!(kept.len(), 1);
/// assert_eq!(kept[0].id, "1");
/// ```
pub fn filter_inputs(inputs: Vec<Node>, filter: &InputFilter) -> Result<Vec<Node>, Error> {
    let regex = match filter.name.as_deref().filter(|p| !p.is_empty()) {
        Some(pattern) => Some(Regex::new(&format!("^(?:{pattern})")).map_err(|e| {
            Error::build(
                "get_inputs",
                format!("the name filter is not a valid regular expression: {e}"),
            )
        })?),
        None => None,
    };
    let input_type = filter.input_type.as_deref().filter(|t| !t.is_empty());
    let input_id = filter.input_id.as_deref().filter(|i| !i.is_empty());
    Ok(inputs
        .into_iter()
        .filter(|n| input_type.is_none_or(|t| n.node_type() == Some(t)))
        .filter(|n| {
            regex
                .as_ref()
                .is_none_or(|r| n.name().is_some_and(|name| r.is_match(name)))
        })
        .filter(|n| input_id.is_none_or(|i| n.id == i))
        .collect())
}

/// `get_input_by_name`'s lookup: the id of the first input called exactly
/// `name`; none is [`Error::NotFound`].
///
/// ```
/// use alooma_core::inputs::input_id_by_name;
/// use alooma_types::Node;
/// let inputs = [Node::new("1", "a", "S3"), Node::new("2", "a.b", "S3")];
/// assert_eq!(input_id_by_name(&inputs, "a.b").unwrap(), "2");
/// assert!(input_id_by_name(&inputs, "a.").is_err());
/// ```
pub fn input_id_by_name(inputs: &[Node], name: &str) -> Result<String, Error> {
    inputs
        .iter()
        .find(|n| n.name() == Some(name))
        .map(|n| n.id.clone())
        .ok_or_else(|| Error::NotFound {
            operation: "get_input_by_name",
            what: format!("no input is called {name:?}"),
        })
}

/// `POST plumbing/inputs` (or `POST inputs?validate=false`): creates an
/// input. Not idempotent: a repeat creates a second input.
///
/// The caller's spec is cloned, never changed; with `one_click` (the
/// default) the body's `configuration.auto_map` is `"true"`. The answer is
/// the new input's id when the server's answer names one (`{"id": …}`);
/// otherwise the facade finds it with [`new_input_id`].
///
/// ```
/// use alooma_core::{Operation, inputs::CreateInput};
/// use alooma_types::InputSpec;
/// let spec = InputSpec::new("orders", "POSTGRESQL");
/// let req = CreateInput::new(&spec).build().unwrap();
/// assert_eq!(req.uri(), "/plumbing/inputs");
/// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
/// assert_eq!(body["configuration"]["auto_map"], "true");
/// assert!(spec.config().is_empty()); // the caller's spec is untouched
/// let req = CreateInput::new(&spec).one_click(false).validate(false).build().unwrap();
/// assert_eq!(req.uri(), "/inputs?validate=false");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default = "CreateInput::defaults")]
pub struct CreateInput {
    /// The input to create.
    pub spec: InputSpec,
    /// Whether to turn on automatic mapping (`auto_map = "true"`).
    pub one_click: bool,
    /// Whether the server validates the configuration first.
    pub validate: bool,
}

impl CreateInput {
    fn defaults() -> Self {
        CreateInput::new(&InputSpec::new("", ""))
    }

    /// Creates `spec` with one-click mapping and validation (the defaults).
    pub fn new(spec: &InputSpec) -> Self {
        CreateInput {
            spec: spec.clone(),
            one_click: true,
            validate: true,
        }
    }

    /// Sets one-click automatic mapping.
    pub fn one_click(mut self, one_click: bool) -> Self {
        self.one_click = one_click;
        self
    }

    /// Sets server-side validation.
    pub fn validate(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// The body sent: the spec, with `auto_map` set when one-click.
    pub fn body(&self) -> InputSpec {
        let mut body = self.spec.clone();
        if self.one_click {
            body.configuration_mut()
                .insert("auto_map".into(), serde_json::Value::from("true"));
        }
        body
    }
}

impl Operation for CreateInput {
    type Output = Option<String>;

    fn meta(&self) -> OperationMeta {
        <Self as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let spec = RequestSpec::post(self.meta());
        let spec = if self.spec.name.is_empty() {
            spec.fail("the input needs a name")
        } else if self.spec.input_type.is_empty() {
            spec.fail("the input needs a type")
        } else {
            spec
        };
        let spec = if self.validate {
            spec.lit("plumbing/inputs")
        } else {
            spec.lit("inputs").query("validate", "false")
        };
        let mut req = spec.json(&self.body()).finish()?;
        req.extensions_mut().insert(SensitiveBody);
        Ok(req)
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        let answer: Option<serde_json::Value> = decode::json_or_empty(self.meta().name, response)
            .or_else(|e| match e {
            // The id is a bonus: a 2xx answer that is not JSON still created the input.
            Error::Decode { .. } => Ok(None),
            other => Err(other),
        })?;
        Ok(answer.as_ref().and_then(created_id))
    }
}

/// The new input's id in `create_input`'s answer: a non-empty string (or
/// number) under `id`, at the top level or under `job`.
pub fn created_id(answer: &serde_json::Value) -> Option<String> {
    let id = answer
        .get("id")
        .or_else(|| answer.get("job").and_then(|j| j.get("id")))?;
    match id {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Every node id in the structure: what `create_input` records before it
/// creates the input.
pub fn node_ids(structure: &Structure) -> HashSet<String> {
    structure.nodes().iter().map(|n| n.id.clone()).collect()
}

/// What a poll of the structure says about the input being created.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewInput {
    /// No new node of that name yet.
    NotYet,
    /// Exactly one new node of that name: its id.
    Found(String),
    /// Several new nodes of that name appeared (another client created one
    /// at the same time): which one is ours cannot be told.
    Ambiguous(Vec<String>),
}

/// `create_input`'s wait: the nodes called `name` whose id was not in
/// `before`. Unlike the reference (which counts nodes by name and may
/// return another caller's input), an id that existed before is never
/// returned, and two candidates are reported as ambiguous rather than
/// guessed.
///
/// ```
/// use alooma_core::inputs::{new_input_id, node_ids, NewInput};
/// use alooma_types::{Node, Structure};
/// let before = node_ids(&Structure::new(vec![Node::new("old", "logs", "S3")]));
/// let now = Structure::new(vec![Node::new("old", "logs", "S3"), Node::new("new", "logs", "S3")]);
/// assert_eq!(new_input_id(&before, &now, "logs"), NewInput::Found("new".into()));
/// ```
pub fn new_input_id(before: &HashSet<String>, structure: &Structure, name: &str) -> NewInput {
    let mut fresh: Vec<String> = structure
        .named(name)
        .filter(|n| !before.contains(&n.id))
        .map(|n| n.id.clone())
        .collect();
    fresh.dedup();
    match fresh.len() {
        0 => NewInput::NotYet,
        1 => NewInput::Found(fresh.remove(0)),
        _ => NewInput::Ambiguous(fresh),
    }
}

/// `remove_all_inputs`' targets: the ids of every `INPUT` node whose type is
/// not `RESTREAM` or `AGENT`, in the structure's order.
///
/// ```
/// use alooma_core::inputs::removable_inputs;
/// use alooma_types::{Node, NodeCategory, Structure};
/// let s = Structure::new(vec![
///     Node::new("1", "logs", "S3").with_category(NodeCategory::Input),
///     Node::new("2", "Restream", "RESTREAM").with_category(NodeCategory::Input),
///     Node::new("3", "Redshift", "REDSHIFT").with_category(NodeCategory::Output),
/// ]);
/// assert_eq!(removable_inputs(&s), ["1"]);
/// ```
pub fn removable_inputs(structure: &Structure) -> Vec<String> {
    structure
        .nodes()
        .iter()
        .filter(|n| n.is_input())
        .filter(|n| {
            n.node_type() != Some(node_types::RESTREAM) && n.node_type() != Some(node_types::AGENT)
        })
        .map(|n| n.id.clone())
        .collect()
}

/// `PUT inputs/{id}`: replaces an input's definition. The spec must carry
/// its id (refused with [`Error::Build`] otherwise). Returns the server's
/// JSON answer, if any.
///
/// ```
/// use alooma_core::{Operation, inputs::EditInput};
/// use alooma_types::InputSpec;
/// let spec = InputSpec::new("pg", "POSTGRESQL");
/// assert!(EditInput::new(&spec).build().is_err());
/// let req = EditInput::new(&spec.with_id("i 1")).build().unwrap();
/// assert_eq!(req.uri(), "/inputs/i%201");
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EditInput {
    /// The new definition, with its id.
    pub spec: InputSpec,
}

impl EditInput {
    /// Edits the input `spec.id` to be `spec`.
    pub fn new(spec: &InputSpec) -> Self {
        EditInput { spec: spec.clone() }
    }
}


/// `GET inputSleepTime/{id}`: the input's sleep time, from
/// `{"inputSleepTime": n}`. A failed call is an error (the reference
/// decoded any answer as success: defect 9).
///
/// ```
/// use alooma_core::{Operation, inputs::GetInputSleepTime};
/// let op = GetInputSleepTime::new("in1");
/// assert_eq!(op.build().unwrap().uri(), "/inputSleepTime/in1");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from(r#"{"inputSleepTime": 2.5}"#)).unwrap();
/// assert_eq!(op.decode(answer).unwrap(), 2.5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetInputSleepTime {
    /// The input's id.
    pub id: String,
}

impl GetInputSleepTime {
    /// The sleep time of the input with id `id`.
    pub fn new(id: impl Into<String>) -> Self {
        GetInputSleepTime { id: id.into() }
    }
}


/// A sleep time as the caller gave it: an integer is sent as an integer
/// (`45`), a float as a float (`45.5`), as the reference client sends the
/// number it was given.
///
/// ```
/// use alooma_core::inputs::SleepTime;
/// assert_eq!(serde_json::to_string(&SleepTime::from(45)).unwrap(), "45");
/// assert_eq!(serde_json::to_string(&SleepTime::from(45.5)).unwrap(), "45.5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum SleepTime {
    /// A whole number.
    Integer(i64),
    /// A number with a fraction (or written as a float).
    Float(f64),
}

impl SleepTime {
    /// The value as a float.
    pub fn as_f64(self) -> f64 {
        match self {
            SleepTime::Integer(i) => i as f64,
            SleepTime::Float(f) => f,
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SleepTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SleepTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"description": "Seconds between pulls.", "type": "number", "minimum": 0})
    }
}

impl<'de> serde::Deserialize<'de> for SleepTime {
    /// A JSON integer is [`SleepTime::Integer`], any other number
    /// [`SleepTime::Float`] (a numeric string too, as tools write it).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(SleepTime::Integer(i)),
                None => n
                    .as_f64()
                    .map(SleepTime::Float)
                    .ok_or_else(|| serde::de::Error::custom("not a number of seconds")),
            },
            serde_json::Value::String(s) => s.parse().map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!(
                "expected a number of seconds, not {other}"
            ))),
        }
    }
}

impl serde::Serialize for SleepTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SleepTime::Integer(i) => s.serialize_i64(*i),
            SleepTime::Float(f) => s.serialize_f64(*f),
        }
    }
}

impl std::fmt::Display for SleepTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SleepTime::Integer(i) => write!(f, "{i}"),
            SleepTime::Float(x) => write!(f, "{x}"),
        }
    }
}

macro_rules! sleep_time_from {
    ($variant:ident: $($t:ty),+) => {$(
        impl From<$t> for SleepTime {
            fn from(v: $t) -> Self {
                SleepTime::$variant(v.into())
            }
        }
    )+};
}
sleep_time_from!(Integer: i8, i16, i32, i64, u8, u16, u32);
sleep_time_from!(Float: f32, f64);

impl std::str::FromStr for SleepTime {
    type Err = String;
    /// `45` is an integer, `45.0` and `45.5` are floats.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        s.parse::<i64>()
            .map(SleepTime::Integer)
            .or_else(|_| s.parse::<f64>().map(SleepTime::Float))
            .map_err(|_| format!("{s:?} is not a number of seconds"))
    }
}

/// `PUT inputSleepTime/{id}` with the bare JSON number as body, in the form
/// given (`45` or `45.5`). A negative or non-finite time is refused with
/// [`Error::Build`]. A failed call is an error (defect 9).
///
/// ```
/// use alooma_core::{Operation, inputs::SetInputSleepTime};
/// let req = SetInputSleepTime::new("in1", 30).build().unwrap();
/// assert_eq!(req.uri(), "/inputSleepTime/in1");
/// assert_eq!(&req.body()[..], b"30");
/// assert_eq!(&SetInputSleepTime::new("in1", 30.5).build().unwrap().body()[..], b"30.5");
/// assert!(SetInputSleepTime::new("in1", f64::NAN).build().is_err());
/// assert!(SetInputSleepTime::new("in1", -1).build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SetInputSleepTime {
    /// The input's id.
    pub id: String,
    /// The new sleep time.
    pub sleep_time: SleepTime,
}

impl SetInputSleepTime {
    /// Sets the sleep time of the input with id `id`.
    pub fn new(id: impl Into<String>, sleep_time: impl Into<SleepTime>) -> Self {
        SetInputSleepTime {
            id: id.into(),
            sleep_time: sleep_time.into(),
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use alooma_types::NodeCategory;

    fn inputs() -> Vec<Node> {
        vec![
            Node::new("1", "sales_eu", "SALESFORCE"),
            Node::new("2", "eu_sales", "SALESFORCE"),
            Node::new("3", "sales", "S3"),
        ]
    }

    #[test]
    fn name_regex_is_anchored_at_the_start_only() {
        let ids = |f: InputFilter| -> Vec<String> {
            filter_inputs(inputs(), &f)
                .unwrap()
                .into_iter()
                .map(|n| n.id)
                .collect()
        };
        assert_eq!(ids(InputFilter::new().name("sales")), ["1", "3"]);
        assert_eq!(ids(InputFilter::new().name("sal|eu")), ["1", "2", "3"]);
        assert_eq!(ids(InputFilter::new().name("(?i)SALES_")), ["1"]);
        assert_eq!(
            ids(InputFilter::new().name("sales").input_type("S3")),
            ["3"]
        );
        assert_eq!(
            ids(InputFilter::new().input_type("s3")),
            Vec::<String>::new()
        );
        assert_eq!(ids(InputFilter::new().input_id("2")), ["2"]);
        assert_eq!(ids(InputFilter::new().name("")), ["1", "2", "3"]);
        assert!(matches!(
            filter_inputs(inputs(), &InputFilter::new().name("(")),
            Err(Error::Build {
                operation: "get_inputs",
                ..
            })
        ));
    }

    #[test]
    fn concurrent_creations_of_one_name_never_swap_ids() {
        // Defect 10: the reference counted nodes by name; with two creations
        // of "logs" racing, each could return the other's id.
        let before = node_ids(&Structure::new(vec![Node::new("a", "logs", "S3")]));
        let after_both = Structure::new(vec![
            Node::new("a", "logs", "S3"),
            Node::new("b", "logs", "S3"),
            Node::new("c", "logs", "S3"),
        ]);
        assert_eq!(
            new_input_id(&before, &after_both, "logs"),
            NewInput::Ambiguous(vec!["b".into(), "c".into()])
        );
        let before_second = node_ids(&Structure::new(vec![
            Node::new("a", "logs", "S3"),
            Node::new("b", "logs", "S3"),
        ]));
        assert_eq!(
            new_input_id(&before_second, &after_both, "logs"),
            NewInput::Found("c".into())
        );
        assert_eq!(
            new_input_id(&before_second, &after_both, "other"),
            NewInput::NotYet
        );
    }

    #[test]
    fn created_id_reads_top_level_or_job() {
        assert_eq!(
            created_id(&serde_json::json!({"id": "x"})),
            Some("x".into())
        );
        assert_eq!(
            created_id(&serde_json::json!({"job": {"id": "y"}})),
            Some("y".into())
        );
        assert_eq!(created_id(&serde_json::json!({"id": ""})), None);
        assert_eq!(created_id(&serde_json::json!([1])), None);
    }

    #[test]
    fn remove_all_skips_restream_agent_and_outputs() {
        let s = Structure::new(vec![
            Node::new("1", "a", "S3").with_category(NodeCategory::Input),
            Node::new("2", "agent", "AGENT").with_category(NodeCategory::Input),
            Node::new("3", "b", "MIXPANEL").with_category(NodeCategory::Input),
            Node::new("4", "Code Engine", "TRANSFORMER"),
        ]);
        assert_eq!(removable_inputs(&s), ["1", "3"]);
    }
}
