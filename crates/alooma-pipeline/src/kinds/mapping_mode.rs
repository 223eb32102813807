//! The default mapping mode (`mapping-mode.json`, a JSON string).

use super::{boxed, parse, read, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::core::event_types::SetMappingMode;
use alooma::types::MappingMode;
use alooma::{Client, HttpService};

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("mapping-mode.json")
    }

    /// There is always a mode: without its file it is not managed.
    fn is_deletable(&self) -> bool {
        false
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        let mode: MappingMode = parse("mapping mode", &w.json()?)?;
        Ok(vec![boxed(SetMappingMode::new(mode))])
    }
}

/// The mode.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let mode = client
        .get_mapping_mode()
        .await
        .map_err(read("the mapping mode"))?;
    f.insert(
        ResourceId::singleton(Kind::MappingMode),
        Document::Json(to_json(&mode)),
    );
    Ok(())
}
