//! [`Pipeline::fetch`]: the live system read through the SDK, in the
//! pipeline's canonical form.

use crate::{secrets, Document, Kind, LiveContext, Pipeline, PipelineError, ResourceId};
use alooma::{Client, HttpService};
use serde_json::Value;
use std::collections::BTreeMap;

/// Input types the system owns: never exported, never pruned (the
/// reference's `remove_all_inputs` keeps them too).
const SYSTEM_INPUT_TYPES: [&str; 2] = ["RESTREAM", "AGENT"];

fn read(what: &str) -> impl FnOnce(alooma::Error) -> PipelineError + '_ {
    move |source| PipelineError::Read {
        what: what.to_owned(),
        source,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The key a query is known by in files: `<event type>.<query type>`.
pub(crate) fn query_key(doc: &Value) -> String {
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

/// The keys a custom query is written with (the rest the service fills).
const CUSTOM_QUERY_KEYS: [&str; 6] = [
    "event_type",
    "query_type",
    "custom_query",
    "frequency",
    "run_at",
    "avoid_duplicates",
];

impl Pipeline {
    /// Reads the live system: inputs, event types with their mappings, the
    /// mapping mode, Code Engine modules and requirements, scheduled
    /// queries, notification and retention settings, the output, secret
    /// names, and the warehouse's tables and schemas (for review).
    ///
    /// Only reads: no write request is sent. Secret values are replaced by
    /// references as they are read; the values stay in memory, to be kept
    /// when a plan has no value of its own (see [`crate::SecretValues`]).
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let emulator = alooma_emulator::Emulator::start().await.unwrap();
    /// let client = alooma::Client::builder().base_url(emulator.base_url())
    ///     .account(emulator.account()).api_key(emulator.api_key().unwrap()).build().unwrap();
    /// let live = alooma_pipeline::Pipeline::fetch(&client).await.unwrap();
    /// assert!(live.resources().count() > 0);
    /// # });
    /// ```
    pub async fn fetch<S: HttpService>(client: &Client<S>) -> Result<Pipeline, PipelineError> {
        let mut p = Pipeline::new();
        let mut ctx = LiveContext::default();

        // Secrets: names only.
        for name in client.get_secrets().await.map_err(read("secrets"))? {
            p.insert(
                ResourceId::new(Kind::Secret, name),
                Document::Json(Value::Null),
            );
        }

        // The output.
        match client.get_output_node().await {
            Ok(node) => {
                let mut doc = to_json(&node);
                secrets::extract(
                    &mut doc,
                    Kind::Output.secret_prefix(),
                    "output",
                    &mut ctx.captured,
                );
                p.insert(ResourceId::singleton(Kind::Output), Document::Json(doc));
                ctx.output_node = Some(node);
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(read("the output")(e)),
        }

        // Code Engine.
        for (name, code) in client
            .get_code_engine_code()
            .await
            .map_err(read("Code Engine modules"))?
        {
            p.insert(
                ResourceId::new(Kind::CodeModule, name),
                Document::Text(code),
            );
        }
        match client.get_code_engine_requirements_text().await {
            Ok(text) => p.insert(
                ResourceId::singleton(Kind::Requirements),
                Document::Text(text),
            ),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(read("Code Engine requirements")(e)),
        }

        // Mapping mode and event types.
        let mode = client
            .get_mapping_mode()
            .await
            .map_err(read("the mapping mode"))?;
        p.insert(
            ResourceId::singleton(Kind::MappingMode),
            Document::Json(to_json(&mode)),
        );
        for et in client
            .get_event_types()
            .await
            .map_err(read("event types"))?
        {
            let name = et.name.clone();
            let mapping = client
                .get_mapping(&name)
                .await
                .map_err(|e| read(&format!("the mapping of {name:?}"))(e))?;
            p.insert(
                ResourceId::new(Kind::EventType, name),
                Document::Json(to_json(&mapping)),
            );
        }

        // Inputs, by name.
        let mut inputs: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
        for node in client.get_inputs().await.map_err(read("inputs"))? {
            let system = node
                .node_type()
                .is_some_and(|t| SYSTEM_INPUT_TYPES.contains(&t));
            if system || node.is_deleted() {
                continue;
            }
            let name = node.name.get().cloned().unwrap_or_default();
            inputs
                .entry(name)
                .or_default()
                .push((node.id.clone(), to_json(&node)));
        }
        for (name, mut found) in inputs {
            let id = ResourceId::new(Kind::Input, &name);
            if found.len() > 1 {
                return Err(PipelineError::Duplicate {
                    count: found.len(),
                    ids: found
                        .iter()
                        .map(|(i, _)| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    id,
                });
            }
            let Some((node_id, mut doc)) = found.pop() else {
                continue;
            };
            secrets::extract(
                &mut doc,
                Kind::Input.secret_prefix(),
                &name,
                &mut ctx.captured,
            );
            ctx.ids.insert(id.clone(), node_id);
            p.insert(id, Document::Json(doc));
        }

        // Scheduled queries, by event type and query type.
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
            let doc = crate::canonical::canonical(Kind::Query, doc);
            by_key
                .entry(query_key(&doc))
                .or_default()
                .push((query_id.unwrap_or_default(), doc));
        }
        for (key, mut found) in by_key {
            // Several queries of one key: numbered in the order of their
            // text, so the names do not depend on the server's order.
            found.sort_by_key(|(_, doc)| crate::canonical::to_text(doc));
            for (n, (query_id, doc)) in found.into_iter().enumerate() {
                let name = if n == 0 {
                    key.clone()
                } else {
                    format!("{key}~{}", n + 1)
                };
                let id = ResourceId::new(Kind::Query, name);
                ctx.ids.insert(id.clone(), query_id);
                p.insert(id, Document::Json(doc));
            }
        }

        // Settings.
        let settings = client.get_settings().await.map_err(read("settings"))?;
        if let Some(n) = settings.email_notifications.get() {
            p.insert(
                ResourceId::singleton(Kind::Notifications),
                Document::Json(to_json(n)),
            );
        }
        if let Some(r) = settings.s3_retention.get() {
            let mut doc = to_json(r);
            if !doc.is_null() {
                secrets::extract(
                    &mut doc,
                    Kind::S3Retention.secret_prefix(),
                    "s3-retention",
                    &mut ctx.captured,
                );
                p.insert(
                    ResourceId::singleton(Kind::S3Retention),
                    Document::Json(doc),
                );
            }
        }

        // The warehouse, for review.
        match client.get_tables_with(false, None).await {
            Ok(tables) => {
                for table in tables {
                    let doc = to_json(&table);
                    let schema = doc
                        .get("schema")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let name = doc
                        .get("tableName")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let name = format!(
                        "{}/{}",
                        crate::encode_name(schema),
                        crate::encode_name(name)
                    );
                    p.insert(ResourceId::new(Kind::Table, name), Document::Json(doc));
                }
            }
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(read("tables")(e)),
        }
        match client.get_schemas().await {
            Ok(schemas) => p.insert(
                ResourceId::singleton(Kind::Schemas),
                Document::Json(to_json(&schemas)),
            ),
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(read("schemas")(e)),
        }

        p.live = Some(ctx);
        Ok(p)
    }
}
