//! The Code Engine requirements (`code-engine/requirements.txt`), which
//! the API cannot set: review only.

use super::{read, Fetch, Layout, Resource};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::{Client, HttpService};

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("code-engine/requirements.txt")
    }

    fn is_managed(&self) -> bool {
        false
    }

    fn is_text(&self) -> bool {
        true
    }
}

/// The requirements as text.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    match client.get_code_engine_requirements_text().await {
        Ok(text) => {
            f.insert(
                ResourceId::singleton(Kind::Requirements),
                Document::Text(text),
            );
            Ok(())
        }
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(read("Code Engine requirements")(e)),
    }
}
