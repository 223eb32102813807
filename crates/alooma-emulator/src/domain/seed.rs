//! Seeds: the initial content of an emulated account.
//!
//! # Seed format
//!
//! A seed is one JSON object; every key is optional (a missing key means
//! "empty", or the default noted below) and unknown keys are refused so a
//! typo does not silently seed nothing:
//!
//! | key | JSON | meaning |
//! |---|---|---|
//! | `nodes` | list of node objects | structure nodes (`GET plumbing/`); each needs string `id`, `name`, `type`, `category`; `deleted`, `stats`, `configuration`, `state` are filled when missing. Nodes of category `INPUT` (except `RESTREAM`/`AGENT`) are the inputs. System nodes missing from the list (Inputs, Code Engine = `TRANSFORMER`, Restream = `RESTREAM`, Mapper) are added. A `RESTREAM` node's `stats.availbleForRestream` is the restream queue size. |
//! | `inputs` | list of `{"id","name","type","sleep_time","paused","created_ms"}` | optional bookkeeping of input nodes (`id` required, the rest optional): the sleep time (seconds, default 60), whether paused, when created (epoch ms, default a day before start). Each `id` must be an input node of `nodes`, and a `name` or `type` given must be the node's: a seed whose inputs list and structure disagree is refused with an error naming the id |
//! | `event_types` | list of event types | each needs a string `name`; `fields` (if present) is a list |
//! | `mapping_mode` | string | default mapping mode, `AUTO_MAP` when absent |
//! | `modules` | object name → code | Code Engine modules |
//! | `requirements` | list of `{"name","version"}` | Code Engine requirements |
//! | `tables` | list of `{"schema","tableName","columns","retention","dependencies"}` | warehouse tables; `dependencies` lists `schema.table` names that depend on this one |
//! | `schemas` | list of `{"schemaName","default"}` | warehouse schemas |
//! | `secrets` | object name → string | secrets |
//! | `settings` | `{"email-notifications": {…}, "s3-retention": {…} or null}` | settings |
//! | `queries` | list of v2 scheduled-query objects | integer `id` (assigned when absent) |
//! | `notifications` | list of messages | each with a `timestamp` in epoch milliseconds |
//! | `users` | list of user objects | `GET user/` |
//! | `company_credits` | object | `GET credits/company` |
//! | `used_credits` | list of `{"date","instance_name","value"}` | `GET credits/used-credits`; an `instance_name` of `{{account}}` becomes the account name |
//! | `loaded_events` | list of summary rows | `GET events/loaded-events-per-table/summary` (`last` is compared with `from`/`to`; `instance_name` as for `used_credits`) |
//! | `deploy_info` | object | `GET deployInfo` |
//! | `status_types` | object code → description | `GET status-types` |
//! | `samples` | list of `{"eventType","status","sample"}` | `GET samples` |
//!
//! The built-in demo seed ([`Seed::demo`]) is `data/demo_seed.json` in this
//! crate and is a complete example of the format.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use serde_json::json;

use super::advance;
use super::clock::{self, Clock};
use super::model::{EventType, MappingMode, Node, Object, Sample, Schema};
use super::queries;
use super::state::{
    default_email_notifications, default_status_types, object, with_account, InputMeta, State,
    Table,
};
use super::transitions::{RestreamDrain, Transitions};
use crate::EmulatorError;

const DEMO_SEED: &str = include_str!("../../data/demo_seed.json");

/// The initial content of an emulated account (see the module docs for
/// the JSON format).
///
/// ```
/// use alooma_emulator::Seed;
/// let seed = Seed::from_json(r#"{"secrets": {"db_password": "x"}, "mapping_mode": "STRICT"}"#).unwrap();
/// assert!(Seed::from_json(r#"{"secretz": {}}"#).is_err());
/// # let _ = seed;
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Seed {
    pub(crate) nodes: Vec<Node>,
    pub(crate) inputs: Vec<SeedInput>,
    pub(crate) event_types: Vec<EventType>,
    pub(crate) mapping_mode: Option<MappingMode>,
    pub(crate) modules: BTreeMap<String, String>,
    pub(crate) requirements: Vec<Object>,
    pub(crate) tables: Vec<Table>,
    pub(crate) schemas: Vec<Schema>,
    pub(crate) secrets: BTreeMap<String, String>,
    pub(crate) settings: SeedSettings,
    pub(crate) queries: Vec<SeedQuery>,
    pub(crate) notifications: Vec<Object>,
    pub(crate) users: Vec<Object>,
    pub(crate) company_credits: Option<Object>,
    pub(crate) used_credits: Vec<Object>,
    pub(crate) loaded_events: Vec<Object>,
    pub(crate) deploy_info: Option<Object>,
    pub(crate) status_types: Option<Object>,
    pub(crate) samples: Vec<Sample>,
}

/// The `settings` part of a seed.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SeedSettings {
    #[serde(rename = "email-notifications")]
    pub(crate) email_notifications: Option<Object>,
    #[serde(rename = "s3-retention")]
    pub(crate) s3_retention: Option<Object>,
}

/// The bookkeeping of one input of a seed.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedInput {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(rename = "type", default)]
    pub(crate) input_type: Option<String>,
    #[serde(default)]
    pub(crate) sleep_time: Option<f64>,
    #[serde(default)]
    pub(crate) paused: Option<bool>,
    #[serde(default)]
    pub(crate) created_ms: Option<i64>,
}

/// A scheduled query of a seed: its id is given or assigned.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct SeedQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<u64>,
    #[serde(flatten)]
    pub(crate) rest: Object,
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Counts only: a seed may hold secret values and input credentials.
        f.debug_struct("Seed")
            .field("nodes", &self.nodes.len())
            .field("event_types", &self.event_types.len())
            .field("modules", &self.modules.len())
            .field("tables", &self.tables.len())
            .field("secrets", &self.secrets.len())
            .field("queries", &self.queries.len())
            .field("samples", &self.samples.len())
            .finish_non_exhaustive()
    }
}

impl Seed {
    /// An empty account: only the system nodes, no inputs, no output.
    ///
    /// ```
    /// let seed = alooma_emulator::Seed::empty();
    /// # let _ = seed;
    /// ```
    pub fn empty() -> Self {
        Self::default()
    }

    /// The built-in demo account (`data/demo_seed.json`): three inputs, a
    /// Redshift output, five event types with nested fields, tables and
    /// schemas, Code Engine modules, samples, scheduled queries,
    /// notifications, users and credits.
    ///
    /// ```
    /// let seed = alooma_emulator::Seed::demo();
    /// # let _ = seed;
    /// ```
    pub fn demo() -> Self {
        // The embedded document is checked by this crate's tests; should it
        // ever fail to parse, an empty account is still a working emulator.
        Self::from_json(DEMO_SEED).unwrap_or_else(|e| {
            tracing::error!("built-in demo seed is invalid: {e}");
            Self::default()
        })
    }

    /// The built-in demo seed's JSON text.
    pub fn demo_json() -> &'static str {
        DEMO_SEED
    }

    /// Parses a seed document (format in the module docs).
    ///
    /// Every record must fit its type (a node has a string `id`, `name`,
    /// `type` and `category`; an event type a `name` …): a misfit is an
    /// error naming its JSON path. Duplicate node ids are refused when an
    /// emulator starts from the seed.
    ///
    /// ```
    /// let seed = alooma_emulator::Seed::from_json(r#"{"users": [{"email": "a@example.com"}]}"#);
    /// assert!(seed.is_ok());
    /// ```
    pub fn from_json(json: &str) -> Result<Self, EmulatorError> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            EmulatorError::Seed(if path == "." {
                e.into_inner().to_string()
            } else {
                format!("at `{path}`: {}", e.into_inner())
            })
        })
    }

    /// The seed as a JSON document (the format [`from_json`](Self::from_json)
    /// reads). It holds secret values, if the seed has any.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads and parses a seed file.
    ///
    /// ```no_run
    /// let seed = alooma_emulator::Seed::from_file("seed.json")?;
    /// # let _ = seed;
    /// # Ok::<(), alooma_emulator::EmulatorError>(())
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::SeedFile {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }
}

impl State {
    /// Builds the state of `account` from a seed, validating it.
    ///
    /// System nodes the seed lacks (Inputs, Code Engine, Restream, Mapper)
    /// are added so that every structure has them.
    pub fn from_seed(account: &str, seed: &Seed) -> Result<Self, EmulatorError> {
        Self::from_seed_with(account, seed, Clock::system(), Transitions::default())
    }

    /// Like [`from_seed`](Self::from_seed), with the clock and the
    /// transitions the state moves by.
    pub fn from_seed_with(
        account: &str,
        seed: &Seed,
        clock: Clock,
        transitions: Transitions,
    ) -> Result<Self, EmulatorError> {
        let mut state = State {
            account: account.to_owned(),
            nodes: Vec::new(),
            input_meta: BTreeMap::new(),
            event_types: BTreeMap::new(),
            mapping_mode: seed.mapping_mode.unwrap_or(MappingMode::AutoMap),
            modules: seed.modules.clone(),
            requirements: seed.requirements.clone(),
            tables: seed.tables.clone(),
            schemas: seed.schemas.clone(),
            secrets: seed.secrets.clone(),
            email_notifications: seed
                .settings
                .email_notifications
                .clone()
                .unwrap_or_else(default_email_notifications),
            s3_retention: seed.settings.s3_retention.clone(),
            queries: Vec::new(),
            notifications: seed.notifications.clone(),
            users: seed.users.clone(),
            company_credits: seed.company_credits.clone().unwrap_or_else(|| {
                object(json!({"company_name": account, "payment_period": "Monthly",
                       "subscription_type": "On Demand", "used_credits": 0.0}))
            }),
            used_credits: seed
                .used_credits
                .iter()
                .map(|r| with_account(r, account))
                .collect(),
            loaded_events: seed
                .loaded_events
                .iter()
                .map(|r| with_account(r, account))
                .collect(),
            deploy_info: seed.deploy_info.clone().unwrap_or_else(|| {
                object(
                    json!({"deploymentName": "alooma-emulator", "gitBranch": "emulator",
                       "gitCommitId": "0000000", "buildTimestamp": "1970-01-01T00:00:00Z"}),
                )
            }),
            status_types: seed
                .status_types
                .clone()
                .unwrap_or_else(default_status_types),
            samples: seed.samples.clone(),
            restream: RestreamDrain::default(),
            query_runs: BTreeMap::new(),
            next_id: 1,
            clock,
            transitions,
            code: crate::domain::code::CodeExecution::default(),
            data: None,
            warehouse: super::account_data::WarehouseLocation::default(),
            restream_events: Vec::new(),
        };
        for node in &seed.nodes {
            if state.nodes.iter().any(|n| n.id == node.id) {
                return Err(EmulatorError::Seed(format!(
                    "node id {:?} is used twice",
                    node.id
                )));
            }
            let mut node = node.clone();
            node.fill_stats();
            state.nodes.push(node);
        }
        state.add_missing_system_nodes();
        state.seed_inputs(seed)?;
        for et in &seed.event_types {
            state.event_types.insert(et.name.clone(), et.clone());
        }
        for q in &seed.queries {
            let id = match q.id {
                Some(id) => id,
                None => state.next_number(),
            };
            if state.queries.iter().any(|existing| existing.id == id) {
                return Err(EmulatorError::Seed(format!(
                    "scheduled query id {id} is used twice"
                )));
            }
            state.next_id = state.next_id.max(id + 1);
            let query = queries::normalized(id, q.rest.clone(), &state.deployment_name());
            state.queries.push(query);
        }
        let now = state.clock.now_millis();
        advance::schedule_all(&mut state, now);
        Ok(state)
    }

    /// The bookkeeping of every input node: from the seed's `inputs` list
    /// where it has one, which must agree with the structure.
    fn seed_inputs(&mut self, seed: &Seed) -> Result<(), EmulatorError> {
        let disagree = |id: &str, why: String| {
            EmulatorError::Seed(format!(
                "input {id:?}: the inputs list and the structure disagree: {why}"
            ))
        };
        let mut listed = BTreeMap::new();
        for input in &seed.inputs {
            if listed.insert(input.id.clone(), input).is_some() {
                return Err(disagree(&input.id, "it is listed twice".into()));
            }
            let Some(node) = self.node(&input.id) else {
                return Err(disagree(
                    &input.id,
                    "no node of the structure has this id".into(),
                ));
            };
            if !node.is_user_input() {
                return Err(disagree(
                    &input.id,
                    format!(
                        "its node is a {} {} node, not an input",
                        node.category, node.node_type
                    ),
                ));
            }
            if let Some(name) = input.name.as_deref().filter(|n| *n != node.name) {
                return Err(disagree(
                    &input.id,
                    format!(
                        "named {name:?} in the list, {:?} in the structure",
                        node.name
                    ),
                ));
            }
            if let Some(t) = input.input_type.as_deref().filter(|t| *t != node.node_type) {
                return Err(disagree(
                    &input.id,
                    format!(
                        "of type {t} in the list, {} in the structure",
                        node.node_type
                    ),
                ));
            }
        }
        let input_ids: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| n.is_user_input())
            .map(|n| n.id.clone())
            .collect();
        let day_ago = self.clock.now_millis() - 86_400_000;
        for id in input_ids {
            let task_id = self.new_id();
            let entry = listed.get(&id);
            let (label, input_type) = self
                .node(&id)
                .map(|n| (n.name.clone(), n.node_type.clone()))
                .unwrap_or_default();
            let account_name = self.account.clone();
            let created_ms = entry.and_then(|e| e.created_ms).unwrap_or(day_ago);
            self.input_meta.insert(
                id,
                InputMeta {
                    created_at: clock::iso_micros(created_ms),
                    sleep_time: entry.and_then(|e| e.sleep_time).unwrap_or(60.0),
                    paused: entry.and_then(|e| e.paused).unwrap_or(false),
                    task_id,
                    created_ms,
                    reads: 0,
                    running: true,
                    token: Some(super::account_data::mint_token(
                        &account_name,
                        &label,
                        &input_type,
                    )),
                },
            );
        }
        Ok(())
    }
}
