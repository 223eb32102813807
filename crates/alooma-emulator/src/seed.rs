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

use crate::model::{EventType, MappingMode, Node, Object, Sample, Schema};
use crate::state::Table;
use crate::EmulatorError;

const DEMO_SEED: &str = include_str!("../data/demo_seed.json");

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
        crate::cassette::seed_from(text)
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
