//! Code Engine modules (`code-engine/<module>.py`).

use super::{boxed, read, Fetch, Layout, Op, Resource, Write};
use crate::{Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::code_engine::{DeleteCodeEngineModule, SetCodeEngineCode};
use alooma::{Client, HttpService};
use std::collections::BTreeMap;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::PerFile("code-engine", ".py")
    }

    fn is_text(&self) -> bool {
        true
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        if w.action == Action::Delete {
            return Ok(vec![boxed(DeleteCodeEngineModule::new(w.name))]);
        }
        match w.send {
            Some(Document::Text(code)) => {
                let one = BTreeMap::from([(w.name.to_owned(), code.clone())]);
                Ok(vec![boxed(SetCodeEngineCode::from_map(&one))])
            }
            _ => Err("nothing to send".into()),
        }
    }
}

/// Every module's code.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    for (name, code) in client
        .get_code_engine_code()
        .await
        .map_err(read("Code Engine modules"))?
    {
        f.insert(
            ResourceId::new(Kind::CodeModule, name),
            Document::Text(code),
        );
    }
    Ok(())
}
