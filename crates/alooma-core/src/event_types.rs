//! Event types and mappings: `get_event_types`, `get_event_type`,
//! `get_mapping`, `set_mapping`, `discard_event_type`, `delete_event_type`,
//! `delete_all_event_types` (as [`DeleteEventType`] per name of
//! [`event_type_names`]), `get_mapping_mode`, `set_mapping_mode`; and two
//! endpoints real users' code called beyond the reference client:
//! `auto_map_event_type` and `clear_event_type_stats`.

use crate::{decode, Error, Operation, OperationMeta, RequestSpec, RetrySafety};
use alooma_types::{EventType, MappingMode};
use bytes::Bytes;
use http::{Request, Response};
use std::time::Duration;

/// `GET event-types`: every event type (without their fields).
///
/// ```
/// use alooma_core::{Operation, event_types::GetEventTypes};
/// assert_eq!(GetEventTypes.build().unwrap().uri(), "/event-types");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetEventTypes;

impl Operation for GetEventTypes {
    type Output = Vec<EventType>;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("get_event_types", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::get(self.meta()).lit("event-types").finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}

/// `GET event-types/{name}`: one event type with its mapping and fields.
///
/// ```
/// use alooma_core::{Operation, event_types::GetEventType};
/// assert_eq!(GetEventType::new("a/b").build().unwrap().uri(), "/event-types/a%2Fb");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetEventType {
    /// The event type's name.
    pub name: String,
}

impl GetEventType {
    /// The event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        GetEventType { name: name.into() }
    }
}

impl Operation for GetEventType {
    type Output = EventType;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("get_event_type", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        event_type_request(self.meta(), &self.name)
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}

/// `GET event-types/{name}`: the one request behind both
/// [`GetEventType`] and [`GetMapping`], under each one's own metadata.
fn event_type_request(meta: OperationMeta, name: &str) -> Result<Request<Bytes>, Error> {
    RequestSpec::get(meta).lit("event-types").seg(name).finish()
}

/// `GET event-types/{name}` under the name `get_mapping`: the event type
/// as the server sends it.
///
/// The facade's `get_mapping` removes every `stats` key from the answer
/// (with `alooma_mapping::remove_stats`) so the mapping can be edited and
/// sent back with [`SetMapping`].
///
/// ```
/// use alooma_core::{Operation, event_types::GetMapping};
/// let req = GetMapping::new("web clicks").build().unwrap();
/// assert_eq!(req.uri(), "/event-types/web%20clicks");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetMapping {
    /// The event type's name.
    pub name: String,
}

impl GetMapping {
    /// The mapping of the event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        GetMapping { name: name.into() }
    }
}

impl Operation for GetMapping {
    type Output = EventType;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("get_mapping", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        event_type_request(self.meta(), &self.name)
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}

/// How long one attempt of `set_mapping` (and `discard_event_type`, which
/// is a `set_mapping`) may take by default: 300 s, as in the reference.
pub const SET_MAPPING_TIMEOUT: Duration = Duration::from_secs(300);

/// `POST event-types/{name}/mapping` with the mapping (an [`EventType`]) as
/// the body. The only operation with its own default timeout
/// ([`SET_MAPPING_TIMEOUT`], 300 s); a per-call timeout still overrides it.
///
/// ```
/// use alooma_core::{Operation, event_types::SetMapping};
/// use alooma_types::EventType;
/// let op = SetMapping::new(EventType::new("clicks"), "clicks");
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/event-types/clicks/mapping");
/// assert_eq!(op.meta().timeout, Some(std::time::Duration::from_secs(300)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SetMapping {
    /// The mapping to store.
    pub mapping: EventType,
    /// The event type's name (the path segment).
    pub name: String,
}

impl SetMapping {
    /// Stores `mapping` as the mapping of the event type called `name`.
    pub fn new(mapping: EventType, name: impl Into<String>) -> Self {
        SetMapping {
            mapping,
            name: name.into(),
        }
    }
}

impl Operation for SetMapping {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("set_mapping", RetrySafety::Idempotent).with_timeout(SET_MAPPING_TIMEOUT)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::post(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .lit("mapping")
            .json(&self.mapping)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}

/// `POST event-types/{name}/mapping` with the discarding body of
/// [`EventType::discarded`]: `{"name": name, "mapping": {"isDiscarded": true,
/// "tableName": ""}, "fields": [], "mappingMode": "STRICT"}`. It is a
/// `set_mapping`, so it has the same 300 s default timeout.
///
/// ```
/// use alooma_core::{Operation, event_types::DiscardEventType};
/// let req = DiscardEventType::new("old/type").build().unwrap();
/// assert_eq!(req.uri(), "/event-types/old%2Ftype/mapping");
/// let body: serde_json::Value = serde_json::from_slice(req.body()).unwrap();
/// assert_eq!(body["mapping"]["isDiscarded"], true);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscardEventType {
    /// The event type's name.
    pub name: String,
}

impl DiscardEventType {
    /// Discards the event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DiscardEventType { name: name.into() }
    }
}

impl Operation for DiscardEventType {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("discard_event_type", RetrySafety::Idempotent)
            .with_timeout(SET_MAPPING_TIMEOUT)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::post(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .lit("mapping")
            .json(&EventType::discarded(self.name.clone()))
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}

/// `POST event-types/{name}/auto-map` (beyond the reference client: real
/// users' code called it): asks the service to map the event type's
/// unmapped fields automatically. Not idempotent. Answers what the service
/// answers (the event type, in the emulator), or nothing.
///
/// ```
/// use alooma_core::{Operation, event_types::AutoMapEventType};
/// let req = AutoMapEventType::new("web clicks").build().unwrap();
/// assert_eq!((req.method().as_str(), req.uri().to_string().as_str()),
///            ("POST", "/event-types/web%20clicks/auto-map"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoMapEventType {
    /// The event type's name.
    pub name: String,
}

impl AutoMapEventType {
    /// Auto-maps the event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        AutoMapEventType { name: name.into() }
    }
}

impl Operation for AutoMapEventType {
    type Output = Option<serde_json::Value>;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("auto_map_event_type", RetrySafety::NotIdempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::post(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .lit("auto-map")
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json_or_empty(self.meta().name, response)
    }
}

/// `DELETE event-types/{name}/clear-stats` (beyond the reference client:
/// real users' code called it): resets the event type's counters.
///
/// ```
/// use alooma_core::{Operation, event_types::ClearEventTypeStats};
/// let req = ClearEventTypeStats::new("a/b").build().unwrap();
/// assert_eq!((req.method().as_str(), req.uri().to_string().as_str()),
///            ("DELETE", "/event-types/a%2Fb/clear-stats"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearEventTypeStats {
    /// The event type's name.
    pub name: String,
}

impl ClearEventTypeStats {
    /// Clears the counters of the event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        ClearEventTypeStats { name: name.into() }
    }
}

impl Operation for ClearEventTypeStats {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("clear_event_type_stats", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::delete(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .lit("clear-stats")
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}

/// `DELETE event-types/{name}`.
///
/// ```
/// use alooma_core::{Operation, event_types::DeleteEventType};
/// let req = DeleteEventType::new("a?b").build().unwrap();
/// assert_eq!((req.method().as_str(), req.uri().to_string().as_str()), ("DELETE", "/event-types/a%3Fb"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteEventType {
    /// The event type's name.
    pub name: String,
}

impl DeleteEventType {
    /// Deletes the event type called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DeleteEventType { name: name.into() }
    }
}

impl Operation for DeleteEventType {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("delete_event_type", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::delete(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}

/// The names `delete_all_event_types` deletes, in the order listed.
///
/// ```
/// use alooma_core::event_types::event_type_names;
/// use alooma_types::EventType;
/// let list = [EventType::new("a"), EventType::new("b")];
/// assert_eq!(event_type_names(&list), ["a", "b"]);
/// ```
pub fn event_type_names(event_types: &[EventType]) -> Vec<String> {
    event_types.iter().map(|et| et.name.clone()).collect()
}

/// `GET mapping-mode`: the system's default mapping mode, a JSON string
/// (`"AUTO_MAP"`, `"STRICT"` or `"FLEXIBLE"`).
///
/// ```
/// use alooma_core::{Operation, event_types::GetMappingMode};
/// use alooma_types::MappingMode;
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from_static(b"\"FLEXIBLE\"")).unwrap();
/// assert_eq!(GetMappingMode.decode(answer).unwrap(), MappingMode::Flexible);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetMappingMode;

impl Operation for GetMappingMode {
    type Output = MappingMode;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("get_mapping_mode", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::get(self.meta()).lit("mapping-mode").finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}

/// `POST mapping-mode` with the mode as a bare JSON string (`"STRICT"`).
/// Unlike the reference, a failed call is an error (wire.md defect 9).
///
/// ```
/// use alooma_core::{Operation, event_types::SetMappingMode};
/// use alooma_types::MappingMode;
/// let req = SetMappingMode::new(MappingMode::AutoMap).build().unwrap();
/// assert_eq!(&req.body()[..], b"\"AUTO_MAP\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetMappingMode {
    /// The new default mapping mode.
    pub mode: MappingMode,
}

impl SetMappingMode {
    /// Sets the default mapping mode to `mode`.
    pub fn new(mode: MappingMode) -> Self {
        SetMappingMode { mode }
    }
}

impl Operation for SetMappingMode {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("set_mapping_mode", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::post(self.meta())
            .lit("mapping-mode")
            .json(&self.mode)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::empty(self.meta().name, response)
    }
}
