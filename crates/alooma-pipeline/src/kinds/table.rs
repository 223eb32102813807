//! Warehouse tables (`tables/<schema>/<table>.json`): review only.

use super::{read, to_json, Fetch, Layout, Resource};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::PerFile("tables", ".json")
    }

    fn is_managed(&self) -> bool {
        false
    }

    /// Already `<schema>/<table>` in file-name form.
    fn file_name(&self, name: &str) -> String {
        name.to_owned()
    }

    fn name_of_file(&self, stem: &str) -> Option<String> {
        let ok = stem.split('/').count() == 2
            && stem
                .split('/')
                .all(|part| crate::decode_name(part).is_some());
        ok.then(|| stem.to_owned())
    }
}

/// Every table, named `<schema>/<table>` (each part encoded).
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let tables = match client.get_tables_with(false, None).await {
        Ok(tables) => tables,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(read("tables")(e)),
    };
    for table in tables {
        let doc = to_json(&table);
        let part = |key: &str| {
            crate::encode_name(doc.get(key).and_then(Value::as_str).unwrap_or_default())
        };
        let name = format!("{}/{}", part("schema"), part("tableName"));
        f.insert(ResourceId::new(Kind::Table, name), Document::Json(doc));
    }
    Ok(())
}
