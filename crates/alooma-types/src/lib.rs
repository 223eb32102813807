//! Serde wire models of every resource the Alooma REST API sends or receives.
//!
//! This crate is pure data: it depends only on `serde` and `serde_json`, and
//! is shared by the request builder (`alooma-core`), the offline mapping
//! editor (`alooma-mapping`), the emulator and the facade (`alooma`).
//!
//! # Decoding policy
//!
//! Real answers and real users' files are messier than the documentation:
//! keys are missing, tools write numbers as strings, `null` and "absent"
//! both occur and mean different things. Every model follows the same four
//! rules, so that **a read followed by a write gives back exactly what was
//! read**:
//!
//! 1. **Required only when nothing can work without it.** An event type's
//!    `name`, a field's `fieldName`, a node's `id`, a metric series'
//!    `target`, a Code Engine module's `functionName`, a requirement's
//!    `name`, an input spec's `name` and `type`, and `inputSleepTime` are
//!    required. Every other key is optional.
//! 2. **`null` is not absent.** Every optional key is a [`Maybe`]:
//!    [`Maybe::Absent`], [`Maybe::Null`] or [`Maybe::Value`]. Encoding
//!    writes back whichever was read.
//! 3. **A scalar is written in the form it was read.** Numbers and bools
//!    that tools also write as strings (`"length": "1024"`,
//!    `"skipValidation": "false"`, `"port": "5439"`) are [`Lenient`]: both
//!    forms decode, the typed accessors (`column_type.length()` →
//!    `Option<u64>`) give the value, and encoding gives back the same form.
//!    Numbers keep their exact JSON spelling (an integer stays an integer).
//! 4. **Keep exactly what does not fit; type what does.** A value of an
//!    optional key that reads as nothing the key can hold (`"length":
//!    "long"`, `"fields": 5`, `"consolidationKeys": ""`) is not refused: it
//!    is kept as read ([`Maybe::Mistyped`]) and written back unchanged, so
//!    one odd key never fails a whole answer. `get()` then gives `None`,
//!    [`Maybe::mistyped`] gives the JSON, and [`mistyped_in`] lists every
//!    kept value of a model with its JSON path. Only a required key that is
//!    missing or of another type is a decode error, and every decoder of
//!    the SDK (online, offline, CLI) names its JSON path. How each kind is
//!    read in one pass is in [`wire`]: a model with required keys under an
//!    optional key is an error when the object holds any key of the model,
//!    and is kept when it holds none (`{}`).
//!
//! Besides, every object keeps the keys it does not model in an [`Extra`]
//! map, sent back unchanged; enums of known wire values ([`MappingMode`],
//! [`MetricName`], …) have an `Other(String)` fallback; keys whose meaning
//! is not documented are typed as the JSON they are on the wire and say so.
//!
//! Credentials are [`Secret`]s: `Debug` prints a redaction marker, while
//! serialization still sends the real value. Free-form objects that come by
//! the thousand (a node's [`Configuration`]) keep the server's text and are
//! read on demand; decoded with [`decode_sharing`] that text is a slice of
//! the body, so a structure of 200,000 nodes decodes into about 1.9× its
//! size, the body included.
//!
//! ```
//! use alooma_types::{EventType, Maybe};
//! let json = r#"{"name":"clicks","fields":[{"fieldName":"url","mapping":{"columnName":"url",
//!   "columnType":{"type":"VARCHAR","length":"1024","truncate":null}}}],"brandNew":1}"#;
//! let et: EventType = serde_json::from_str(json).unwrap();
//! let column = et.fields()[0].field_mapping().unwrap().column_type().unwrap();
//! assert_eq!(column.length(), Some(1024));
//! assert_eq!(column.truncate, Maybe::Null);
//! // A key of another type is kept, and written back as it came.
//! let odd: EventType = serde_json::from_str(
//!     r#"{"name":"orders","consolidation":{"consolidationKeys":"ID"}}"#).unwrap();
//! assert!(odd.consolidation.get().unwrap().consolidation_keys.is_mistyped());
//! assert_eq!(alooma_types::mistyped_in(&odd)[0].path, "consolidation.consolidationKeys");
//! let back = serde_json::to_value(&et).unwrap();
//! assert_eq!(back, serde_json::from_str::<serde_json::Value>(json).unwrap());
//! ```
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod extra;
pub(crate) use alooma_types_macros::model;
mod extra_map;
mod lenient;
mod macros;
mod maybe;
pub mod wire;

pub mod code_engine;
pub mod column;
pub mod configuration;
pub mod credits;
pub mod deployment;
pub mod event_type;
mod from_json;
pub mod input;
pub mod metric;
pub mod notification;
pub mod output;
pub mod query;
pub mod sample;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod schema;
pub mod secret;
pub mod settings;
pub mod shared;
mod short_text;
pub mod structure;
pub mod table;
pub mod user;

pub use code_engine::*;
pub use column::*;
pub use configuration::*;
pub use credits::*;
pub use deployment::*;
pub use event_type::*;
pub use extra_map::Extra;
pub use from_json::{from_json, JsonError};
pub use input::*;
pub use lenient::{Lenient, LenientScalar};
pub use maybe::Maybe;
pub use metric::*;
pub use notification::*;
pub use output::*;
pub use query::*;
pub use sample::*;
pub use secret::*;
pub use settings::*;
pub use shared::{decode_sharing, SharedBody};
pub use short_text::ShortText;
pub use structure::*;
pub use table::*;
pub use user::*;
pub use wire::{mistyped_in, Mistyped, MistypedAt, Wire};

/// A failure of offline work on these models (a mapping edit, a mapping
/// file that does not decode): the SDK's error type converts any of them
/// with `?` (`alooma_core::Error::Offline`), so code that edits a mapping
/// and then sends it needs one error type. Implemented by the error types
/// of `alooma-mapping`.
pub trait OfflineError: std::error::Error + Send + Sync + 'static {}

#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "schema")]
    pub use schemars;
    pub use serde::de::{self, Visitor};
    pub use serde::{Deserialize, Deserializer, Serialize, Serializer};
}

/// The README's example, compiled as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
