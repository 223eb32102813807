//! Samples: `get_samples`, `get_samples_stats`, `get_samples_status_codes`,
//! and [`sample_queries`], the pure choice of which samples the
//! all-samples test helpers fetch.

use alooma_types::{Sample, SamplesStats, StatusCodes};

crate::declare::operations! {
    area: samples;

    /// Recent sample events, optionally of one event type and some status codes.
    impl op get_samples for GetSamples: GET "samples";
    retry: Idempotent;
    query: "eventType" = {event_type?}, "status" = {|op| &op.status_codes};
    output: Vec<Sample> = json;
    example: GetSamples::new(),
        "" => GetSamples::new().event_type("web/clicks & more").statuses(["NO_MAPPING", "DROP"]),
        "status_only" => GetSamples::new().status("NO_MAPPING").status("A&B=C");

    /// Event type → status code → number of samples.
    ///
    /// ```
    /// use alooma_core::{Operation, samples::GetSamplesStats};
    /// assert_eq!(GetSamplesStats.build().unwrap().uri(), "/samples/stats");
    /// let answer = http::Response::builder().status(200)
    ///     .body(bytes::Bytes::from_static(br#"{"clicks":{"VALID":10,"DROP":0}}"#)).unwrap();
    /// assert_eq!(GetSamplesStats.decode(answer).unwrap()["clicks"]["VALID"], 10);
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetSamplesStats;
    op get_samples_stats: GET "samples/stats";
    retry: Idempotent;
    output: SamplesStats = json;
    example: GetSamplesStats;

    /// Every status code an event may have → its description.
    ///
    /// ```
    /// use alooma_core::{Operation, samples::GetSamplesStatusCodes};
    /// assert_eq!(GetSamplesStatusCodes.build().unwrap().uri(), "/status-types");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetSamplesStatusCodes;
    op get_samples_status_codes: GET "status-types";
    retry: Idempotent;
    output: StatusCodes = json;
    example: GetSamplesStatusCodes;
}

/// `GET samples?eventType={t}&status={c1}&status={c2}`: recent sample
/// events, optionally of one event type and of some status codes. Each
/// parameter is sent only when given, every value percent-encoded, and the
/// query always starts with `?` (the reference builds `samples&status=…`
/// when no event type is given: wire.md defect 2).
///
/// ```
/// use alooma_core::{Operation, samples::GetSamples};
/// assert_eq!(GetSamples::new().build().unwrap().uri(), "/samples");
/// let op = GetSamples::new().status("NO_MAPPING").status("DROP");
/// assert_eq!(op.build().unwrap().uri(), "/samples?status=NO_MAPPING&status=DROP");
/// let op = GetSamples::new().event_type("web clicks").statuses(["VALID"]);
/// assert_eq!(op.build().unwrap().uri(), "/samples?eventType=web%20clicks&status=VALID");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
#[serde(default)]
pub struct GetSamples {
    /// Only samples of this event type.
    pub event_type: Option<String>,
    /// Only samples with one of these status codes (all when empty).
    pub status_codes: Vec<String>,
}

impl GetSamples {
    /// Samples of every event type and status.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only samples of `event_type`.
    pub fn event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Some(event_type.into());
        self
    }

    /// Also accept samples with status `code` (see `get_samples_status_codes`).
    pub fn status(mut self, code: impl Into<String>) -> Self {
        self.status_codes.push(code.into());
        self
    }

    /// Also accept samples with any of these status codes.
    pub fn statuses<I, C>(mut self, codes: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<String>,
    {
        self.status_codes.extend(codes.into_iter().map(Into::into));
        self
    }
}


/// The `get_samples` requests the all-samples test helpers make: one per
/// (event type, status code) whose count in `stats` is above zero, keeping
/// only `event_type` when given and only the codes in `status_codes` when
/// that list is not empty. Ordered by event type, then status code.
///
/// Unlike the reference (wire.md defect 7), a list of status codes really
/// filters.
///
/// ```
/// use alooma_core::samples::sample_queries;
/// let stats = serde_json::from_str(
///     r#"{"clicks":{"VALID":2,"DROP":0,"NO_MAPPING":1},"orders":{"VALID":5}}"#).unwrap();
/// let queries = sample_queries(&stats, None, &["VALID".to_owned()]);
/// let uris: Vec<String> = queries.iter()
///     .map(|q| alooma_core::Operation::build(q).unwrap().uri().to_string()).collect();
/// assert_eq!(uris, ["/samples?eventType=clicks&status=VALID", "/samples?eventType=orders&status=VALID"]);
/// ```
pub fn sample_queries(
    stats: &SamplesStats,
    event_type: Option<&str>,
    status_codes: &[String],
) -> Vec<GetSamples> {
    stats
        .iter()
        .filter(|(et, _)| event_type.is_none() || event_type == Some(et.as_str()))
        .flat_map(|(et, counts)| {
            counts
                .iter()
                .filter(|(code, count)| {
                    **count > 0 && (status_codes.is_empty() || status_codes.contains(code))
                })
                .map(move |(code, _)| {
                    GetSamples::new()
                        .event_type(et.clone())
                        .status(code.clone())
                })
        })
        .collect()
}
