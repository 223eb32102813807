//! Scheduled (consolidation) queries: `get_queries`,
//! `get_query_by_event_type`, `get_queries_in_error_state`,
//! `get_scheduled_queries` (deprecated), `get_scheduled_queries_in_error_state`,
//! `schedule_default_query`, `schedule_query`, `remove_scheduled_query`,
//! `run_query`.
//!
//! Answers that list queries decode into [`ScheduledQueries`], which
//! accepts both shapes the service uses (a list, or an object of
//! id → query).

use crate::Error;
use alooma_types::{QueryConfiguration, Schedule, ScheduledQueries, ScheduledQuery};
use serde::Serialize;

crate::declare::operations! {
    area: queries;

    /// Every scheduled query.
    ///
    /// ```
    /// use alooma_core::{Operation, queries::GetQueries};
    /// assert_eq!(GetQueries.build().unwrap().uri(), "/v2/consolidation");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetQueries;
    op get_queries: GET "v2/consolidation";
    retry: Idempotent;
    output: ScheduledQueries = json;
    example: GetQueries;

    /// The one scheduled query of an event type.
    impl op get_query_by_event_type for GetQueryByEventType: GET "v2/consolidation";
    retry: Idempotent;
    query: "event_type" = {event_type};
    check: (|op| if op.event_type.is_empty() {
        Err("the event type must not be empty".into())
    } else {
        Ok(())
    });
    output: ScheduledQuery = json(ScheduledQueries) then (|op, queries| op.only(queries));
    answer: alooma_types::ScheduledQueries;
    example: GetQueryByEventType::new("web/clicks & more");

    /// Every scheduled query, as an object of id → query (deprecated: use `get_queries`).
    ///
    /// ```
    /// use alooma_core::{Operation, queries::GetScheduledQueries};
    /// assert_eq!(GetScheduledQueries.build().unwrap().uri(), "/consolidation");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetScheduledQueries;
    op get_scheduled_queries: GET "consolidation";
    retry: Idempotent;
    deprecated: true;
    output: ScheduledQueries = json;
    example: GetScheduledQueries;

    /// Schedules the default consolidation query of an event type.
    impl op schedule_default_query for ScheduleDefaultQuery: POST "v2/consolidation";
    retry: NotIdempotent;
    check: (|op| match op.configuration.event_type.as_deref() {
        None | Some("") => Err("the configuration needs an event_type".into()),
        Some(_) => Ok(()),
    });
    body: (|op| op.body()) as QueryConfiguration;
    output: ScheduledQuery = json;
    answer: alooma_types::ScheduledQuery;
    example: examples::schedule_default_query();

    /// Schedules a custom query.
    impl op schedule_query for ScheduleQuery: POST "v2/consolidation/custom";
    retry: NotIdempotent;
    check: (|op| op.check());
    body: (|op| op.wire_body()) as CustomQueryBody<'static>;
    output: serde_json::Value = json_or_empty(Option<serde_json::Value>)
        then (|_op, answer| Ok(answer.unwrap_or_default()));
    answer: alooma_types::ScheduledQuery;
    example: ScheduleQuery::new("orders", "insert into x select * from y;", Schedule::Every { hours: 8 });

    /// Removes a scheduled query.
    ///
    /// ```
    /// use alooma_core::{Operation, queries::RemoveScheduledQuery};
    /// assert_eq!(RemoveScheduledQuery::new("1234").build().unwrap().uri(), "/v2/consolidation/1234");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RemoveScheduledQuery {
        /// The query's id.
        pub id: String,
    }
    op remove_scheduled_query: DELETE "v2/consolidation" / {id};
    retry: Idempotent;
    output: () = empty;
    example: RemoveScheduledQuery::new("12/34");

    /// Runs a scheduled query now.
    ///
    /// ```
    /// use alooma_core::{Operation, queries::RunQuery};
    /// let req = RunQuery::new("1234").build().unwrap();
    /// assert_eq!((req.method().as_str(), req.uri().to_string().as_str()),
    ///            ("POST", "/v2/consolidation/1234/run"));
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RunQuery {
        /// The query's id.
        pub id: String,
    }
    op run_query: POST "v2/consolidation" / {id} / "run";
    retry: NotIdempotent;
    output: () = empty;
    example: RunQuery::new("1234");
}

/// The examples' data.
mod examples {
    use super::ScheduleDefaultQuery;
    use alooma_types::QueryConfiguration;

    /// A default query with custom variables on both sides.
    pub(super) fn schedule_default_query() -> ScheduleDefaultQuery {
        let mut config = QueryConfiguration::new("orders/v2").frequency(8);
        config.custom_variables = alooma_types::Maybe::Value(
            serde_json::from_str(r#"{"keep":"me","over":"old"}"#).unwrap_or_default(),
        );
        ScheduleDefaultQuery::new(config)
            .custom_variables(serde_json::from_str(r#"{"over":"new","webhook":"w"}"#).unwrap_or_default())
    }
}

/// `GET v2/consolidation?event_type={t}`: the one scheduled query of an
/// event type. None, or more than one, is [`Error::NotFound`] (with a
/// message saying which).
///
/// ```
/// use alooma_core::{Error, Operation, queries::GetQueryByEventType};
/// let op = GetQueryByEventType::new("web clicks");
/// assert_eq!(op.build().unwrap().uri(), "/v2/consolidation?event_type=web%20clicks");
/// let none = http::Response::builder().status(200).body(bytes::Bytes::from("[]")).unwrap();
/// assert!(matches!(op.decode(none), Err(Error::NotFound { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GetQueryByEventType {
    /// The event type.
    pub event_type: String,
}

impl GetQueryByEventType {
    /// The one query of the answer: none, or several (duplicate
    /// consolidations), is [`Error::NotFound`].
    fn only(&self, queries: ScheduledQueries) -> Result<ScheduledQuery, Error> {
        let name = crate::Operation::meta(self).name;
        match queries.len() {
            1 => Ok(queries.into_vec().remove(0)),
            0 => Err(Error::NotFound {
                operation: name,
                what: format!(
                    "event type `{}` has no scheduled query",
                    self.event_type
                ),
            }),
            n => Err(Error::NotFound {
                operation: name,
                what: format!(
                    "event type `{}` has {n} scheduled queries (duplicate consolidations); expected exactly one",
                    self.event_type
                ),
            }),
        }
    }

    /// The scheduled query of `event_type`.
    pub fn new(event_type: impl Into<String>) -> Self {
        GetQueryByEventType {
            event_type: event_type.into(),
        }
    }
}


/// `get_queries_in_error_state`: the queries with a non-empty
/// `error_message` (the shape of the collection is kept).
///
/// ```
/// use alooma_core::queries::queries_in_error_state;
/// let all = serde_json::from_str(r#"[{"state_id":"1","error_message":""},
///                                    {"state_id":"2","error_message":"timeout"}]"#).unwrap();
/// let failed = queries_in_error_state(all);
/// assert_eq!(failed.len(), 1);
/// assert!(failed.get("2").is_some());
/// ```
pub fn queries_in_error_state(mut queries: ScheduledQueries) -> ScheduledQueries {
    queries.retain(ScheduledQuery::has_error);
    queries
}

/// `get_scheduled_queries_in_error_state`: the queries whose status is
/// present and neither `active` nor `done` (the shape is kept).
///
/// ```
/// use alooma_core::queries::scheduled_queries_in_error_state;
/// let all = serde_json::from_str(r#"{"1":{"status":"active"},"2":{"status":"done"},
///                                    "3":{"status":"failed"}}"#).unwrap();
/// let failed = scheduled_queries_in_error_state(all);
/// assert_eq!(failed.iter().map(|(id, _)| id.unwrap()).collect::<Vec<_>>(), ["3"]);
/// ```
pub fn scheduled_queries_in_error_state(mut queries: ScheduledQueries) -> ScheduledQueries {
    queries.retain(ScheduledQuery::is_in_error_state);
    queries
}

/// `POST v2/consolidation` with a configuration: schedules the default
/// (consolidation) query of an event type. Custom variables are merged into
/// `configuration.custom_variables` (the caller's configuration is not
/// changed). Not idempotent. Answers the new scheduled query.
///
/// ```
/// use alooma_core::{Operation, queries::ScheduleDefaultQuery};
/// use alooma_types::QueryConfiguration;
/// let vars = serde_json::json!({"webhook": "orders"});
/// let op = ScheduleDefaultQuery::new(QueryConfiguration::new("orders").frequency(8))
///     .custom_variables(vars.as_object().unwrap().clone());
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/v2/consolidation");
/// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
/// assert_eq!(body, serde_json::json!(
///     {"event_type": "orders", "frequency": 8, "custom_variables": {"webhook": "orders"}}));
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScheduleDefaultQuery {
    /// The configuration (requires at least the event type and a frequency).
    pub configuration: QueryConfiguration,
    /// Variables for webhook-based inputs, merged into the configuration's.
    #[serde(default)]
    pub custom_variables: serde_json::Map<String, serde_json::Value>,
}

impl ScheduleDefaultQuery {
    /// Schedules the default query described by `configuration`.
    pub fn new(configuration: QueryConfiguration) -> Self {
        ScheduleDefaultQuery {
            configuration,
            custom_variables: serde_json::Map::new(),
        }
    }

    /// Adds custom variables (later keys win over the configuration's).
    pub fn custom_variables(mut self, vars: serde_json::Map<String, serde_json::Value>) -> Self {
        self.custom_variables.extend(vars);
        self
    }

    /// The configuration that is sent: custom variables merged in.
    pub fn body(&self) -> QueryConfiguration {
        let mut config = self.configuration.clone();
        if !self.custom_variables.is_empty() {
            config
                .custom_variables
                .get_or_insert_with(alooma_types::Extra::new)
                .extend(self.custom_variables.clone());
        }
        config
    }
}


#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct CustomQueryBody<'a> {
    custom_query: &'a str,
    event_type: &'a str,
    avoid_duplicates: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_at: Option<&'a str>,
}

/// `POST v2/consolidation/custom`: schedules a custom query.
///
/// Body: `{"custom_query", "event_type", "avoid_duplicates": false}` plus
/// `"frequency"` (hours) or `"run_at"` (cron), from the [`Schedule`]. An
/// empty event type, query or cron string and zero hours are refused
/// client-side. Not idempotent. Answers whatever the server sends
/// (`null` for an empty body).
///
/// ```
/// use alooma_core::{Operation, queries::ScheduleQuery};
/// use alooma_types::Schedule;
/// let op = ScheduleQuery::new("orders", "select 1;", Schedule::Every { hours: 8 });
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/v2/consolidation/custom");
/// assert_eq!(&req.body()[..],
///     br#"{"custom_query":"select 1;","event_type":"orders","avoid_duplicates":false,"frequency":8}"#);
/// assert!(ScheduleQuery::new("orders", "select 1;", Schedule::Every { hours: 0 }).build().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScheduleQuery {
    /// The event type the query belongs to (it must exist).
    pub event_type: String,
    /// The SQL to run.
    pub query: String,
    /// When to run it.
    pub schedule: Schedule,
    /// Whether the service skips rows already loaded (`avoid_duplicates`,
    /// `false` unless set).
    #[serde(default)]
    pub avoid_duplicates: bool,
}

impl ScheduleQuery {
    /// The schedule as the body's `frequency` (hours) or `run_at` (cron);
    /// `None` for a kind of schedule this SDK does not send.
    fn frequency_and_run_at(&self) -> Option<(Option<u32>, Option<&str>)> {
        match &self.schedule {
            Schedule::Every { hours } => Some((Some(*hours), None)),
            Schedule::Cron(cron) => Some((None, Some(cron.as_str()))),
            _ => None,
        }
    }

    /// An empty event type, query or cron string, zero hours and a kind of
    /// schedule this SDK does not send are refused.
    fn check(&self) -> Result<(), String> {
        if self.event_type.is_empty() {
            return Err("the event type must not be empty".into());
        }
        if self.query.trim().is_empty() {
            return Err("the query must not be empty".into());
        }
        let Some((frequency, run_at)) = self.frequency_and_run_at() else {
            return Err("this kind of schedule is not supported by this SDK version".into());
        };
        if frequency == Some(0) {
            return Err("the frequency must be at least 1 hour".into());
        }
        if run_at.is_some_and(|c| c.trim().is_empty()) {
            return Err("the run_at cron string must not be empty".into());
        }
        Ok(())
    }

    /// The body sent.
    fn wire_body(&self) -> CustomQueryBody<'_> {
        let (frequency, run_at) = self.frequency_and_run_at().unwrap_or((None, None));
        CustomQueryBody {
            custom_query: &self.query,
            event_type: &self.event_type,
            avoid_duplicates: self.avoid_duplicates,
            frequency,
            run_at,
        }
    }

    /// Schedules `query` for `event_type` on `schedule`.
    pub fn new(
        event_type: impl Into<String>,
        query: impl Into<String>,
        schedule: Schedule,
    ) -> Self {
        ScheduleQuery {
            event_type: event_type.into(),
            query: query.into(),
            schedule,
            avoid_duplicates: false,
        }
    }

    /// Sets `avoid_duplicates` (sent as given; `false` by default).
    pub fn avoid_duplicates(mut self, avoid: bool) -> Self {
        self.avoid_duplicates = avoid;
        self
    }
}

