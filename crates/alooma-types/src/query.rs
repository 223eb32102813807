//! Scheduled (consolidation) queries: [`ScheduledQuery`], its
//! [`QueryConfiguration`], the [`ScheduledQueries`] collection and the
//! [`Schedule`] of a custom query. Keys are snake_case on the wire.

use crate::Extra;
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

/// One scheduled query.
///
/// Wire shape (abridged): `{"status": "active", "error_message": "",
/// "error_count": 0, "state_id": "1234", "configuration": {...},
/// "next_processing_time": "…", "last_success_time": "…", …}`.
/// Keys not modelled (`error_stack`, `module_name`, `consolidation_query` …)
/// stay in [`extra`](Self::extra).
///
/// ```
/// use alooma_types::{QueryStatus, ScheduledQuery};
/// let q: ScheduledQuery = serde_json::from_str(
///     r#"{"status":"active","error_message":"","state_id":"1234",
///         "configuration":{"event_type":"orders","frequency":8,"run_at":null}}"#).unwrap();
/// assert_eq!(q.status, Some(QueryStatus::Active));
/// assert!(!q.has_error());
/// assert_eq!(q.id(), Some("1234".to_owned()));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScheduledQuery {
    /// The query's state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<QueryStatus>,
    /// The last error (`""` when none); `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub error_message: Option<Option<String>>,
    /// How many runs failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_count: Option<u64>,
    /// The query's state id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_id: Option<String>,
    /// The deployment it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
    /// What and when it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<QueryConfiguration>,
    /// When it runs next (ISO 8601); `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub next_processing_time: Option<Option<String>>,
    /// When it last ran; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub last_processing_time: Option<Option<String>>,
    /// When it last succeeded; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub last_success_time: Option<Option<String>>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ScheduledQuery {
    /// Whether the query has a non-empty `error_message`.
    pub fn has_error(&self) -> bool {
        matches!(&self.error_message, Some(Some(m)) if !m.is_empty())
    }

    /// The error message, if one is set and non-empty.
    pub fn error(&self) -> Option<&str> {
        self.error_message
            .as_ref()
            .and_then(Option::as_deref)
            .filter(|m| !m.is_empty())
    }

    /// Whether the status is present and neither `active` nor `done`.
    pub fn is_in_error_state(&self) -> bool {
        matches!(&self.status, Some(s) if *s != QueryStatus::Active && *s != QueryStatus::Done)
    }

    /// The query's id: an `id` key when the server sends one (string or
    /// number), else `state_id`.
    pub fn id(&self) -> Option<String> {
        match self.extra.get("id") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => self.state_id.clone(),
        }
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueryConfiguration {
    /// The event type the query belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// `custom` for a custom query; absent or another value for a default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_type: Option<String>,
    /// The SQL of a custom query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_query: Option<String>,
    /// Hours between runs (a JSON number, kept exactly as sent);
    /// `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub frequency: Option<Option<serde_json::Number>>,
    /// A cron-like schedule; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub run_at: Option<Option<String>>,
    /// Variables for webhook-based inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_variables: Option<serde_json::Map<String, serde_json::Value>>,
    /// Everything else (`deployment_name` …), kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl QueryConfiguration {
    /// A configuration for `event_type` with nothing else set.
    pub fn new(event_type: impl Into<String>) -> Self {
        QueryConfiguration {
            event_type: Some(event_type.into()),
            ..Self::default()
        }
    }

    /// Sets `frequency` (hours between runs).
    pub fn frequency(mut self, hours: u32) -> Self {
        self.frequency = Some(Some(serde_json::Number::from(hours)));
        self
    }

    /// Sets `run_at` (a cron-like string).
    pub fn run_at(mut self, cron: impl Into<String>) -> Self {
        self.run_at = Some(Some(cron.into()));
        self
    }

    /// Sets any other key.
    pub fn with(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(key.into(), value);
        self
    }

    /// `frequency` as a number of hours, when set.
    pub fn frequency_hours(&self) -> Option<f64> {
        self.frequency
            .as_ref()
            .and_then(Option::as_ref)
            .and_then(serde_json::Number::as_f64)
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
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_shapes_round_trip() {
        for v in [
            json!([{"status": "active", "error_message": null}, {"status": "failed", "id": 7}]),
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
        assert!(serde_json::from_str::<ScheduledQueries>(r#"[{"status": 3}]"#).is_err());
    }
}
