//! Scheduled (consolidation) queries: [`ScheduledQuery`], its
//! [`QueryConfiguration`], the [`ScheduledQueries`] collection and the
//! [`Schedule`] of a custom query. Keys are snake_case on the wire.

use crate::{Extra, Lenient, Maybe};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

crate::string_enum! {
    /// The state of a scheduled query (`status`).
    pub enum QueryStatus {
        /// Scheduled and healthy.
        Active => "active",
        /// Finished.
        Done => "done",
    }
}

/// One scheduled (consolidation) query, as `GET v2/consolidation` and
/// `GET consolidation` answer it.
///
/// The v1 listing nests what the query runs under `configuration`; the v2
/// answers carry it at the top level (`event_type`, `query_type`,
/// `schedule`, `is_active`, `consolidation_query` …). Both shapes decode into
/// this one type, every key optional and `null` kept apart from absent.
/// Keys whose meaning is not documented are typed as they are on the wire
/// and say so.
///
/// ```
/// use alooma_types::{Maybe, QueryStatus, ScheduledQuery};
/// let q: ScheduledQuery = serde_json::from_str(
///     r#"{"status":"active","error_message":"","state_id":"1234",
///         "configuration":{"event_type":"orders","frequency":8,"run_at":null}}"#).unwrap();
/// assert_eq!(q.status, Maybe::Value(QueryStatus::Active));
/// assert!(!q.has_error());
/// assert_eq!(q.id(), Some("1234".to_owned()));
/// assert_eq!(q.event_type(), Some("orders"));
///
/// let v2: ScheduledQuery = serde_json::from_str(
///     r#"{"id":17,"event_type":"orders","query_type":"incremental","is_active":true,
///         "schedule":"0 3 * * *","consolidation_query":"select 1"}"#).unwrap();
/// assert_eq!(v2.id(), Some("17".to_owned()));
/// assert_eq!(v2.event_type(), Some("orders"));
/// assert_eq!(v2.is_active(), Some(true));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ScheduledQuery {
    /// The query's id (a number in v2 answers; kept as sent).
    pub id: Maybe<QueryId>,
    /// The event type the query belongs to (v2; v1 nests it in `configuration`).
    pub event_type: Maybe<String>,
    /// `custom`, `default`, `incremental`, `full` … as the client sent it.
    pub query_type: Maybe<String>,
    /// When the query runs (v2). Undocumented: a cron string in the answers seen, kept as the JSON it is on the wire.
    pub schedule: Maybe<serde_json::Value>,
    /// Whether the query is scheduled to run (v2).
    pub is_active: Maybe<Lenient<bool>>,
    /// The SQL the service runs.
    pub consolidation_query: Maybe<String>,
    /// The SQL of a custom query (v2; v1 nests it in `configuration`).
    pub custom_query: Maybe<String>,
    /// Hours between runs (v2), kept exactly as sent.
    pub frequency: Maybe<serde_json::Number>,
    /// A cron-like schedule (v2).
    pub run_at: Maybe<String>,
    /// Whether loading avoids duplicates (v2).
    pub avoid_duplicates: Maybe<Lenient<bool>>,
    /// Variables for webhook-based inputs (v2).
    pub custom_variables: Maybe<Extra>,
    /// The query's state.
    pub status: Maybe<QueryStatus>,
    /// The last error (`""` when none).
    pub error_message: Maybe<String>,
    /// The last error's stack trace (`""` when none).
    pub error_stack: Maybe<String>,
    /// How many runs failed.
    pub error_count: Maybe<Lenient<u64>>,
    /// The query's state id.
    pub state_id: Maybe<String>,
    /// The deployment it runs on.
    pub deployment_name: Maybe<String>,
    /// The service module that runs it.
    pub module_name: Maybe<String>,
    /// What and when it runs (v1).
    pub configuration: Maybe<QueryConfiguration>,
    /// When it runs next (ISO 8601).
    pub next_processing_time: Maybe<String>,
    /// When it last ran.
    pub last_processing_time: Maybe<String>,
    /// When it last succeeded.
    pub last_success_time: Maybe<String>,
    /// The query's display name (v2).
    pub name: Maybe<String>,
    /// Whether a run is going on now (v2).
    pub is_running: Maybe<Lenient<bool>>,
    /// When the query was first scheduled (v2; ISO 8601).
    pub start_time: Maybe<String>,
    /// When it runs next (v2; ISO 8601).
    pub next_run_time: Maybe<String>,
    /// When its last run started (v2; `null` before the first).
    pub last_run_start_time: Maybe<String>,
    /// When its last run ended (v2; `null` before the first).
    pub last_run_end_time: Maybe<String>,
    /// The last run's exit code: 0 when it succeeded (v2).
    pub last_run_return_code: Maybe<Lenient<i64>>,
    /// How long a run may take, in seconds (v2).
    pub time_limit: Maybe<Lenient<f64>>,
    /// The service that runs it (`consolidation` …; v2).
    pub service_type: Maybe<String>,
    /// The container image that runs it (v2).
    pub docker_img: Maybe<String>,
    /// The image's tag (v2).
    pub docker_tag: Maybe<String>,
    /// The container's command (v2).
    pub docker_cmd: Maybe<String>,
    /// When its last run was queued (v2).
    pub enqueue_time: Maybe<String>,
    /// Who scheduled it (v2).
    pub generated_by: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl ScheduledQuery {
    /// Whether a run is going on now, when the answer says (v2).
    pub fn is_running(&self) -> Option<bool> {
        self.is_running.get().map(|b| *b.get())
    }

    /// The last run's exit code, when there was a run (v2).
    pub fn last_run_return_code(&self) -> Option<i64> {
        self.last_run_return_code.get().map(|c| *c.get())
    }

    /// Whether the query has a non-empty `error_message`.
    pub fn has_error(&self) -> bool {
        self.error().is_some()
    }

    /// The error message, if one is set and non-empty.
    pub fn error(&self) -> Option<&str> {
        self.error_message.as_deref().filter(|m| !m.is_empty())
    }

    /// Whether the status is present and neither `active` nor `done`.
    pub fn is_in_error_state(&self) -> bool {
        matches!(&self.status, Maybe::Value(s) if *s != QueryStatus::Active && *s != QueryStatus::Done)
    }

    /// The query's id: `id` when the server sends one (string or number),
    /// else `state_id`.
    pub fn id(&self) -> Option<String> {
        match &self.id {
            Maybe::Value(id) => Some(id.to_string()),
            _ => self.state_id.get().cloned(),
        }
    }

    /// The event type: the top-level key (v2), else `configuration`'s (v1).
    pub fn event_type(&self) -> Option<&str> {
        self.event_type.as_deref().or_else(|| {
            self.configuration
                .get()
                .and_then(|c| c.event_type.as_deref())
        })
    }

    /// The query type: the top-level key (v2), else `configuration`'s (v1).
    pub fn query_type(&self) -> Option<&str> {
        self.query_type.as_deref().or_else(|| {
            self.configuration
                .get()
                .and_then(|c| c.query_type.as_deref())
        })
    }

    /// `is_active` as a bool, when present.
    pub fn is_active(&self) -> Option<bool> {
        self.is_active.get().map(|b| *b.get())
    }
}

/// The id of a scheduled query: a number on the wire (`17`), sometimes a
/// string (`"17"`). It is written back as it was read, and displays as its
/// text either way.
///
/// ```
/// use alooma_types::QueryId;
/// let n: QueryId = serde_json::from_str("17").unwrap();
/// let s: QueryId = serde_json::from_str("\"17\"").unwrap();
/// assert_eq!((n.to_string(), s.to_string()), ("17".to_owned(), "17".to_owned()));
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"17\"");
/// assert_eq!(QueryId::from(17u64), n);
/// assert_eq!(QueryId::from("17"), s);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
#[non_exhaustive]
pub enum QueryId {
    /// A numeric id.
    Number(serde_json::Number),
    /// A textual id.
    Text(String),
}

impl fmt::Display for QueryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryId::Number(n) => write!(f, "{n}"),
            QueryId::Text(s) => f.write_str(s),
        }
    }
}

impl From<u64> for QueryId {
    fn from(n: u64) -> Self {
        QueryId::Number(n.into())
    }
}

impl From<&str> for QueryId {
    fn from(s: &str) -> Self {
        QueryId::Text(s.to_owned())
    }
}

impl From<String> for QueryId {
    fn from(s: String) -> Self {
        QueryId::Text(s)
    }
}

impl From<&String> for QueryId {
    fn from(s: &String) -> Self {
        QueryId::Text(s.clone())
    }
}

/// What a scheduled query runs and when: the `configuration` of a
/// [`ScheduledQuery`], and the body of `schedule_default_query`.
///
/// ```
/// use alooma_types::QueryConfiguration;
/// let c = QueryConfiguration::new("orders").frequency(8);
/// assert_eq!(serde_json::to_value(&c).unwrap(),
///            serde_json::json!({"event_type": "orders", "frequency": 8}));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct QueryConfiguration {
    /// The event type the query belongs to.
    pub event_type: Maybe<String>,
    /// `custom` for a custom query; `default`, `incremental`, `full` … otherwise, kept as sent.
    pub query_type: Maybe<String>,
    /// The SQL of a custom query.
    pub custom_query: Maybe<String>,
    /// Hours between runs (a JSON number, kept exactly as sent).
    pub frequency: Maybe<serde_json::Number>,
    /// A cron-like schedule.
    pub run_at: Maybe<String>,
    /// Variables for webhook-based inputs.
    pub custom_variables: Maybe<Extra>,
    /// The deployment the query runs on.
    pub deployment_name: Maybe<String>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl QueryConfiguration {
    /// A configuration for `event_type` with nothing else set.
    pub fn new(event_type: impl Into<String>) -> Self {
        QueryConfiguration {
            event_type: Maybe::Value(event_type.into()),
            ..Self::default()
        }
    }

    /// Sets `frequency` (hours between runs).
    pub fn frequency(mut self, hours: u32) -> Self {
        self.frequency = Maybe::Value(serde_json::Number::from(hours));
        self
    }

    /// Sets `run_at` (a cron-like string).
    pub fn run_at(mut self, cron: impl Into<String>) -> Self {
        self.run_at = Maybe::Value(cron.into());
        self
    }

    /// Sets any other key.
    pub fn with(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// `frequency` as a number of hours, when set.
    pub fn frequency_hours(&self) -> Option<f64> {
        self.frequency.get().and_then(serde_json::Number::as_f64)
    }
}

/// When a custom query runs: every few hours, or on a cron-like schedule.
/// One of the two is required, so "neither" cannot be expressed.
///
/// ```
/// use alooma_types::Schedule;
/// let every = Schedule::Every { hours: 8 };
/// let nightly = Schedule::Cron("0 3 * * *".into());
/// assert_ne!(every, nightly);
/// // As arguments (`alooma call schedule_query`): `{"every": {"hours": 8}}`
/// // or `{"cron": "0 3 * * *"}`.
/// assert_eq!(serde_json::to_string(&nightly).unwrap(), r#"{"cron":"0 3 * * *"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Schedule {
    /// Run every `hours` hours (`"frequency": hours`).
    Every {
        /// Hours between two runs (at least 1).
        hours: u32,
    },
    /// Run on a cron-like schedule (`"run_at": "0 3 * * *"`).
    Cron(String),
}

/// A collection of scheduled queries, as `GET v2/consolidation` and
/// `GET consolidation` answer it.
///
/// The documentation shows an object of id → query; the v2 endpoint may
/// answer a plain list. Both shapes decode into this one type, which
/// remembers the shape so it encodes back to exactly what the server sent.
/// [`iter`](Self::iter) yields each query with its id (the object key, or
/// [`ScheduledQuery::id`] for a list).
///
/// ```
/// use alooma_types::ScheduledQueries;
/// let by_id: ScheduledQueries = serde_json::from_str(r#"{"12":{"status":"active"}}"#).unwrap();
/// let list: ScheduledQueries = serde_json::from_str(r#"[{"state_id":"12","status":"active"}]"#).unwrap();
/// assert_eq!(by_id.iter().next().unwrap().0.as_deref(), Some("12"));
/// assert_eq!(list.iter().next().unwrap().0.as_deref(), Some("12"));
/// assert_eq!(serde_json::to_string(&by_id).unwrap(), r#"{"12":{"status":"active"}}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ScheduledQueries {
    /// A JSON list of queries.
    List(Vec<ScheduledQuery>),
    /// A JSON object of id → query, in the server's order.
    ById(Vec<(String, ScheduledQuery)>),
}

impl Default for ScheduledQueries {
    fn default() -> Self {
        ScheduledQueries::List(Vec::new())
    }
}

impl ScheduledQueries {
    /// How many queries there are.
    pub fn len(&self) -> usize {
        match self {
            ScheduledQueries::List(v) => v.len(),
            ScheduledQueries::ById(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each query with its id (the object key, or the query's own id).
    pub fn iter(&self) -> Box<dyn Iterator<Item = (Option<String>, &ScheduledQuery)> + '_> {
        match self {
            ScheduledQueries::List(v) => Box::new(v.iter().map(|q| (q.id(), q))),
            ScheduledQueries::ById(v) => Box::new(v.iter().map(|(k, q)| (Some(k.clone()), q))),
        }
    }

    /// The queries, without their ids.
    pub fn queries(&self) -> impl Iterator<Item = &ScheduledQuery> + '_ {
        self.iter().map(|(_, q)| q)
    }

    /// The query with this id, if any.
    pub fn get(&self, id: &str) -> Option<&ScheduledQuery> {
        self.iter()
            .find(|(k, _)| k.as_deref() == Some(id))
            .map(|(_, q)| q)
    }

    /// Keeps only the queries for which `keep` is true (the shape is kept).
    pub fn retain(&mut self, mut keep: impl FnMut(&ScheduledQuery) -> bool) {
        match self {
            ScheduledQueries::List(v) => v.retain(|q| keep(q)),
            ScheduledQueries::ById(v) => v.retain(|(_, q)| keep(q)),
        }
    }

    /// The queries as a list, dropping object keys.
    pub fn into_vec(self) -> Vec<ScheduledQuery> {
        match self {
            ScheduledQueries::List(v) => v,
            ScheduledQueries::ById(v) => v.into_iter().map(|(_, q)| q).collect(),
        }
    }
}

impl Serialize for ScheduledQueries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ScheduledQueries::List(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for q in v {
                    seq.serialize_element(q)?;
                }
                seq.end()
            }
            ScheduledQueries::ById(v) => {
                let mut map = s.serialize_map(Some(v.len()))?;
                for (k, q) in v {
                    map.serialize_entry(k, q)?;
                }
                map.end()
            }
        }
    }
}

struct QueriesVisitor;

impl<'de> Visitor<'de> for QueriesVisitor {
    type Value = ScheduledQueries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of scheduled queries or an object of id -> scheduled query")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(q) = seq.next_element()? {
            v.push(q);
        }
        Ok(ScheduledQueries::List(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some((k, q)) = map.next_entry::<String, ScheduledQuery>()? {
            v.push((k, q));
        }
        Ok(ScheduledQueries::ById(v))
    }
}

impl<'de> Deserialize<'de> for ScheduledQueries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(QueriesVisitor)
    }
}

crate::wire_leaf!(QueryId);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes_round_trip() {
        for v in [
            json!([{"status": "active", "error_message": null}, {"status": "failed", "id": 7}]),
            json!([{"id": "8", "event_type": "e", "query_type": "incremental", "schedule": {"cron": "x"},
                    "is_active": "false", "frequency": 1.5, "custom_variables": null, "x": 1},
                   {"error_count": "3", "configuration": {"query_type": "full", "frequency": null}}]),
            json!({"1": {"status": "done"}, "2": {"status": "failed", "error_message": "x"}}),
        ] {
            let qs: ScheduledQueries = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(qs.len(), 2);
            assert_eq!(serde_json::to_value(&qs).unwrap(), v);
        }
    }

    #[test]
    fn retain_keeps_the_shape() {
        let mut qs: ScheduledQueries =
            serde_json::from_value(json!({"1": {"status": "done"}, "2": {"status": "failed"}}))
                .unwrap();
        qs.retain(ScheduledQuery::is_in_error_state);
        assert_eq!(
            serde_json::to_value(&qs).unwrap(),
            json!({"2": {"status": "failed"}})
        );
        assert!(qs.get("2").is_some() && qs.get("1").is_none());
    }

    #[test]
    fn a_scalar_is_refused() {
        assert!(serde_json::from_str::<ScheduledQueries>("3").is_err());
        let kept: ScheduledQueries = serde_json::from_str(r#"[{"status":3}]"#).unwrap();
        assert_eq!(serde_json::to_string(&kept).unwrap(), r#"[{"status":3}]"#);
    }
}
