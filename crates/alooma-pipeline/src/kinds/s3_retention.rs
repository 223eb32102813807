//! The S3 retention settings (`s3-retention.json`; no file: none).

use super::{boxed, parse, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::settings::{DeleteS3Retention, SetS3Retention};
use alooma::types::S3Retention;
use alooma::{Client, HttpService};

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("s3-retention.json")
    }

    fn secret_prefix(&self) -> &'static str {
        "S3_RETENTION"
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        if w.action == Action::Delete {
            return Ok(vec![boxed(DeleteS3Retention)]);
        }
        let retention: S3Retention = parse("S3 retention", &w.json()?)?;
        Ok(vec![boxed(SetS3Retention::from_retention(retention))])
    }
}

/// The settings' S3 retention, its secrets taken out.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let doc = f.settings(client).await?.s3_retention.get().map(to_json);
    if let Some(mut doc) = doc.filter(|d| !d.is_null()) {
        f.extract_secrets(&mut doc, Kind::S3Retention, "s3-retention");
        f.insert(
            ResourceId::singleton(Kind::S3Retention),
            Document::Json(doc),
        );
    }
    Ok(())
}
