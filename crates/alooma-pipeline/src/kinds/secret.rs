//! Alooma secrets: their names in `secrets.json` (values never leave the
//! service; `apply` sets them from `ALOOMA_SECRET_<NAME>` or a file).

use super::{boxed, read, Fetch, Layout, Op, Resource, Write};
use crate::{Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::secrets::{DeleteSecret, SetSecrets};
use alooma::types::Secret;
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Listed("secrets.json")
    }

    fn normalise(&self, doc: &mut Value) {
        if let Value::Array(items) = doc {
            items.sort_by_key(|v| v.to_string());
        }
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        if w.action == Action::Delete {
            return Ok(vec![boxed(DeleteSecret::new(w.name))]);
        }
        match w.send {
            Some(Document::Text(value)) => Ok(vec![boxed(SetSecrets::new([(
                w.name.to_owned(),
                Secret::from(value.clone()),
            )]))]),
            _ => Err(format!(
                "no value for the secret (set {}{})",
                crate::ENV_PREFIX,
                crate::secret_name(w.name, &[])
            )),
        }
    }
}

/// Secrets: names only.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    for name in client.get_secrets().await.map_err(read("secrets"))? {
        f.insert(
            ResourceId::new(Kind::Secret, name),
            Document::Json(Value::Null),
        );
    }
    Ok(())
}
