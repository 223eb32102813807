//! The emulator's in-memory state: everything the API reads and writes.
//!
//! Resources are the emulator's own records ([`crate::model`]): what the
//! emulator reasons about is typed, and every other key is kept as the
//! client sent it, so whatever a client stores is answered back verbatim.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::code::CodeExecution;
use super::transitions::{QueryRun, RestreamDrain, Transitions};
use crate::domain::clock::Clock;
use crate::domain::model::{EventType, MappingMode, Node, Object, Query, Sample, Schema};

/// The mapping modes the service accepts (`GET`/`POST mapping-mode`).
#[deprecated(note = "use alooma_emulator::model::MappingMode")]
pub const MAPPING_MODES: [&str; 3] = ["AUTO_MAP", "STRICT", "FLEXIBLE"];

/// The event-dropping transform: a test run of exactly this code answers a
/// `null` result.
pub const EVENT_DROPPING_TRANSFORM_CODE: &str = "def transform(event):\n\treturn None";

/// The default Code Engine transform (`GET transform/defaults`).
pub const DEFAULT_TRANSFORM_CODE: &str = "def transform(event):\n\treturn event";

impl std::fmt::Debug for InputMeta {
    /// The token (a credential) is left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InputMeta")
            .field("created_at", &self.created_at)
            .field("sleep_time", &self.sleep_time)
            .field("paused", &self.paused)
            .field("task_id", &self.task_id)
            .field("running", &self.running)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// Emulator-side bookkeeping of one input (what `GET inputs/{id}` reports
/// beyond the structure node).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    /// When the input was created, in epoch milliseconds (what the
    /// starting → running transition counts from).
    #[serde(default)]
    pub created_ms: i64,
    /// How many times `GET inputs/{id}` read it while it was starting.
    #[serde(default)]
    pub reads: u32,
    /// Whether it has left its starting state (see
    /// [`Transitions`]).
    #[serde(default = "yes")]
    pub running: bool,
    /// The token events are pushed with (`POST /rest/{token}`, the Python
    /// SDK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

fn yes() -> bool {
    true
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
///
/// It serializes whole (secret values included) as the `state` of a
/// persisted state file (see [`crate::persist`]).
#[derive(Serialize, Deserialize)]
#[non_exhaustive]
pub struct State {
    /// The account name (`config_clientName`).
    pub account: String,
    /// Structure nodes (`GET plumbing/`): system nodes, inputs, outputs.
    pub nodes: Vec<Node>,
    /// Per-input bookkeeping, by input node id.
    pub input_meta: BTreeMap<String, InputMeta>,
    /// Event types by name, each with its fields.
    pub event_types: BTreeMap<String, EventType>,
    /// The default mapping mode.
    pub mapping_mode: MappingMode,
    /// Code Engine modules: name → code.
    pub modules: BTreeMap<String, String>,
    /// Code Engine requirements: `{"name","version"}` objects.
    pub requirements: Vec<Object>,
    /// Warehouse tables.
    pub tables: Vec<Table>,
    /// Warehouse schemas.
    pub schemas: Vec<Schema>,
    /// Secrets: name → value (only names are ever answered).
    pub secrets: BTreeMap<String, String>,
    /// `settings/email-notifications`.
    pub email_notifications: Object,
    /// `settings/s3-retention`, `None` when deleted.
    pub s3_retention: Option<Object>,
    /// Scheduled (consolidation) queries, v2 objects.
    pub queries: Vec<Query>,
    /// Notification messages, newest first.
    pub notifications: Vec<Object>,
    /// Users with access to the account.
    pub users: Vec<Object>,
    /// `credits/company`.
    pub company_credits: Object,
    /// `credits/used-credits` rows (`date`, `instance_name`, `value`).
    pub used_credits: Vec<Object>,
    /// `events/loaded-events-per-table/summary` rows.
    pub loaded_events: Vec<Object>,
    /// `deployInfo`.
    pub deploy_info: Object,
    /// `status-types`: code → description.
    pub status_types: Object,
    /// Sample events.
    pub samples: Vec<Sample>,
    /// The restream queue draining while streaming (see [`Transitions`]).
    #[serde(default)]
    pub(crate) restream: RestreamDrain,
    /// When each scheduled query runs next, by query id.
    #[serde(default)]
    pub(crate) query_runs: BTreeMap<u64, QueryRun>,
    pub(crate) next_id: u64,
    /// The clock every timestamp comes from.
    #[serde(skip)]
    pub(crate) clock: Clock,
    /// How state moves over time.
    #[serde(skip)]
    pub(crate) transitions: Transitions,
    /// Whether and how Code Engine code runs.
    #[serde(skip)]
    pub(crate) code: CodeExecution,
    /// The data path, once events flow (see [`super::data`]).
    #[serde(skip)]
    pub(crate) data: Option<super::account_data::AccountData>,
    /// Where the data path's warehouse lives.
    #[serde(skip)]
    pub(crate) warehouse: super::account_data::WarehouseLocation,
    /// The Restream Queue's events as the state file keeps them (a copy of
    /// the data path's, so a restarted emulator still holds them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) restream_events: Vec<super::account_data::QueuedEvent>,
}

impl State {
    /// Milliseconds since the epoch by this state's clock.
    pub(crate) fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// The clock this state reads (a handle on the emulator's).
    pub fn clock(&self) -> &Clock {
        &self.clock
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

    /// Adds a notification (newest first, as `GET notifications` reads
    /// them) and gives it back: its `type` and `typeDescription`, its
    /// `severity` (`info`, `warning`, `error`), a description and data.
    pub fn notify(
        &mut self,
        kind: &str,
        type_description: &str,
        severity: &str,
        description: &str,
        data: Value,
    ) -> Value {
        let n = self.next_number();
        let message = json!({
            "id": format!("alooma-notifications+0+{n}"),
            "type": kind,
            "typeDescription": type_description,
            "severity": severity,
            "description": description,
            "message": description,
            "params": [],
            "data": data,
            "state": "NEW",
            "aggregatedCount": 1,
            "timestamp": self.now_millis(),
        });
        self.notifications.insert(0, object(message.clone()));
        message
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The node with this id, mutably.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The first node of this type, mutably.
    pub fn node_of_type_mut(&mut self, node_type: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.node_type == node_type)
    }

    /// The deployment's name (`deployInfo.deploymentName`).
    pub fn deployment_name(&self) -> String {
        self.deploy_info
            .get("deploymentName")
            .and_then(Value::as_str)
            .unwrap_or("alooma-emulator")
            .to_owned()
    }

    /// The default schema's name (`"public"` when none is marked default).
    pub fn default_schema(&self) -> String {
        self.schemas
            .iter()
            .find(|s| s.default)
            .or_else(|| self.schemas.first())
            .map_or("public", |s| s.schema_name.as_str())
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

    pub(crate) fn add_missing_system_nodes(&mut self) {
        let wanted = [
            ("Inputs", "INPUTS", "PROCESSOR"),
            ("Code Engine", "TRANSFORMER", "PROCESSOR"),
            ("Restream", "RESTREAM", "INPUT"),
            ("Mapper", "MAPPER", "PROCESSOR"),
        ];
        for (name, node_type, category) in wanted {
            if self.nodes.iter().any(|n| n.node_type == node_type) {
                continue;
            }
            let id = self.new_id();
            self.nodes.push(Node::system(id, name, node_type, category));
        }
    }
}

/// A JSON value known to be an object, as an [`Object`].
pub(crate) fn object(value: Value) -> Object {
    match value {
        Value::Object(map) => map,
        _ => Object::new(),
    }
}

/// Replaces an `instance_name` of `{{account}}` with the account name.
pub(crate) fn with_account(row: &Object, account: &str) -> Object {
    let mut row = row.clone();
    if row.get("instance_name").and_then(Value::as_str) == Some(ACCOUNT_PLACEHOLDER) {
        row.insert("instance_name".into(), json!(account));
    }
    row
}

/// The seed placeholder for the account name in `instance_name` fields.
pub(crate) const ACCOUNT_PLACEHOLDER: &str = "{{account}}";

/// The service's default digest settings.
pub(crate) fn default_email_notifications() -> Object {
    object(json!({
        "digestInfo": true, "digestWarning": true, "digestError": true,
        "digestFrequency": "DAILY", "recipientsChanged": false, "recipients": [],
    }))
}

pub(crate) fn default_status_types() -> Object {
    object(json!({
        "VALID": "Valid",
        "NO_MAPPING": "Valid",
        "NEW_TYPE": "Valid",
        "DROP": "Valid",
        "NO_MAPPED_FIELDS": "No mapped fields",
        "UNMAPPED_FIELDS": "Unmapped fields",
        "TYPE_MISMATCH": "Type mismatch",
        "TRANSFORM_ERROR": "Code Engine error",
    }))
}
