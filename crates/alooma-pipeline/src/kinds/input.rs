//! Inputs (`inputs/<name>.json`): `name`, `type`, `configuration`, by
//! name; the system's own inputs are left out.

use super::{boxed, parse, read, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::inputs::{CreateInput, EditInput, RemoveInput};
use alooma::types::InputSpec;
use alooma::{Client, HttpService};
use serde_json::Value;
use std::collections::BTreeMap;

/// Input types the system owns: never exported, never pruned (the
/// reference's `remove_all_inputs` keeps them too).
const SYSTEM_INPUT_TYPES: [&str; 2] = ["RESTREAM", "AGENT"];

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::PerFile("inputs", ".json")
    }

    fn secret_prefix(&self) -> &'static str {
        "INPUT"
    }

    fn read_only_keys(&self) -> &'static [&'static str] {
        &["id", "category", "deleted", "stats", "state"]
    }

    /// An input whose type changes is removed and created again.
    fn replaced_by(&self, live: Option<&Value>, desired: &Value) -> bool {
        let type_of = |v: &Value| v.get("type").cloned();
        live.and_then(type_of) != type_of(desired)
    }

    fn named_in_document(&self) -> bool {
        true
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        if w.action == Action::Delete {
            return Ok(vec![boxed(RemoveInput::new(w.id()?))]);
        }
        let spec: InputSpec = parse("input", &w.json()?)?;
        Ok(match w.action {
            Action::Create => vec![boxed(CreateInput::new(&spec).one_click(false))],
            Action::Replace => vec![
                boxed(RemoveInput::new(w.id()?)),
                boxed(CreateInput::new(&spec).one_click(false)),
            ],
            _ => vec![boxed(EditInput::new(&spec.with_id(w.id()?)))],
        })
    }
}

/// The user's inputs, by name (two of one name are an error), their
/// secrets taken out and their node ids kept.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let mut inputs: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for node in client.get_inputs().await.map_err(read("inputs"))? {
        let system = node
            .node_type()
            .is_some_and(|t| SYSTEM_INPUT_TYPES.contains(&t));
        if system || node.is_deleted() {
            continue;
        }
        let name = node.name().unwrap_or_default().to_owned();
        inputs
            .entry(name)
            .or_default()
            .push((node.id.clone(), to_json(&node)));
    }
    for (name, mut found) in inputs {
        let id = ResourceId::new(Kind::Input, &name);
        if found.len() > 1 {
            return Err(PipelineError::Duplicate {
                count: found.len(),
                ids: found
                    .iter()
                    .map(|(i, _)| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                id,
            });
        }
        let Some((node_id, mut doc)) = found.pop() else {
            continue;
        };
        f.extract_secrets(&mut doc, Kind::Input, &name);
        f.ctx.ids.insert(id.clone(), node_id);
        f.insert(id, Document::Json(doc));
    }
    Ok(())
}
