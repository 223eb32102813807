//! The warehouse schemas (`tables/schemas.json`): review only.

use super::{read, to_json, Fetch, Layout, Resource};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("tables/schemas.json")
    }

    fn is_managed(&self) -> bool {
        false
    }

    fn normalise(&self, doc: &mut Value) {
        if let Value::Array(items) = doc {
            items.sort_by_key(|v| v.to_string());
        }
    }
}

/// The schemas.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    match client.get_schemas().await {
        Ok(schemas) => {
            f.insert(
                ResourceId::singleton(Kind::Schemas),
                Document::Json(to_json(&schemas)),
            );
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(read("schemas")(e)),
    }
}
