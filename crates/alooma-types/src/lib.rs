//! Serde wire models of every resource the Alooma REST API sends or receives.
//!
//! This crate is pure data: it depends only on `serde` and `serde_json`, and
//! is shared by the request builder (`alooma-core`), the offline mapping
//! editor (`alooma-mapping`), the emulator and the facade (`alooma`).
//!
//! Conventions every model follows:
//! - Field names match the wire exactly (camelCase on most resources,
//!   snake_case on scheduled queries and credits, as the service sends them).
//! - Every object keeps the keys it does not model in a flattened
//!   [`Extra`] map, so decoding then encoding returns the same JSON: a read
//!   followed by a write never drops data the server sent.
//! - Enums of known wire values ([`MappingMode`], [`MetricName`], …) have an
//!   `Other(String)` fallback instead of failing on values added later.
//! - Credentials are [`Secret`]s: `Debug` prints a redaction marker, while
//!   serialization still sends the real value.
//! - Free-form objects that come by the thousand (a node's
//!   [`Configuration`]) keep the server's text and are read on demand, so a
//!   structure of 200,000 nodes decodes in about 1.5× its size.
//!
//! ```
//! use alooma_types::EventType;
//! let et: EventType = serde_json::from_str(r#"{"name":"clicks","fields":[],"brandNew":1}"#).unwrap();
//! let back = serde_json::to_value(&et).unwrap();
//! assert_eq!(back["brandNew"], 1);
//! ```
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod extra;
mod macros;
#[doc(hidden)]
pub mod nullable;

pub mod code_engine;
pub mod column;
pub mod configuration;
pub mod credits;
pub mod deployment;
pub mod event_type;
pub mod input;
pub mod metric;
pub mod notification;
pub mod output;
pub mod query;
pub mod sample;
pub mod secret;
pub mod settings;
pub mod structure;
pub mod table;
pub mod user;

pub use code_engine::*;
pub use column::*;
pub use configuration::*;
pub use credits::*;
pub use deployment::*;
pub use event_type::*;
pub use input::*;
pub use metric::*;
pub use notification::*;
pub use output::*;
pub use query::*;
pub use sample::*;
pub use secret::*;
pub use settings::*;
pub use structure::*;
pub use table::*;
pub use user::*;

/// Keys of a JSON object that a model does not know, kept verbatim so they
/// survive a read-then-write.
pub type Extra = serde_json::Map<String, serde_json::Value>;

#[doc(hidden)]
pub mod __private {
    pub use serde::de::{self, Visitor};
    pub use serde::{Deserialize, Deserializer, Serialize, Serializer};
}
