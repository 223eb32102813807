//! One module per kind of resource, each implementing [`Resource`]: where
//! its files are, how it is read from the live system, its canonical
//! form, what the service fills in, and the requests that write it.
//!
//! The [`kinds!`] list below is the only place a [`Kind`] meets its
//! module: adding a kind is a variant of `Kind`, a line here and a file.

use crate::{canonical, secrets, Document, Kind, LiveContext, Pipeline, PipelineError, ResourceId};
use alooma::core::DynOperation;
use alooma::types::{Node, Settings};
use alooma::{Client, HttpService};
use serde_json::Value;

mod code_module;
mod event_type;
mod input;
mod mapping_mode;
mod notifications;
mod output;
mod query;
mod requirements;
mod s3_retention;
mod schemas;
mod secret;
mod table;

/// Where a kind's resources live in the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One file for the only resource of this kind.
    Single(&'static str),
    /// One file per resource in a folder, with this extension.
    PerFile(&'static str, &'static str),
    /// Every resource named in one JSON list.
    Listed(&'static str),
}

/// A write request, ready to send.
pub(crate) type Op = Box<dyn DynOperation>;

/// What one kind of resource is to a pipeline. Every method but
/// [`layout`](Self::layout) has the common answer as its default.
pub(crate) trait Resource: Sync {
    /// Where its files are.
    fn layout(&self) -> Layout;

    /// Whether `plan` and `apply` manage it (or it is exported for review
    /// only).
    fn is_managed(&self) -> bool {
        true
    }

    /// Whether a resource of this kind can be deleted (with `--prune`).
    fn is_deletable(&self) -> bool {
        true
    }

    /// Whether the resource is text (Code Engine) rather than JSON.
    fn is_text(&self) -> bool {
        false
    }

    /// The prefix of the secret references exported for it.
    fn secret_prefix(&self) -> &'static str {
        "SECRET"
    }

    /// Keys the service computes (or that only say what happened): never
    /// exported, never compared.
    fn read_only_keys(&self) -> &'static [&'static str] {
        &[]
    }

    /// The kind's own part of the canonical form (lists sorted …), before
    /// keys are sorted.
    fn normalise(&self, _doc: &mut Value) {}

    /// Keys the service fills in when a request leaves them out: absent
    /// from a file, the live value is taken.
    fn server_filled(&self) -> &'static [&'static str] {
        &[]
    }

    /// The defaults the service applies to what is sent.
    fn fill_defaults(&self, _doc: &mut Value) {}

    /// Whether changing `live` into `desired` takes a removal and a
    /// creation (the API has no update for it).
    fn replaced_by(&self, _live: Option<&Value>, _desired: &Value) -> bool {
        false
    }

    /// A resource name as its file name (without folder and extension).
    fn file_name(&self, name: &str) -> String {
        crate::encode_name(name)
    }

    /// The resource name a file name stands for, if it is one.
    fn name_of_file(&self, stem: &str) -> Option<String> {
        crate::decode_name(stem).filter(|_| !stem.contains('/'))
    }

    /// Whether the document's `"name"` must be the file's name.
    fn named_in_document(&self) -> bool {
        false
    }

    /// The requests that carry out one change, in order.
    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        Err(format!("{} is not applied (review only)", w.kind))
    }
}

/// One change to write, as a kind's [`Resource::writes`] sees it.
pub(crate) struct Write<'a> {
    /// The kind.
    pub(crate) kind: Kind,
    /// The resource's name.
    pub(crate) name: &'a str,
    /// Create, update, replace or delete.
    pub(crate) action: crate::Action,
    /// What is sent, references resolved.
    pub(crate) send: Option<&'a Document>,
    /// The live resource's server id (an input's, a query's).
    pub(crate) server_id: Option<&'a str>,
    /// The output node as read.
    pub(crate) output_node: Option<&'a Node>,
}

impl Write<'_> {
    /// The JSON document sent.
    pub(crate) fn json(&self) -> Result<Value, String> {
        match self.send {
            Some(Document::Json(v)) => Ok(v.clone()),
            _ => Err("nothing to send".to_owned()),
        }
    }

    /// The live resource's server id.
    pub(crate) fn id(&self) -> Result<String, String> {
        self.server_id.map(str::to_owned).ok_or_else(|| {
            "the live resource's id is not known (plan against Pipeline::fetch)".to_owned()
        })
    }
}

/// A boxed request.
pub(crate) fn boxed<O>(op: O) -> Op
where
    O: DynOperation + 'static,
{
    Box::new(op)
}

/// A document read as the model `T`, or why not.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(what: &str, doc: &Value) -> Result<T, String> {
    serde_json::from_value(doc.clone()).map_err(|e| format!("the {what} does not fit: {e}"))
}

/// What [`Pipeline::fetch`] builds as each kind reads its part.
#[derive(Default)]
pub(crate) struct Fetch {
    pub(crate) pipeline: Pipeline,
    pub(crate) ctx: LiveContext,
    /// The settings, read once for the kinds that live in them.
    settings: Option<Settings>,
}

impl Fetch {
    /// Adds a resource.
    pub(crate) fn insert(&mut self, id: ResourceId, doc: Document) {
        self.pipeline.insert(id, doc);
    }

    /// Replaces secret values in `doc` by references named for `owner`,
    /// keeping the values read.
    pub(crate) fn extract_secrets(&mut self, doc: &mut Value, kind: Kind, owner: &str) {
        secrets::extract(doc, of(kind).secret_prefix(), owner, &mut self.ctx.captured);
    }

    /// The account's settings, read on first use.
    pub(crate) async fn settings<S: HttpService>(
        &mut self,
        client: &Client<S>,
    ) -> Result<&Settings, PipelineError> {
        if self.settings.is_none() {
            self.settings = Some(client.get_settings().await.map_err(read("settings"))?);
        }
        // Set just above.
        Ok(self.settings.get_or_insert_with(Settings::default))
    }
}

/// The error of a failed read of `what`.
pub(crate) fn read(what: &str) -> impl FnOnce(alooma::Error) -> PipelineError + '_ {
    move |source| PipelineError::Read {
        what: what.to_owned(),
        source,
    }
}

/// A model as JSON.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The canonical form of a resource's JSON document: read-only keys left
/// out, the kind's own normalisation, keys sorted.
pub(crate) fn canonical(kind: Kind, mut doc: Value) -> Value {
    let rules = of(kind);
    if let Value::Object(map) = &mut doc {
        for key in rules.read_only_keys() {
            map.remove(*key);
        }
    }
    rules.normalise(&mut doc);
    canonical::sorted(doc)
}

/// The desired document as the service will hold it: server-filled keys
/// left out take the live value, and the kind's defaults apply.
pub(crate) fn with_defaults(kind: Kind, mut doc: Value, live: Option<&Value>) -> Value {
    let rules = of(kind);
    if let (Value::Object(map), Some(Value::Object(l))) = (&mut doc, live) {
        for key in rules.server_filled() {
            if !map.contains_key(*key) {
                if let Some(v) = l.get(*key) {
                    map.insert((*key).to_owned(), v.clone());
                }
            }
        }
    }
    rules.fill_defaults(&mut doc);
    doc
}

/// Declares the kinds: each `Kind` variant with its module, in apply
/// order. Gives [`of`] (a kind's rules) and [`fetch_all`] (every kind
/// read, in that order).
macro_rules! kinds {
    ($($kind:ident => $module:ident),+ $(,)?) => {
        /// The rules of `kind`.
        pub(crate) fn of(kind: Kind) -> &'static dyn Resource {
            match kind {
                $(Kind::$kind => &$module::Rules,)+
            }
        }

        /// Reads every kind from the live system.
        pub(crate) async fn fetch_all<S: HttpService>(
            client: &Client<S>,
            fetch: &mut Fetch,
        ) -> Result<(), PipelineError> {
            $($module::fetch(client, fetch).await?;)+
            Ok(())
        }
    };
}

kinds! {
    Secret => secret,
    Output => output,
    CodeModule => code_module,
    MappingMode => mapping_mode,
    EventType => event_type,
    Input => input,
    Query => query,
    Notifications => notifications,
    S3Retention => s3_retention,
    Requirements => requirements,
    Table => table,
    Schemas => schemas,
}

/// What each kind is, by its module's rules (the crate's `Resource` trait).
impl Kind {
    /// Whether `plan` and `apply` manage this kind (requirements, tables
    /// and schemas are exported for review only).
    pub fn is_managed(self) -> bool {
        of(self).is_managed()
    }

    /// Whether the kind has one resource only (the output, the mapping
    /// mode, the settings).
    pub fn is_singleton(self) -> bool {
        matches!(self.layout(), Layout::Single(_))
    }

    /// Whether a resource of this kind can be deleted (with `--prune`).
    /// The output, the mapping mode and the notification settings always
    /// exist: without their file they are simply not managed.
    pub fn is_deletable(self) -> bool {
        of(self).is_deletable()
    }

    /// Whether the resource is text (Code Engine) rather than JSON.
    pub fn is_text(self) -> bool {
        of(self).is_text()
    }

    /// Where the kind's files are.
    pub(crate) fn layout(self) -> Layout {
        of(self).layout()
    }
}

impl Pipeline {
    /// Reads the live system: inputs, event types with their mappings, the
    /// mapping mode, Code Engine modules and requirements, scheduled
    /// queries, notification and retention settings, the output, secret
    /// names, and the warehouse's tables and schemas (for review).
    ///
    /// Only reads: no write request is sent. Secret values are replaced by
    /// references as they are read; the values stay in memory, to be kept
    /// when a plan has no value of its own (see [`crate::SecretValues`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// let client = alooma::Client::builder().base_url(emulator.base_url())
    ///     .account(emulator.account()).api_key(emulator.api_key().unwrap()).build().unwrap();
    /// let live = alooma_pipeline::Pipeline::fetch(&client).await.unwrap();
    /// assert!(live.resources().count() > 0);
    /// # });
    /// ```
    pub async fn fetch<S: HttpService>(client: &Client<S>) -> Result<Pipeline, PipelineError> {
        let mut fetch = Fetch::default();
        fetch_all(client, &mut fetch).await?;
        let mut p = fetch.pipeline;
        p.live = Some(fetch.ctx);
        Ok(p)
    }
}
