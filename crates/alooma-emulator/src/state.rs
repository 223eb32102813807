//! The emulator's in-memory state: everything the API reads and writes.
//!
//! Resources are kept as the JSON the service sends (`serde_json::Value`),
//! so whatever a client stores is answered back verbatim, with a few typed
//! records where the emulator itself needs to reason (tables, inputs).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::clock;
use crate::seed::Seed;
use crate::EmulatorError;

/// The mapping modes the service accepts (`GET`/`POST mapping-mode`).
pub const MAPPING_MODES: [&str; 3] = ["AUTO_MAP", "STRICT", "FLEXIBLE"];

/// The event-dropping transform: a test run of exactly this code answers a
/// `null` result.
pub const EVENT_DROPPING_TRANSFORM_CODE: &str = "def transform(event):\n\treturn None";

/// The default Code Engine transform (`GET transform/defaults`).
pub const DEFAULT_TRANSFORM_CODE: &str = "def transform(event):\n\treturn event";

/// Emulator-side bookkeeping of one input (what `GET inputs/{id}` reports
/// beyond the structure node).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InputMeta {
    /// When the input was created (`YYYY-MM-DDTHH:MM:SS.ffffff`).
    pub created_at: String,
    /// Seconds between pulls (`inputSleepTime`).
    pub sleep_time: f64,
    /// Whether the input is paused.
    pub paused: bool,
    /// The id of the input's single task (`tasks` key).
    pub task_id: String,
}

/// One table of the output warehouse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Table {
    /// The schema holding the table.
    pub schema: String,
    /// The table's name.
    pub table_name: String,
    /// Column objects as the service sends them (`columnName`, `columnType`, …).
    #[serde(default)]
    pub columns: Vec<Value>,
    /// Retention setting (usually `null`).
    #[serde(default)]
    pub retention: Value,
    /// Objects that depend on this table, as `schema.name` strings
    /// (`GET tables/{schema}/{table}/dependencies`; dropping the table
    /// without `cascade` fails while any of them exists).
    #[serde(default)]
    pub dependencies: Vec<String>,
}

impl Table {
    /// The table as the API answers it; `shallow` empties `columns`.
    pub fn to_wire(&self, shallow: bool) -> Value {
        json!({
            "tableName": self.table_name,
            "schema": self.schema,
            "columns": if shallow { Vec::new() } else { self.columns.clone() },
            "retention": self.retention,
        })
    }

    /// `schema.table`, the form used in dependency lists.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.schema, self.table_name)
    }
}

/// The whole emulated account. Read it in tests with
/// [`Emulator::with_state`](crate::Emulator::with_state).
///
/// Not `Debug`: it holds secret values and credentials of inputs.
#[non_exhaustive]
pub struct State {
    /// The account name (`config_clientName`).
    pub account: String,
    /// Structure nodes (`GET plumbing/`): system nodes, inputs, outputs.
    pub nodes: Vec<Value>,
    /// Per-input bookkeeping, by input node id.
    pub input_meta: BTreeMap<String, InputMeta>,
    /// Event types by name, each the full event type with `fields`.
    pub event_types: BTreeMap<String, Value>,
    /// The default mapping mode, one of [`MAPPING_MODES`].
    pub mapping_mode: String,
    /// Code Engine modules: name → code.
    pub modules: BTreeMap<String, String>,
    /// Code Engine requirements: list of `{"name","version"}`.
    pub requirements: Vec<Value>,
    /// Warehouse tables.
    pub tables: Vec<Table>,
    /// Warehouse schemas: list of `{"schemaName","default"}`.
    pub schemas: Vec<Value>,
    /// Secrets: name → value (only names are ever answered).
    pub secrets: BTreeMap<String, String>,
    /// `settings/email-notifications`.
    pub email_notifications: Value,
    /// `settings/s3-retention`, `None` when deleted.
    pub s3_retention: Option<Value>,
    /// Scheduled (consolidation) queries, v2 objects with an `id`.
    pub queries: Vec<Value>,
    /// Notification messages, newest first.
    pub notifications: Vec<Value>,
    /// Users with access to the account.
    pub users: Vec<Value>,
    /// `credits/company`.
    pub company_credits: Value,
    /// `credits/used-credits` rows (`date`, `instance_name`, `value`).
    pub used_credits: Vec<Value>,
    /// `events/loaded-events-per-table/summary` rows.
    pub loaded_events: Vec<Value>,
    /// `deployInfo`.
    pub deploy_info: Value,
    /// `status-types`: code → description.
    pub status_types: Value,
    /// Samples: `{"eventType","status","sample"}` objects.
    pub samples: Vec<Value>,
    next_id: u64,
}

impl State {
    /// Builds the state of `account` from a seed, validating it.
    ///
    /// System nodes the seed lacks (Inputs, Code Engine, Restream, Mapper)
    /// are added so that every structure has them.
    pub fn from_seed(account: &str, seed: &Seed) -> Result<Self, EmulatorError> {
        let mut state = State {
            account: account.to_owned(),
            nodes: Vec::new(),
            input_meta: BTreeMap::new(),
            event_types: BTreeMap::new(),
            mapping_mode: seed
                .mapping_mode
                .clone()
                .unwrap_or_else(|| "AUTO_MAP".into()),
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
            s3_retention: seed.settings.s3_retention.clone().filter(|v| !v.is_null()),
            queries: Vec::new(),
            notifications: seed.notifications.clone(),
            users: seed.users.clone(),
            company_credits: seed.company_credits.clone().unwrap_or_else(|| {
                json!({"company_name": account, "payment_period": "Monthly",
                       "subscription_type": "On Demand", "used_credits": 0.0})
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
                json!({"deploymentName": "alooma-emulator", "gitBranch": "emulator",
                       "gitCommitId": "0000000", "buildTimestamp": "1970-01-01T00:00:00Z"})
            }),
            status_types: seed
                .status_types
                .clone()
                .unwrap_or_else(default_status_types),
            samples: seed.samples.clone(),
            next_id: 1,
        };
        if !MAPPING_MODES.contains(&state.mapping_mode.as_str()) {
            return Err(EmulatorError::Seed(format!(
                "mapping_mode {:?} is not one of {MAPPING_MODES:?}",
                state.mapping_mode
            )));
        }
        for (i, node) in seed.nodes.iter().enumerate() {
            let obj = node
                .as_object()
                .ok_or_else(|| EmulatorError::Seed(format!("nodes[{i}] is not an object")))?;
            for key in ["id", "name", "type", "category"] {
                if !obj.get(key).is_some_and(Value::is_string) {
                    return Err(EmulatorError::Seed(format!(
                        "nodes[{i}].{key} must be a string"
                    )));
                }
            }
            state.nodes.push(normalize_node(obj.clone()));
        }
        state.add_missing_system_nodes();
        let input_ids: Vec<String> = state
            .nodes
            .iter()
            .filter(|n| is_user_input(n))
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect();
        for id in input_ids {
            let task_id = state.new_id();
            state.input_meta.insert(
                id,
                InputMeta {
                    created_at: clock::iso_micros(clock::now_millis() - 86_400_000),
                    sleep_time: 60.0,
                    paused: false,
                    task_id,
                },
            );
        }
        for (i, et) in seed.event_types.iter().enumerate() {
            let name = et.get("name").and_then(Value::as_str).ok_or_else(|| {
                EmulatorError::Seed(format!("event_types[{i}].name must be a string"))
            })?;
            if !et.get("fields").map_or(true, Value::is_array) {
                return Err(EmulatorError::Seed(format!(
                    "event_types[{i}].fields must be a list"
                )));
            }
            state.event_types.insert(name.to_owned(), et.clone());
        }
        for (i, q) in seed.queries.iter().enumerate() {
            let mut obj = q
                .as_object()
                .cloned()
                .ok_or_else(|| EmulatorError::Seed(format!("queries[{i}] is not an object")))?;
            let id = match obj.get("id") {
                Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
                    EmulatorError::Seed(format!("queries[{i}].id must be a positive integer"))
                })?,
                None => state.next_number(),
                Some(_) => {
                    return Err(EmulatorError::Seed(format!(
                        "queries[{i}].id must be an integer"
                    )))
                }
            };
            state.next_id = state.next_id.max(id + 1);
            obj.insert("id".into(), json!(id));
            obj.entry("state_id")
                .or_insert_with(|| json!(id.to_string()));
            state.queries.push(Value::Object(obj));
        }
        for (i, s) in state.schemas.iter().enumerate() {
            if !s.get("schemaName").is_some_and(Value::is_string) {
                return Err(EmulatorError::Seed(format!(
                    "schemas[{i}].schemaName must be a string"
                )));
            }
        }
        for (i, s) in state.samples.iter().enumerate() {
            if !s.is_object() {
                return Err(EmulatorError::Seed(format!(
                    "samples[{i}] is not an object"
                )));
            }
        }
        Ok(state)
    }

    /// A fresh id shaped like the service's (UUID-like, unique in this state).
    pub fn new_id(&mut self) -> String {
        let n = self.next_number();
        let mix = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (mix >> 32) as u32,
            (mix >> 16) as u16,
            (mix & 0xfff) as u16,
            (n >> 12) & 0xfff,
            n & 0xffff_ffff_ffff
        )
    }

    /// A fresh small integer id.
    pub fn next_number(&mut self) -> u64 {
        let n = self.next_id;
        self.next_id += 1;
        n
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Value> {
        self.nodes.iter().find(|n| n["id"] == id)
    }

    /// The node with this id, mutably.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.nodes.iter_mut().find(|n| n["id"] == id)
    }

    /// The first node of this type, mutably.
    pub fn node_of_type_mut(&mut self, node_type: &str) -> Option<&mut Value> {
        self.nodes.iter_mut().find(|n| n["type"] == node_type)
    }

    /// The default schema's name (`"public"` when none is marked default).
    pub fn default_schema(&self) -> String {
        self.schemas
            .iter()
            .find(|s| s["default"] == true)
            .or_else(|| self.schemas.first())
            .and_then(|s| s["schemaName"].as_str())
            .unwrap_or("public")
            .to_owned()
    }

    /// The whole state as one JSON document (secret *values* are left out).
    pub fn to_json(&self) -> Value {
        json!({
            "account": self.account,
            "nodes": self.nodes,
            "input_meta": self.input_meta,
            "event_types": self.event_types,
            "mapping_mode": self.mapping_mode,
            "modules": self.modules,
            "requirements": self.requirements,
            "tables": self.tables,
            "schemas": self.schemas,
            "secrets": self.secrets.keys().collect::<Vec<_>>(),
            "settings": {
                "email-notifications": self.email_notifications,
                "s3-retention": self.s3_retention.is_some(),
            },
            "queries": self.queries,
            "notifications": self.notifications,
            "users": self.users,
            "company_credits": self.company_credits,
            "used_credits": self.used_credits,
            "loaded_events": self.loaded_events,
            "deploy_info": self.deploy_info,
            "status_types": self.status_types,
            "samples": self.samples,
        })
    }

    fn add_missing_system_nodes(&mut self) {
        let wanted = [
            ("Inputs", "INPUTS", "PROCESSOR"),
            ("Code Engine", "TRANSFORMER", "PROCESSOR"),
            ("Restream", "RESTREAM", "INPUT"),
            ("Mapper", "MAPPER", "PROCESSOR"),
        ];
        for (name, node_type, category) in wanted {
            if self.nodes.iter().any(|n| n["type"] == node_type) {
                continue;
            }
            let id = self.new_id();
            let mut stats = json!({"latency": 0, "throughput": 0.0});
            if node_type == "RESTREAM" {
                stats["availbleForRestream"] = json!(0);
            }
            self.nodes.push(json!({
                "id": id, "name": name, "type": node_type, "category": category,
                "deleted": false, "stats": stats, "configuration": {}, "state": null,
            }));
        }
    }
}

/// Fills the keys every node has (`deleted`, `stats`, `configuration`, `state`).
pub(crate) fn normalize_node(mut obj: Map<String, Value>) -> Value {
    obj.entry("deleted").or_insert(Value::Bool(false));
    obj.entry("stats")
        .or_insert_with(|| json!({"latency": 0, "throughput": 0.0}));
    obj.entry("configuration").or_insert_with(|| json!({}));
    obj.entry("state").or_insert(Value::Null);
    if obj.get("type").and_then(Value::as_str) == Some("RESTREAM") {
        if let Some(stats) = obj.get_mut("stats").and_then(Value::as_object_mut) {
            stats.entry("availbleForRestream").or_insert(json!(0));
        }
    }
    Value::Object(obj)
}

/// Replaces an `instance_name` of `{{account}}` with the account name.
fn with_account(row: &Value, account: &str) -> Value {
    let mut row = row.clone();
    if row["instance_name"] == ACCOUNT_PLACEHOLDER {
        row["instance_name"] = json!(account);
    }
    row
}

/// The seed placeholder for the account name in `instance_name` fields.
pub(crate) const ACCOUNT_PLACEHOLDER: &str = "{{account}}";

/// Whether a node is an input a user created (not Restream, not an agent).
pub(crate) fn is_user_input(node: &Value) -> bool {
    node["category"] == "INPUT" && node["type"] != "RESTREAM" && node["type"] != "AGENT"
}

/// The service's default digest settings.
pub(crate) fn default_email_notifications() -> Value {
    json!({
        "digestInfo": true, "digestWarning": true, "digestError": true,
        "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": [],
    })
}

fn default_status_types() -> Value {
    json!({
        "VALID": "Valid",
        "NO_MAPPING": "Valid",
        "NEW_TYPE": "Valid",
        "DROP": "Valid",
        "NO_MAPPED_FIELDS": "No mapped fields",
        "UNMAPPED_FIELDS": "Unmapped fields",
        "TYPE_MISMATCH": "Type mismatch",
        "TRANSFORM_ERROR": "Code Engine error",
    })
}
