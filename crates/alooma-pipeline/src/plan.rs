//! [`Plan`]: what it takes to turn the live system into the desired one.

use crate::canonical::{self, is_mask, same};
use crate::diff::{self, FieldChange, Shown};
use crate::secrets::{references, secret_reference};
use crate::{Document, Kind, Pipeline, PipelineError, ResourceId, SecretValues};
use alooma::types::is_sensitive_key;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The version of the JSON form of a plan (`-o json`).
pub const PLAN_FORMAT_VERSION: u64 = 1;

/// How to plan.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Delete live resources that the directory does not have (without it
    /// they are listed as unmanaged and kept).
    pub prune: bool,
    /// Values for secret references and for new Alooma secrets.
    pub secrets: SecretValues,
}

impl PlanOptions {
    /// Options with `--prune` as given and no secret values.
    pub fn prune(prune: bool) -> Self {
        PlanOptions {
            prune,
            ..PlanOptions::default()
        }
    }

    /// The same options with these secret values.
    pub fn with_secrets(mut self, secrets: SecretValues) -> Self {
        self.secrets = secrets;
        self
    }
}

/// What a change does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Action {
    /// The resource is created.
    Create,
    /// The resource is changed in place.
    Update,
    /// The resource is removed and created again (a scheduled query, whose
    /// API has no update; an input whose type changed).
    Replace,
    /// The resource is deleted (only with `--prune`).
    Delete,
}

impl Action {
    fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
        }
    }

    /// The action's name (`create` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// One resource's change. `Debug` and `Display` never show secret values.
#[derive(Clone)]
#[non_exhaustive]
pub struct Change {
    /// The resource.
    pub id: ResourceId,
    /// What happens to it.
    pub action: Action,
    /// Its field-level changes (live → desired).
    pub fields: Vec<FieldChange>,
    /// Secret references with no value and no current value to keep: the
    /// step fails before sending anything.
    pub missing_secrets: Vec<String>,
    /// What is sent: the desired document with references resolved.
    pub(crate) send: Option<Document>,
    /// The live resource's server id (an input's, a query's).
    pub(crate) server_id: Option<String>,
}

impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Change")
            .field("id", &self.id)
            .field("action", &self.action)
            .field("fields", &self.fields)
            .field("missing_secrets", &self.missing_secrets)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.action.symbol(),
            self.action.as_str(),
            self.id
        )?;
        for field in &self.fields {
            write!(f, "\n    {field}")?;
        }
        if !self.missing_secrets.is_empty() {
            write!(
                f,
                "\n    ! no value for {}: set {} or pass --secrets FILE",
                self.missing_secrets.join(", "),
                self.missing_secrets
                    .iter()
                    .map(|n| format!("{}{n}", crate::ENV_PREFIX))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

/// The changes that turn the live system into the desired pipeline, in
/// the order [`apply`](Plan::apply) makes them: creations and updates in
/// [`Kind`] order, then deletions in the reverse order.
///
/// `Display` prints one block per change and a summary line; the JSON form
/// ([`to_json`](Self::to_json)) carries a `format_version`.
#[derive(Clone, Default)]
pub struct Plan {
    changes: Vec<Change>,
    unmanaged: Vec<ResourceId>,
    warnings: Vec<String>,
    pub(crate) output_node: Option<alooma::types::Node>,
    pub(crate) code_modules: BTreeMap<String, String>,
}

impl fmt::Debug for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("changes", &self.changes)
            .field("unmanaged", &self.unmanaged)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

/// A document with every reference replaced by the value captured from
/// the live system (references without one stay).
fn resolve_live(doc: &Value, captured: &BTreeMap<String, Value>) -> Value {
    let mut out = doc.clone();
    for (pointer, name) in references(doc) {
        if let (Some(v), Some(slot)) = (captured.get(&name), out.pointer_mut(&pointer)) {
            *slot = v.clone();
        }
    }
    out
}

/// A desired document resolved three ways: what is compared with the live
/// state, what is sent, and what is shown (live side, desired side); and
/// the references that have no value.
struct Resolved {
    compare: Value,
    send: Value,
    show_live: Option<Shown>,
    show_desired: Shown,
    missing: Vec<String>,
}

fn resolve_desired(
    desired: &Value,
    live: Option<&Value>,
    live_refs: &[String],
    values: &SecretValues,
) -> Resolved {
    let mut compare = desired.clone();
    let mut send = desired.clone();
    let mut show_desired = Shown::new(desired.clone());
    let mut show_live = live.cloned().map(Shown::new);
    let mut missing = Vec::new();
    // Live values at secret positions are never shown.
    if let Some(sl) = show_live.as_mut() {
        for pointer in live_refs {
            sl.mask(pointer, "(sensitive)".into());
        }
    }
    for (pointer, name) in references(desired) {
        let current = live
            .and_then(|l| l.pointer(&pointer))
            .filter(|v| secret_reference(v).is_none());
        let (c, s) = match (values.get(&name), current) {
            (Some(v), Some(cur)) if is_mask(cur) => (cur.clone(), Value::String(v.to_owned())),
            (Some(v), _) => (Value::String(v.to_owned()), Value::String(v.to_owned())),
            (None, Some(cur)) => (cur.clone(), cur.clone()),
            (None, None) => {
                missing.push(name.clone());
                (
                    desired.pointer(&pointer).cloned().unwrap_or(Value::Null),
                    desired.pointer(&pointer).cloned().unwrap_or(Value::Null),
                )
            }
        };
        let unchanged = current.is_some_and(|cur| same(cur, &c));
        show_desired.mask(
            &pointer,
            if unchanged {
                "(sensitive)".into()
            } else {
                format!("(secret {name})")
            },
        );
        if let Some(sl) = show_live.as_mut() {
            sl.mask(&pointer, "(sensitive)".into());
        }
        if let Some(slot) = compare.pointer_mut(&pointer) {
            *slot = c;
        }
        if let Some(slot) = send.pointer_mut(&pointer) {
            *slot = s;
        }
    }
    missing.sort();
    missing.dedup();
    Resolved {
        compare,
        send,
        show_live,
        show_desired,
        missing,
    }
}

/// Keys the service fills in when a request leaves them out: absent
/// from a file, they are the service's to decide, so the live value is
/// taken (and nothing is sent for them).
fn server_filled(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::EventType => &["consolidation", "mapping", "mappingMode"],
        Kind::Query => &[
            "frequency",
            "run_at",
            "avoid_duplicates",
            "custom_variables",
            "query_type",
        ],
        _ => &[],
    }
}

/// The desired document as the service will hold it: server-filled keys
/// left out take the live value, an event type's leaf fields have
/// `"fields": []`, the output's `skipValidation` is `false` when left out.
fn with_defaults(kind: Kind, mut doc: Value, live: Option<&Value>) -> Value {
    if let (Value::Object(map), Some(Value::Object(l))) = (&mut doc, live) {
        for key in server_filled(kind) {
            if !map.contains_key(*key) {
                if let Some(v) = l.get(*key) {
                    map.insert((*key).to_owned(), v.clone());
                }
            }
        }
    }
    match kind {
        Kind::Output => {
            if let Some(Value::Object(c)) = doc.get_mut("configuration") {
                c.entry("skipValidation").or_insert(Value::Bool(false));
            }
        }
        Kind::EventType => {
            fn leaves(fields: &mut Value) {
                if let Value::Array(items) = fields {
                    for item in items {
                        if let Value::Object(f) = item {
                            let sub = f
                                .entry("fields")
                                .or_insert_with(|| Value::Array(Vec::new()));
                            if sub.is_null() {
                                *sub = Value::Array(Vec::new());
                            }
                            leaves(sub);
                        }
                    }
                }
            }
            if let Some(fields) = doc.get_mut("fields") {
                leaves(fields);
            }
        }
        _ => {}
    }
    doc
}

/// Strings at secret keys written in a file as values, not references.
fn plaintext_secrets(doc: &Value, path: &str, out: &mut Vec<String>) {
    if secret_reference(doc).is_some() {
        return;
    }
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if is_sensitive_key(k)
                    && matches!(v, Value::String(s) if !s.is_empty() && !is_mask(v) && s != alooma::types::REDACTED)
                {
                    out.push(p);
                } else {
                    plaintext_secrets(v, &p, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                plaintext_secrets(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

impl Plan {
    /// Compares `desired` (usually [`Pipeline::load`]) with `live`
    /// ([`Pipeline::fetch`]). Sends nothing.
    ///
    /// A resource only in `desired` is created; one in both that differs
    /// (see the crate's "Comparing") is updated; one only in `live` is
    /// deleted with [`PlanOptions::prune`] and otherwise listed as
    /// unmanaged. Changes made in the live system since the export show up
    /// as updates that revert them.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// # let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// # let client = alooma::Client::builder().base_url(emulator.base_url())
    /// #     .account(emulator.account()).api_key(emulator.api_key().unwrap()).build().unwrap();
    /// use alooma_pipeline::{Kind, Pipeline, Plan, PlanOptions, ResourceId};
    /// let mut desired = Pipeline::fetch(&client).await.unwrap();
    /// desired.remove(&ResourceId::new(Kind::CodeModule, "utils"));
    /// let live = Pipeline::fetch(&client).await.unwrap();
    /// // Without --prune the module is kept, and listed.
    /// let plan = Plan::new(&desired, &live, &PlanOptions::default()).unwrap();
    /// assert!(plan.is_empty() && plan.unmanaged().len() == 1);
    /// let plan = Plan::new(&desired, &live, &PlanOptions::prune(true)).unwrap();
    /// assert_eq!(plan.to_string().lines().next(), Some("- delete code-module \"utils\""));
    /// assert_eq!(plan.to_json()["format_version"], 1);
    /// # });
    /// ```
    pub fn new(
        desired: &Pipeline,
        live: &Pipeline,
        options: &PlanOptions,
    ) -> Result<Plan, PipelineError> {
        let ctx = live.live.clone().unwrap_or_default();
        let mut plan = Plan {
            output_node: ctx.output_node.clone(),
            ..Plan::default()
        };
        let mut deletions = Vec::new();
        for (id, doc) in &desired.resources {
            if id.kind == Kind::CodeModule {
                if let Document::Text(code) = doc {
                    plan.code_modules.insert(id.name.clone(), code.clone());
                }
            }
            if let Document::Json(v) = doc {
                let mut found = Vec::new();
                plaintext_secrets(v, "", &mut found);
                for path in found {
                    plan.warnings.push(format!(
                        "{id}: {path} holds a secret value in the file; write {{\"$secret\": \"NAME\"}} and pass the value in {}NAME",
                        crate::ENV_PREFIX
                    ));
                }
            }
        }
        let mut ids: Vec<&ResourceId> = desired
            .resources
            .keys()
            .chain(live.resources.keys())
            .collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let d = desired.resources.get(id);
            let l = live.resources.get(id);
            if id.kind == Kind::Requirements {
                let differs = match (d, l) {
                    (Some(Document::Text(a)), Some(Document::Text(b))) => {
                        canonical::code(a).trim_end() != canonical::code(b).trim_end()
                    }
                    (Some(_), None) => true,
                    _ => false,
                };
                if differs {
                    plan.warnings.push(
                        "code-engine/requirements.txt differs from the live requirements; the API cannot set them, so apply leaves them as they are (change them in the Alooma UI)".into(),
                    );
                }
                continue;
            }
            if !id.kind.is_managed() {
                continue;
            }
            let server_id = ctx.ids.get(id).cloned();
            match (l, d) {
                (None, None) => {}
                (Some(_), None) => {
                    if !id.kind.is_deletable() {
                        continue;
                    }
                    if options.prune {
                        deletions.push(Change {
                            id: id.clone(),
                            action: Action::Delete,
                            fields: Vec::new(),
                            missing_secrets: Vec::new(),
                            send: None,
                            server_id,
                        });
                    } else {
                        plan.unmanaged.push(id.clone());
                    }
                }
                (live_doc, Some(desired_doc)) => {
                    if let Some(change) =
                        compare(id, live_doc, desired_doc, &ctx.captured, options, server_id)
                    {
                        plan.changes.push(change);
                    }
                }
            }
        }
        deletions.sort_by(|a, b| {
            b.id.kind
                .cmp(&a.id.kind)
                .then_with(|| a.id.name.cmp(&b.id.name))
        });
        plan.changes.extend(deletions);
        Ok(plan)
    }

    /// The changes, in apply order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Live resources the directory does not have, kept because the plan
    /// was made without `--prune`.
    pub fn unmanaged(&self) -> &[ResourceId] {
        &self.unmanaged
    }

    /// Things to know that are not changes (requirements the API cannot
    /// set, secret values written in a file).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// How many changes of each action.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// The machine-readable plan: `format_version`, the changes with their
    /// fields, a summary, the unmanaged resources and the warnings. Holds
    /// no secret value.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "kind": c.id.kind,
                    "name": c.id.name,
                    "action": c.action,
                    "fields": c.fields,
                    "missing_secrets": c.missing_secrets,
                })
            })
            .collect();
        json!({
            "format_version": PLAN_FORMAT_VERSION,
            "changes": changes,
            "summary": {
                "create": self.count(Action::Create),
                "update": self.count(Action::Update),
                "replace": self.count(Action::Replace),
                "delete": self.count(Action::Delete),
            },
            "unmanaged": self.unmanaged,
            "warnings": self.warnings,
        })
    }
}

fn compare(
    id: &ResourceId,
    live: Option<&Document>,
    desired: &Document,
    captured: &BTreeMap<String, Value>,
    options: &PlanOptions,
    server_id: Option<String>,
) -> Option<Change> {
    let create = live.is_none();
    let mut change = Change {
        id: id.clone(),
        action: if create {
            Action::Create
        } else {
            Action::Update
        },
        fields: Vec::new(),
        missing_secrets: Vec::new(),
        send: Some(desired.clone()),
        server_id,
    };
    match (live, desired) {
        (_, Document::Text(d)) => {
            let l = live.and_then(Document::as_text);
            if l.is_some_and(|l| canonical::code(l) == canonical::code(d)) {
                return None;
            }
            change.fields = diff::text_diff(l, Some(d));
        }
        (_, Document::Json(_)) if id.kind == Kind::Secret => {
            if !create {
                // Secret values cannot be read back: an existing secret is
                // left as it is.
                return None;
            }
            match options.secrets.get(&id.name) {
                Some(v) => change.send = Some(Document::Text(v.to_owned())),
                None => {
                    change.send = None;
                    change
                        .missing_secrets
                        .push(crate::secret_name(&id.name, &[]));
                }
            }
            change.fields.push(FieldChange {
                path: "value".into(),
                kind: diff::FieldChangeKind::Added,
                from: None,
                to: Some("(sensitive)".into()),
            });
        }
        (_, Document::Json(d)) => {
            let live_json = live.and_then(Document::as_json);
            let live_refs: Vec<String> = live_json
                .map(|l| references(l).into_iter().map(|(p, _)| p).collect())
                .unwrap_or_default();
            let live_resolved = live_json.map(|l| resolve_live(l, captured));
            let r = resolve_desired(d, live_resolved.as_ref(), &live_refs, &options.secrets);
            let compare_doc = with_defaults(id.kind, r.compare, live_resolved.as_ref());
            if let Some(l) = &live_resolved {
                if same(l, &compare_doc) {
                    return None;
                }
            }
            let mut show_desired = r.show_desired;
            show_desired.value = with_defaults(
                id.kind,
                show_desired.value,
                r.show_live.as_ref().map(|l| &l.value),
            );
            if let Some(live) = &r.show_live {
                show_desired.masks_from(live);
            }
            change.fields = diff::diff(r.show_live.as_ref(), Some(&show_desired));
            change.missing_secrets = r.missing;
            change.send = Some(Document::Json(r.send));
            if !create {
                let type_of = |v: &Value| v.get("type").cloned();
                let replaced = match id.kind {
                    Kind::Query => true,
                    Kind::Input => live_json.and_then(type_of) != type_of(d),
                    _ => false,
                };
                if replaced {
                    change.action = Action::Replace;
                }
            }
        }
    }
    Some(change)
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        if self.changes.is_empty() {
            writeln!(f, "No changes: the live system matches the directory.")?;
        } else {
            writeln!(
                f,
                "Plan: {} to create, {} to update, {} to replace, {} to delete.",
                self.count(Action::Create),
                self.count(Action::Update),
                self.count(Action::Replace),
                self.count(Action::Delete)
            )?;
        }
        if !self.unmanaged.is_empty() {
            let names: Vec<String> = self.unmanaged.iter().map(ToString::to_string).collect();
            writeln!(
                f,
                "{} live resource(s) not in the directory are kept (--prune deletes them): {}",
                self.unmanaged.len(),
                names.join(", ")
            )?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
