//! Scheduled queries (`queries/<event type>.<query type>.json`): their
//! configuration; the API has no update, so a change replaces one.

use super::{boxed, canonical, parse, read, to_json, Fetch, Layout, Op, Resource, Write};
use crate::{Action, Document, Kind, PipelineError, ResourceId};
use alooma::core::queries::{RemoveScheduledQuery, ScheduleDefaultQuery, ScheduleQuery};
use alooma::types::{QueryConfiguration, Schedule};
use alooma::{Client, HttpService};
use serde_json::Value;
use std::collections::BTreeMap;

/// The keys a custom query is written with (the rest the service fills).
const CUSTOM_QUERY_KEYS: [&str; 6] = [
    "event_type",
    "query_type",
    "custom_query",
    "frequency",
    "run_at",
    "avoid_duplicates",
];

pub(super) struct Rules;

impl Resource for Rules {
    fn layout(&self) -> Layout {
        Layout::PerFile("queries", ".json")
    }

    fn read_only_keys(&self) -> &'static [&'static str] {
        &["deployment_name"]
    }

    fn server_filled(&self) -> &'static [&'static str] {
        &[
            "frequency",
            "run_at",
            "avoid_duplicates",
            "custom_variables",
            "query_type",
        ]
    }

    fn replaced_by(&self, _live: Option<&Value>, _desired: &Value) -> bool {
        true
    }

    fn writes(&self, w: &Write<'_>) -> Result<Vec<Op>, String> {
        Ok(match w.action {
            Action::Delete => vec![boxed(RemoveScheduledQuery::new(w.id()?))],
            Action::Replace => vec![
                schedule(&w.json()?)?,
                boxed(RemoveScheduledQuery::new(w.id()?)),
            ],
            _ => vec![schedule(&w.json()?)?],
        })
    }
}

/// The key a query is known by in files: `<event type>.<query type>`.
fn query_key(doc: &Value) -> String {
    let text = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let kind = text("query_type");
    format!(
        "{}.{}",
        text("event_type"),
        if kind.is_empty() {
            "query".into()
        } else {
            kind
        }
    )
}

/// The queries, by event type and query type; several of one key are
/// numbered in the order of their text, so names do not depend on the
/// server's order.
pub(super) async fn fetch<S: HttpService>(
    client: &Client<S>,
    f: &mut Fetch,
) -> Result<(), PipelineError> {
    let queries = client
        .get_queries()
        .await
        .map_err(read("scheduled queries"))?;
    let mut by_key: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for (query_id, query) in queries.iter() {
        let mut doc = query
            .configuration
            .get()
            .map(to_json)
            .unwrap_or_else(|| to_json(query));
        if doc.get("query_type").and_then(Value::as_str) == Some("custom") {
            if let Value::Object(map) = &mut doc {
                map.retain(|k, _| CUSTOM_QUERY_KEYS.contains(&k.as_str()));
            }
        }
        let doc = canonical(Kind::Query, doc);
        by_key
            .entry(query_key(&doc))
            .or_default()
            .push((query_id.unwrap_or_default(), doc));
    }
    for (key, mut found) in by_key {
        found.sort_by_key(|(_, doc)| crate::canonical::to_text(doc));
        for (n, (query_id, doc)) in found.into_iter().enumerate() {
            let name = if n == 0 {
                key.clone()
            } else {
                format!("{key}~{}", n + 1)
            };
            let id = ResourceId::new(Kind::Query, name);
            f.ctx.ids.insert(id.clone(), query_id);
            f.insert(id, Document::Json(doc));
        }
    }
    Ok(())
}

/// The request that schedules a query document.
fn schedule(doc: &Value) -> Result<Op, String> {
    let text = |k: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    if text("query_type") != "custom" {
        let config: QueryConfiguration = parse("query configuration", doc)?;
        return Ok(boxed(ScheduleDefaultQuery::new(config)));
    }
    let schedule = match (doc.get("frequency"), doc.get("run_at")) {
        (Some(f), _) if !f.is_null() => {
            let hours = f
                .as_f64()
                .or_else(|| f.as_str().and_then(|s| s.trim().parse().ok()))
                .filter(|h| *h >= 1.0 && h.fract() == 0.0 && *h <= f64::from(u32::MAX))
                .ok_or_else(|| format!("`frequency` must be a whole number of hours, not {f}"))?;
            // Whole and in range: checked just above.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Schedule::Every {
                hours: hours as u32,
            }
        }
        (_, Some(Value::String(cron))) => Schedule::Cron(cron.clone()),
        _ => return Err("a custom query needs `frequency` (hours) or `run_at` (cron)".into()),
    };
    let avoid = match doc.get("avoid_duplicates") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    };
    Ok(boxed(
        ScheduleQuery::new(text("event_type"), text("custom_query"), schedule)
            .avoid_duplicates(avoid),
    ))
}
