//! The email-notification settings (`notifications.json`).

use super::{boxed, parse, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Document, Kind, PipelineError, ResourceId};
use alooma::core::settings::SetSettingsEmailNotifications;
use alooma::types::EmailNotifications;
use alooma::{Client, HttpService};
use serde_json::Value;

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::Single("notifications.json")
    }

    /// They always exist: without their file they are not managed.
    fn is_deletable(&self) -> bool {
        false
    }

    fn normalise(&self, doc: &mut Value) {
        if let Some(Value::Array(r)) = doc.get_mut("recipients") {
            r.sort_by_key(|v| v.to_string());
        }
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        let settings: EmailNotifications = parse("notification settings", &w.json()?)?;
        Ok(vec![boxed(SetSettingsEmailNotifications::new(settings))])
    }
}

/// The settings' email notifications.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let doc = f
        .settings(client)
        .await?
        .email_notifications
        .get()
        .map(to_json);
    if let Some(doc) = doc {
        f.insert(
            ResourceId::singleton(Kind::Notifications),
            Document::Json(doc),
        );
    }
    Ok(())
}
