//! [`render`]: a stable, human-readable text form of a built request, used by
//! the snapshot tests and by dry runs.

use crate::OperationMeta;
use bytes::Bytes;
use http::Request;

/// Renders a request as text: the request line, its operation metadata, the
/// headers that matter, and the body (pretty-printed when it is JSON).
///
/// ```
/// use alooma_core::{render, Operation, event_types::GetEventType};
/// let text = render(&GetEventType::new("a b").build().unwrap());
/// assert!(text.starts_with("GET /event-types/a%20b\n"));
/// ```
pub fn render(request: &Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    if let Some(meta) = request.extensions().get::<OperationMeta>() {
        out.push_str(&format!(
            "operation: {} ({})",
            meta.name,
            if meta.retry.is_idempotent() {
                "idempotent"
            } else {
                "not idempotent"
            }
        ));
        if let Some(t) = meta.timeout {
            out.push_str(&format!(", timeout {}s", t.as_secs()));
        }
        out.push('\n');
    }
    for (name, value) in request.headers() {
        if name == http::header::ACCEPT {
            continue;
        }
        let shown = if value.is_sensitive() {
            "<redacted>"
        } else {
            value.to_str().unwrap_or("<binary>")
        };
        out.push_str(&format!("{name}: {shown}\n"));
    }
    let body = request.body();
    if !body.is_empty() {
        out.push('\n');
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(v) => out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default()),
            Err(_) => out.push_str(&String::from_utf8_lossy(body)),
        }
        out.push('\n');
    }
    out
}
