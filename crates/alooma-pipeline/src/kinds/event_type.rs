//! Event types with their mappings (`event-types/<name>.json`), as
//! `get_mapping` returns them, without stats.

use super::{boxed, parse, read, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{canonical, Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::event_types::{DeleteEventType, SetMapping};
use alooma::types::EventType;
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::PerFile("event-types", ".json")
    }

    fn read_only_keys(&self) -> &'static [&'static str] {
        &[
            "stats",
            "state",
            "origInputLabel",
            "autoMappingError",
            "usingDefaultMappingMode",
            "schemaUrls",
            "inputObjects",
        ]
    }

    fn normalise(&self, doc: &mut Value) {
        if let Some(fields) = doc.get_mut("fields") {
            canonical::sort_fields(fields);
        }
    }

    fn server_filled(&self) -> &'static [&'static str] {
        &["consolidation", "mapping", "mappingMode"]
    }

    /// A leaf field has `"fields": []`.
    fn fill_defaults(&self, doc: &mut Value) {
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

    fn named_in_document(&self) -> bool {
        true
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        if w.action == Action::Delete {
            return Ok(vec![boxed(DeleteEventType::new(w.name))]);
        }
        let mapping: EventType = parse("event type", &w.json()?)?;
        Ok(vec![boxed(SetMapping::new(mapping, w.name))])
    }
}

/// Every event type's mapping.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    for et in client
        .get_event_types()
        .await
        .map_err(read("event types"))?
    {
        let name = et.name.clone();
        let mapping = client
            .get_mapping(&name)
            .await
            .map_err(|e| read(&format!("the mapping of {name:?}"))(e))?;
        f.insert(
            ResourceId::new(Kind::EventType, name),
            Document::Json(to_json(&mapping)),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::kinds::canonical;
    use crate::Kind;
    use serde_json::json;

    #[test]
    fn fields_sort_by_name_at_every_depth() {
        let doc = json!({"name": "e", "stats": {}, "fields": [
            {"fieldName": "b", "stats": {"count": 1}, "fields": [{"fieldName": "z"}, {"fieldName": "y"}]},
            {"fieldName": "a"}]});
        let c = canonical(Kind::EventType, doc);
        assert_eq!(
            c,
            json!({"name": "e", "fields": [
            {"fieldName": "a"},
            {"fieldName": "b", "fields": [{"fieldName": "y"}, {"fieldName": "z"}]}]})
        );
    }
}
