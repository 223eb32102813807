//! An Alooma pipeline as code: the live system's configuration exported
//! to a directory of canonical files, compared with it ([`Plan`]), and
//! applied to it ([`Plan::apply`]).
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use alooma_pipeline::{ApplyOptions, Pipeline, Plan, PlanOptions};
//! let emulator = alooma_emulator::Emulator::start().await.unwrap();
//! let client = alooma::Client::builder()
//!     .base_url(emulator.base_url()).account(emulator.account())
//!     .api_key(emulator.api_key().unwrap()).build().unwrap();
//!
//! // Export the live system, as `alooma pipeline export DIR` does.
//! let dir = tempfile::tempdir().unwrap();
//! let live = Pipeline::fetch(&client).await.unwrap();
//! live.write(dir.path()).unwrap();
//!
//! // Edit the files (here: a new Code Engine module), then plan …
//! std::fs::write(dir.path().join("code-engine/util.py"), "def clean(e):\n    return e\n").unwrap();
//! let desired = Pipeline::load(dir.path()).unwrap();
//! let plan = Plan::new(&desired, &Pipeline::fetch(&client).await.unwrap(), &PlanOptions::default()).unwrap();
//! assert_eq!(plan.changes().len(), 1);
//! println!("{plan}");
//!
//! // … and apply: the next plan is empty.
//! let report = plan.apply(&client, &ApplyOptions::default()).await;
//! assert!(report.is_success(), "{report}");
//! let again = Plan::new(&desired, &Pipeline::fetch(&client).await.unwrap(), &PlanOptions::default()).unwrap();
//! assert!(again.is_empty());
//! # });
//! ```
//!
//! # The files
//!
//! | file | resource |
//! |---|---|
//! | `pipeline.json` | `{"format_version": 1}`: marks the directory |
//! | `inputs/<name>.json` | an input: `name`, `type`, `configuration` |
//! | `event-types/<name>.json` | an event type as `get_mapping` returns it, without stats |
//! | `mapping-mode.json` | the default mapping mode, a JSON string |
//! | `code-engine/<module>.py` | a Code Engine module's code |
//! | `code-engine/requirements.txt` | the requirements (review only: the API cannot set them) |
//! | `queries/<event type>.<query type>.json` | a scheduled query's configuration |
//! | `notifications.json` | the email-notification settings |
//! | `s3-retention.json` | the S3 retention settings (no file: none) |
//! | `output.json` | the output: `name`, `type`, `configuration` |
//! | `secrets.json` | the names of the Alooma secrets |
//! | `tables/<schema>/<table>.json`, `tables/schemas.json` | the warehouse (review only) |
//!
//! Every JSON file is canonical: keys sorted, fields sorted by name, 2-space
//! indent, a trailing newline; stats and other server-computed keys left
//! out. Names are encoded reversibly ([`encode_name`]). Secret values are
//! never written: they become `{"$secret": "NAME"}` (see [`SecretValues`]).
//!
//! # Comparing
//!
//! Two documents are the same when they say the same thing: key order,
//! field order, indentation and the second form tools write scalars in
//! (`8` and `"8"`, `true` and `"true"`) never show up as a change; `null`
//! and an absent key do.

#![forbid(unsafe_code)]

mod apply;
mod canonical;
mod change;
mod diff;
mod error;
mod files;
mod kind;
mod kinds;
mod names;
mod plan;
pub mod run;
mod secrets;

pub use apply::{ApplyOptions, ApplyReport, StepOutcome, StepReport};
pub use change::{Action, Change};
pub use diff::{FieldChange, FieldChangeKind};
pub use error::PipelineError;
pub use files::FORMAT_VERSION;
pub use kind::{Kind, ResourceId};
pub use names::{decode_name, encode_name};
pub use plan::{Plan, PlanOptions, PLAN_FORMAT_VERSION};
pub use secrets::{secret_name, secret_reference, SecretValues, ENV_PREFIX, SECRET_KEY};

use std::collections::BTreeMap;
use std::fmt;

/// A resource's content: a JSON document, or text for Code Engine.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// A JSON document (secret values as references).
    Json(serde_json::Value),
    /// Text: a module's code, the requirements.
    Text(String),
}

impl Document {
    /// The JSON document, if this is one.
    pub fn as_json(&self) -> Option<&serde_json::Value> {
        match self {
            Document::Json(v) => Some(v),
            Document::Text(_) => None,
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Document::Text(t) => Some(t),
            Document::Json(_) => None,
        }
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Documents hold references, never values; print them as JSON.
        match self {
            Document::Json(v) => write!(f, "Json({v})"),
            Document::Text(t) => write!(f, "Text({} bytes)", t.len()),
        }
    }
}

/// What the live system said beyond the documents: server ids and the
/// values behind the secret references. Never printed, never written.
#[derive(Clone, Default)]
pub(crate) struct LiveContext {
    /// Server ids: an input's node id, a query's id.
    pub(crate) ids: BTreeMap<ResourceId, String>,
    /// The output node as read (`set_output` writes to it).
    pub(crate) output_node: Option<alooma::types::Node>,
    /// Reference name → the value the service answered (maybe a mask).
    pub(crate) captured: BTreeMap<String, serde_json::Value>,
}

/// A whole pipeline: every resource by kind and name. Read from the live
/// system ([`Pipeline::fetch`]) or from files ([`Pipeline::load`]).
#[derive(Clone, Default)]
pub struct Pipeline {
    pub(crate) resources: BTreeMap<ResourceId, Document>,
    pub(crate) live: Option<LiveContext>,
}

impl Pipeline {
    /// An empty pipeline.
    pub fn new() -> Self {
        Pipeline::default()
    }

    /// Every resource, in apply order.
    pub fn resources(&self) -> impl Iterator<Item = (&ResourceId, &Document)> {
        self.resources.iter()
    }

    /// One resource.
    pub fn get(&self, id: &ResourceId) -> Option<&Document> {
        self.resources.get(id)
    }

    /// Adds or replaces a resource, in canonical form.
    ///
    /// ```
    /// use alooma_pipeline::{Document, Kind, Pipeline, ResourceId};
    /// let mut p = Pipeline::new();
    /// p.insert(ResourceId::new(Kind::Input, "logs"),
    ///          Document::Json(serde_json::json!({"name": "logs", "type": "S3", "stats": {}})));
    /// let doc = p.get(&ResourceId::new(Kind::Input, "logs")).unwrap().as_json().unwrap();
    /// assert!(doc.get("stats").is_none()); // server-computed keys are left out
    /// ```
    pub fn insert(&mut self, id: ResourceId, document: Document) {
        let document = match document {
            Document::Json(v) => Document::Json(kinds::canonical(id.kind, v)),
            Document::Text(t) => Document::Text(t),
        };
        self.resources.insert(id, document);
    }

    /// Removes a resource.
    pub fn remove(&mut self, id: &ResourceId) -> Option<Document> {
        self.resources.remove(id)
    }

    /// Whether the pipeline was read from the live system.
    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    /// The names of every secret reference in the pipeline.
    pub fn secret_references(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .resources
            .values()
            .filter_map(Document::as_json)
            .flat_map(secrets::references)
            .map(|(_, name)| name)
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("resources", &self.resources.keys().collect::<Vec<_>>())
            .field("live", &self.live.is_some())
            .finish()
    }
}
