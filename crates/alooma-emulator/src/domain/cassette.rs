//! Seeding from a cassette: a recorded session (the SDK's `record_to`,
//! `alooma --record FILE`) turned into the state of an emulated account,
//! so a captured production session becomes a stateful local copy.
//!
//! A cassette is JSON lines, one exchange each, with (at least) `method`,
//! `path` (relative to the REST root, `/event-types/orders`, or a full
//! `/{account}/rest/…` path), `query`, `status` and `response_body`. The
//! emulator reads them with its own model and recognises each answer by
//! its method and path, with its own route table (not the SDK's operation
//! names). Answers are applied in order, so the last one read of each
//! resource wins, and a successful delete removes what earlier answers
//! added:
//!
//! | answers of | give the seed's |
//! |---|---|
//! | `GET plumbing/` | `nodes` (the structure) |
//! | `GET inputs/{id}`, `GET inputSleepTime/{id}` | `inputs` (paused, sleep time) |
//! | `GET event-types`, `GET event-types/{name}` | `event_types` (a full answer wins over the list's) |
//! | `GET mapping-mode` | `mapping_mode` |
//! | `GET transform/functions[/{name}]`, `GET code-engine/requirements` | `modules`, `requirements` |
//! | `GET tables[/{schema}]`, `GET tables/{schema}/{table}[/dependencies]`, `GET schemas` | `tables`, `schemas` |
//! | `GET v2/consolidation`, `GET consolidation` | `queries` |
//! | `GET secrets` | `secrets` (names only: a cassette never holds their values, so each is seeded with an empty value) |
//! | `GET settings` | `settings` |
//! | `GET notifications`, `GET user`, `GET credits/…`, `GET events/…/summary`, `GET deployInfo`, `GET status-types`, `GET samples` | the rest |
//!
//! Values the cassette holds redacted stay redacted (the real ones were
//! never written).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::domain::model::{EventType, MappingMode, Node, Object, Sample, Schema};
use crate::domain::seed::{Seed, SeedInput, SeedQuery};
use crate::domain::state::Table;
use crate::EmulatorError;

/// What the emulator reads of a cassette line.
#[derive(Deserialize)]
struct Line {
    method: String,
    path: String,
    #[serde(default)]
    query: Option<String>,
    status: u16,
    #[serde(default)]
    response_body: Option<Value>,
}

/// Builds a seed from a cassette's text (see the [module](self) docs).
pub(crate) fn seed_from(text: &str) -> Result<Seed, EmulatorError> {
    let mut b = Builder::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(line).map_err(|e| {
            EmulatorError::Seed(format!("cassette line {}: not an exchange: {e}", i + 1))
        })?;
        if !(200..300).contains(&line.status) {
            continue;
        }
        let segments = segments(&line.path);
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        let query = super::params::Query::parse(line.query.as_deref());
        let body = line.response_body.unwrap_or(Value::Null);
        b.apply(&line.method, &segs, &query, body)
            .map_err(|e| EmulatorError::Seed(format!("cassette line {}: {e}", i + 1)))?;
    }
    Ok(b.finish())
}

/// The decoded segments under the REST root.
fn segments(path: &str) -> Vec<String> {
    let rel = match path.find("/rest/") {
        Some(i) => &path[i + "/rest/".len()..],
        None => path.trim_start_matches('/'),
    };
    rel.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

#[derive(Default)]
struct Builder {
    nodes: Option<Vec<Node>>,
    inputs: BTreeMap<String, SeedInput>,
    event_types: BTreeMap<String, EventType>,
    full_event_types: std::collections::BTreeSet<String>,
    mapping_mode: Option<MappingMode>,
    modules: BTreeMap<String, String>,
    requirements: Option<Vec<Object>>,
    /// In the order first seen (the emulator lists tables in its order).
    tables: Vec<Table>,
    schemas: Option<Vec<Schema>>,
    secrets: Option<Vec<String>>,
    settings: Option<Object>,
    queries: BTreeMap<u64, SeedQuery>,
    notifications: Option<Vec<Object>>,
    users: Option<Vec<Object>>,
    company_credits: Option<Object>,
    used_credits: Option<Vec<Object>>,
    loaded_events: Option<Vec<Object>>,
    deploy_info: Option<Object>,
    status_types: Option<Object>,
    samples: Option<Vec<Sample>>,
}

fn fit<T: serde::de::DeserializeOwned>(what: &str, body: Value) -> Result<T, String> {
    serde_json::from_value(body).map_err(|e| format!("the answer of {what} does not fit: {e}"))
}

impl Builder {
    fn apply(
        &mut self,
        method: &str,
        segs: &[&str],
        query: &super::params::Query,
        body: Value,
    ) -> Result<(), String> {
        match (method, segs) {
            ("GET", ["plumbing"]) => {
                #[derive(Deserialize)]
                struct Structure {
                    nodes: Vec<Node>,
                }
                self.nodes = Some(fit::<Structure>("GET plumbing", body)?.nodes);
            }
            ("GET", ["inputs", id]) => {
                let paused = body
                    .get("job")
                    .and_then(|j| j.get("paused"))
                    .and_then(Value::as_bool);
                self.input(id).paused = paused;
            }
            ("GET", ["inputSleepTime", id]) => {
                self.input(id).sleep_time = body.get("inputSleepTime").and_then(Value::as_f64);
            }
            ("POST", ["plumbing", "nodes", "remove", id]) => {
                if let Some(nodes) = &mut self.nodes {
                    nodes.retain(|n| n.id != *id);
                }
                self.inputs.remove(*id);
            }
            ("GET", ["event-types"]) => {
                for et in fit::<Vec<EventType>>("GET event-types", body)? {
                    if !self.full_event_types.contains(&et.name) {
                        self.event_types.insert(et.name.clone(), et);
                    }
                }
            }
            ("GET", ["event-types", name]) => {
                let et: EventType = fit("GET event-types/{name}", body)?;
                self.full_event_types.insert((*name).to_owned());
                self.event_types.insert((*name).to_owned(), et);
            }
            ("DELETE", ["event-types", name]) => {
                self.event_types.remove(*name);
                self.full_event_types.remove(*name);
            }
            ("GET", ["mapping-mode"]) => self.mapping_mode = Some(fit("GET mapping-mode", body)?),
            ("GET", ["transform", "functions"]) => {
                #[derive(Deserialize)]
                struct Module {
                    #[serde(rename = "functionName")]
                    name: String,
                    code: String,
                }
                self.modules = fit::<Vec<Module>>("GET transform/functions", body)?
                    .into_iter()
                    .map(|m| (m.name, m.code))
                    .collect();
            }
            ("GET", ["transform", "functions", name]) => {
                if let Some(code) = body.get("code").and_then(Value::as_str) {
                    self.modules.insert((*name).to_owned(), code.to_owned());
                }
            }
            ("DELETE", ["transform", "functions", name]) => {
                self.modules.remove(*name);
            }
            ("GET", ["code-engine", "requirements"]) => {
                self.requirements = Some(fit("GET code-engine/requirements", body)?);
            }
            ("GET", ["tables"] | ["tables", _]) => {
                let shallow = query.flag("shallow");
                for t in fit::<Vec<Table>>("GET tables", body)? {
                    let known = self.table(&t.schema, &t.table_name).is_some();
                    if !shallow || !known {
                        self.put_table(t);
                    }
                }
            }
            ("GET", ["tables", schema, table]) => {
                let mut t: Table = fit("GET tables/{schema}/{table}", body)?;
                t.schema = (*schema).to_owned();
                t.table_name = (*table).to_owned();
                self.put_table(t);
            }
            ("GET", ["tables", schema, table, "dependencies"]) => {
                let deps: Vec<String> = fit("GET …/dependencies", body)?;
                if let Some(i) = self.table(schema, table) {
                    self.tables[i].dependencies = deps;
                }
            }
            ("DELETE", ["tables", schema, table]) => {
                if let Some(i) = self.table(schema, table) {
                    self.tables.remove(i);
                }
            }
            ("GET", ["schemas"]) => self.schemas = Some(fit("GET schemas", body)?),
            ("GET", ["v2", "consolidation"]) => {
                if query.get("event_type").is_none() {
                    self.queries.clear();
                }
                for q in fit::<Vec<Object>>("GET v2/consolidation", body)? {
                    self.query(q);
                }
            }
            ("GET", ["consolidation"]) => {
                if query.get("event_type").is_none() {
                    self.queries.clear();
                }
                for (_, q) in fit::<Object>("GET consolidation", body)? {
                    if let Value::Object(q) = q {
                        self.query(q);
                    }
                }
            }
            ("DELETE", ["v2", "consolidation", id]) => {
                if let Ok(id) = id.parse() {
                    self.queries.remove(&id);
                }
            }
            ("GET", ["secrets"]) => self.secrets = Some(fit("GET secrets", body)?),
            ("GET", ["settings"]) => self.settings = Some(fit("GET settings", body)?),
            ("GET", ["notifications"]) => {
                let messages = body
                    .get("messages")
                    .cloned()
                    .unwrap_or(Value::Array(Vec::new()));
                self.notifications = Some(fit("GET notifications", messages)?);
            }
            ("GET", ["user"]) => self.users = Some(fit("GET user/", body)?),
            ("GET", ["credits", "company"]) => {
                self.company_credits = Some(fit("GET credits/company", body)?);
            }
            ("GET", ["credits", "used-credits"]) => {
                self.used_credits = Some(fit("GET credits/used-credits", body)?);
            }
            ("GET", ["events", "loaded-events-per-table", "summary"]) => {
                self.loaded_events = Some(fit("GET events/…/summary", body)?);
            }
            ("GET", ["deployInfo"]) => self.deploy_info = Some(fit("GET deployInfo", body)?),
            ("GET", ["status-types"]) => self.status_types = Some(fit("GET status-types", body)?),
            ("GET", ["samples"])
                if query.get("eventType").is_none() && query.get("status").is_none() =>
            {
                self.samples = Some(fit("GET samples", body)?);
            }
            _ => {}
        }
        Ok(())
    }

    fn table(&self, schema: &str, name: &str) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.schema == schema && t.table_name == name)
    }

    /// Adds a table, or replaces the one of its name (keeping its place
    /// and its known dependencies).
    fn put_table(&mut self, mut t: Table) {
        match self.table(&t.schema, &t.table_name) {
            Some(i) => {
                if t.dependencies.is_empty() {
                    t.dependencies = std::mem::take(&mut self.tables[i].dependencies);
                }
                self.tables[i] = t;
            }
            None => self.tables.push(t),
        }
    }

    fn input(&mut self, id: &str) -> &mut SeedInput {
        self.inputs
            .entry(id.to_owned())
            .or_insert_with(|| SeedInput {
                id: id.to_owned(),
                ..SeedInput::default()
            })
    }

    fn query(&mut self, mut q: Object) {
        let id = q.get("id").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        if let Some(id) = id {
            q.remove("id");
            self.queries.insert(
                id,
                SeedQuery {
                    id: Some(id),
                    rest: q,
                },
            );
        }
    }

    fn finish(self) -> Seed {
        let nodes = self.nodes.unwrap_or_default();
        // Bookkeeping only for inputs the structure has.
        let inputs = self
            .inputs
            .into_values()
            .filter(|i| nodes.iter().any(|n| n.id == i.id && n.is_user_input()))
            .collect();
        let settings = self.settings.unwrap_or_default();
        let section = |key: &str| settings.get(key).and_then(Value::as_object).cloned();
        Seed {
            nodes,
            inputs,
            event_types: self.event_types.into_values().collect(),
            mapping_mode: self.mapping_mode,
            modules: self.modules,
            requirements: self.requirements.unwrap_or_default(),
            tables: self.tables,
            schemas: self.schemas.unwrap_or_default(),
            secrets: self
                .secrets
                .unwrap_or_default()
                .into_iter()
                .map(|name| (name, String::new()))
                .collect(),
            settings: crate::domain::seed::SeedSettings {
                email_notifications: section("email-notifications"),
                s3_retention: section("s3-retention"),
            },
            queries: self.queries.into_values().collect(),
            notifications: self.notifications.unwrap_or_default(),
            users: self.users.unwrap_or_default(),
            company_credits: self.company_credits,
            used_credits: self.used_credits.unwrap_or_default(),
            loaded_events: self.loaded_events.unwrap_or_default(),
            deploy_info: self.deploy_info,
            status_types: self.status_types,
            samples: self.samples.unwrap_or_default(),
        }
    }
}

impl Seed {
    /// Builds a seed from a cassette (a recorded session, JSON lines): the
    /// structure, inputs, event types and mappings, Code Engine, tables,
    /// queries, settings … its answers show (see [`crate::cassette`]).
    ///
    /// ```
    /// let cassette = r#"{"method":"GET","path":"/mapping-mode","status":200,"response_body":"STRICT"}
    /// {"method":"GET","path":"/secrets","status":200,"response_body":["DB"]}"#;
    /// let seed = alooma_emulator::Seed::from_cassette(cassette).unwrap();
    /// assert!(seed.to_json().contains("STRICT"));
    /// ```
    pub fn from_cassette(text: &str) -> Result<Self, EmulatorError> {
        seed_from(text)
    }

    /// Reads a cassette file and builds a seed from it.
    pub fn from_cassette_file(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::SeedFile {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_cassette(&text)
    }
}
