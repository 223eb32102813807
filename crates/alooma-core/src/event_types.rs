//! Event types and mappings: `get_event_types`, `get_event_type`,
//! `get_mapping`, `set_mapping`, `discard_event_type`, `delete_event_type`,
//! `delete_all_event_types` (as [`DeleteEventType`] per name of
//! [`event_type_names`]), `get_mapping_mode`, `set_mapping_mode`; and two
//! endpoints real users' code called beyond the reference client:
//! `auto_map_event_type` and `clear_event_type_stats`.

use crate::{decode, Error, Operation, OperationMeta, RequestSpec};
use alooma_types::{EventType, MappingMode};
use bytes::Bytes;
use http::{Request, Response};
use std::time::Duration;

/// How long one attempt of `set_mapping` (and `discard_event_type`, which
/// is a `set_mapping`) may take by default: 300 s, as in the reference.
pub const SET_MAPPING_TIMEOUT: Duration = Duration::from_secs(300);

crate::declare::operations! {
    area: event_types;

    /// Every event type in the system, without their fields.
    ///
    /// ```
    /// use alooma_core::{Operation, event_types::GetEventTypes};
    /// assert_eq!(GetEventTypes.build().unwrap().uri(), "/event-types");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetEventTypes;
    op get_event_types: GET "event-types";
    retry: Idempotent;
    output: Vec<EventType> = json;
    example: GetEventTypes;

    /// One event type with its mapping and fields.
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
    op get_event_type: GET "event-types" / {name};
    retry: Idempotent;
    output: EventType = json;
    example: GetEventType::new("web/clicks?v=2 #1");

    /// The event type as the server sends it, under the name `get_mapping`.
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
    op get_mapping: GET "event-types" / {name};
    retry: Idempotent;
    output: EventType = json;
    example: GetMapping::new("événement 100%");

    /// Stores a mapping (an event type) as an event type's mapping.
    ///
    /// The only operation with its own default timeout
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
    op set_mapping: POST "event-types" / {name} / "mapping";
    retry: Idempotent;
    timeout: SET_MAPPING_TIMEOUT;
    body: {mapping};
    output: () = empty;
    example: SetMapping::new(examples::mapping_with_stats(), "web/clicks");

    /// Discards a whole event type: a `set_mapping` with the discarding body.
    ///
    /// The body is [`EventType::discarded`]'s: `{"name": name, "mapping":
    /// {"isDiscarded": true, "tableName": ""}, "fields": [], "mappingMode":
    /// "STRICT"}`. It is a `set_mapping`, so it has the same 300 s default
    /// timeout.
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
    op discard_event_type: POST "event-types" / {name} / "mapping";
    retry: Idempotent;
    timeout: SET_MAPPING_TIMEOUT;
    body: (|op| EventType::discarded(op.name.clone()));
    output: () = empty;
    example: DiscardEventType::new("old type/v1");

    /// Asks the service to map an event type's unmapped fields automatically.
    ///
    /// Beyond the reference client: real users' code called it. Answers
    /// what the service answers (the event type, in the emulator), or
    /// nothing.
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
    op auto_map_event_type: POST "event-types" / {name} / "auto-map";
    retry: NotIdempotent;
    output: Option<serde_json::Value> = json_or_empty;
    example: AutoMapEventType::new("a/b?c#d%e");

    /// Resets an event type's counters.
    ///
    /// Beyond the reference client: real users' code called it.
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
    op clear_event_type_stats: DELETE "event-types" / {name} / "clear-stats";
    retry: Idempotent;
    output: () = empty;
    example: ClearEventTypeStats::new("a/b?c#d%e");

    /// Deletes an event type.
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
    op delete_event_type: DELETE "event-types" / {name};
    retry: Idempotent;
    output: () = empty;
    example: DeleteEventType::new("a/b?c#d%e");

    /// The system's default mapping mode.
    ///
    /// A JSON string: `"AUTO_MAP"`, `"STRICT"` or `"FLEXIBLE"`.
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
    op get_mapping_mode: GET "mapping-mode";
    retry: Idempotent;
    output: MappingMode = json;
    example: GetMappingMode;

    /// Sets the system's default mapping mode.
    ///
    /// The body is the mode as a bare JSON string (`"STRICT"`). Unlike the
    /// reference, a failed call is an error (wire.md defect 9).
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
    op set_mapping_mode: POST "mapping-mode";
    retry: Idempotent;
    body: {mode};
    output: () = empty;
    example: SetMappingMode::new(MappingMode::Flexible);
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

/// The examples' data.
mod examples {
    use alooma_types::EventType;

    /// An event type with `stats` at every level, as `GET event-types/{name}`
    /// sends it.
    pub(super) fn mapping_with_stats() -> EventType {
        serde_json::from_str(
            r#"{"name":"web/clicks","stats":{"count":3},"mappingMode":"AUTO_MAP",
  "mapping":{"isDiscarded":false,"tableName":"clicks","schema":"public"},
  "fields":[{"fieldName":"user","stats":{"count":3},"mapping":null,"fields":[
    {"fieldName":"id","stats":{"count":3},"fields":[],
     "mapping":{"columnName":"user_id","columnType":{"type":"INT","nonNull":true},"isDiscarded":false}}]}]}"#,
        )
        .unwrap_or_else(|_| EventType::new("web/clicks"))
    }
}

/// `set_mapping` from a borrowed mapping: the same request as
/// [`SetMapping`] (its metadata, path, 300 s timeout and body), serialized
/// from the reference, so a big mapping is not copied first. What
/// `Client::set_mapping` sends.
///
/// ```
/// use alooma_core::{Operation, event_types::{SetMapping, SetMappingRef}};
/// use alooma_types::EventType;
/// let mapping = EventType::new("web/clicks");
/// let borrowed = SetMappingRef::new(&mapping, "web/clicks").build().unwrap();
/// let owned = SetMapping::new(mapping.clone(), "web/clicks").build().unwrap();
/// assert_eq!(alooma_core::render(&borrowed), alooma_core::render(&owned));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SetMappingRef<'a> {
    /// The mapping to store.
    pub mapping: &'a EventType,
    /// The event type's name (the path segment).
    pub name: &'a str,
}

impl<'a> SetMappingRef<'a> {
    /// Stores `mapping` as the mapping of `name`.
    pub fn new(mapping: &'a EventType, name: &'a str) -> Self {
        SetMappingRef { mapping, name }
    }
}

impl Operation for SetMappingRef<'_> {
    type Output = ();

    fn meta(&self) -> OperationMeta {
        <SetMapping as crate::registry::Declared>::META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::post(self.meta())
            .lit("event-types")
            .seg(self.name)
            .lit("mapping")
            .json(self.mapping)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<(), Error> {
        decode::empty(self.meta().name, response)
    }
}
