//! Event types and mappings: `get_event_types`, `get_event_type`,
//! `get_mapping`, `set_mapping`, `discard_event_type`, `delete_event_type`,
//! `get_mapping_mode`, `set_mapping_mode`.

use crate::{decode, Error, Operation, OperationMeta, RequestSpec, RetrySafety};
use alooma_types::EventType;
use bytes::Bytes;
use http::{Request, Response};

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
        RequestSpec::get(self.meta())
            .lit("event-types")
            .seg(&self.name)
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}
