//! [`render`]: a stable, human-readable text form of a built request, used by
//! the snapshot tests and by dry runs.

use crate::OperationMeta;
use bytes::Bytes;
use http::Request;

/// What dry runs print: [`render`] with the operation's name after the
/// request line and every secret value replaced by `<redacted>`: the values
/// at secret keys of a JSON body, every value of a `set_secrets` body
/// (whose keys are the secrets' names), and a non-JSON body of a request
/// marked [`SensitiveBody`](crate::auth::SensitiveBody)(crate::auth::SensitiveBody). What dry runs print.
///
/// ```
/// use alooma_core::{render_redacted, Operation, inputs::EditInput};
/// use alooma_types::InputSpec;
/// let mut spec = InputSpec::new("pg", "POSTGRESQL").with_id("i1");
/// spec.configuration_mut().insert("password".into(), "s3cr3t".into());
/// let text = render_redacted(&EditInput::new(&spec).build().unwrap());
/// assert!(text.contains(r#""password": "<redacted>""#) && !text.contains("s3cr3t"));
/// ```
pub fn render_redacted(request: &Request<Bytes>) -> String {
    let mut shown = request.clone();
    let secrets_by_name = request
        .extensions()
        .get::<OperationMeta>()
        .is_some_and(|m| m.name == "set_secrets");
    match serde_json::from_slice::<serde_json::Value>(request.body()) {
        Ok(mut body) => {
            if let (true, serde_json::Value::Object(map)) = (secrets_by_name, &mut body) {
                for v in map.values_mut() {
                    *v = serde_json::Value::String(alooma_types::REDACTED.into());
                }
            }
            alooma_types::redact_value(&mut body);
            *shown.body_mut() = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
        }
        Err(_)
            if request
                .extensions()
                .get::<crate::auth::SensitiveBody>()
                .is_some() =>
        {
            *shown.body_mut() = Bytes::from_static(b"<a body holding credentials>");
        }
        Err(_) => {}
    }
    let text = render(&shown);
    match (
        request.extensions().get::<OperationMeta>(),
        text.split_once('\n'),
    ) {
        // The request line, then which operation it is.
        (Some(meta), Some((line, rest))) => format!("{line}\noperation: {}\n{rest}", meta.name),
        _ => text,
    }
}

/// Renders a request as text: the request line, its retry safety and own
/// timeout, the headers that matter, and the body (pretty-printed when it
/// is JSON). The operation's name is left out: a snapshot's file name
/// carries it, and [`render_redacted`] (what dry runs print) adds it.
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
            "retry: {}",
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
            // Keys sorted, so a rendering does not depend on field order.
            Ok(v) => out.push_str(&serde_json::to_string_pretty(&sorted(v)).unwrap_or_default()),
            Err(_) => out.push_str(&String::from_utf8_lossy(body)),
        }
        out.push('\n');
    }
    out
}

/// The value with every object's keys in sorted order.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}
