//! The output (`output.json`): its name, type and configuration.

use super::{boxed, parse, read, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::core::outputs::SetOutput;
use alooma::types::OutputConfig;
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("output.json")
    }

    /// The output always exists: without its file it is not managed.
    fn is_deletable(&self) -> bool {
        false
    }

    fn secret_prefix(&self) -> &'static str {
        "OUTPUT"
    }

    fn read_only_keys(&self) -> &'static [&'static str] {
        &["id", "category", "deleted", "stats", "state"]
    }

    fn fill_defaults(&self, doc: &mut Value) {
        if let Some(Value::Object(c)) = doc.get_mut("configuration") {
            c.entry("skipValidation").or_insert(Value::Bool(false));
        }
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        let doc = w.json()?;
        let node = w
            .output_node
            .ok_or("the live system has no output to configure")?;
        let config: OutputConfig = parse(
            "output configuration",
            doc.get("configuration").unwrap_or(&Value::Null),
        )?;
        let shown = doc.get("name").and_then(Value::as_str);
        Ok(vec![boxed(
            SetOutput::for_node(node, config, shown).map_err(|e| e.to_string())?,
        )])
    }
}

/// The output node, its secrets taken out.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    match client.get_output_node().await {
        Ok(node) => {
            let mut doc = to_json(&node);
            f.extract_secrets(&mut doc, Kind::Output, "output");
            f.insert(ResourceId::singleton(Kind::Output), Document::Json(doc));
            f.ctx.output_node = Some(node);
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(read("the output")(e)),
    }
}
