//! [`Plan`]: what it takes to turn the live system into the desired one.

use crate::canonical::{self, is_mask, same};
use crate::change::{Action, Change};
use crate::diff::{self, FieldChange, Shown};
use crate::kinds;
use crate::secrets::{references, secret_reference};
use crate::{Document, Kind, Pipeline, PipelineError, ResourceId, SecretValues};
use alooma::types::is_sensitive_key;
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
            let compare_doc = kinds::with_defaults(id.kind, r.compare, live_resolved.as_ref());
            if let Some(l) = &live_resolved {
                if same(l, &compare_doc) {
                    return None;
                }
            }
            let mut show_desired = r.show_desired;
            show_desired.value = kinds::with_defaults(
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
            if !create && kinds::of(id.kind).replaced_by(live_json, d) {
                change.action = Action::Replace;
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
