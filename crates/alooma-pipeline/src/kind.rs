//! [`Kind`]: the kinds of resource a pipeline holds, their files, and the
//! order `apply` handles them in.

use serde::Serialize;
use std::fmt;

/// A kind of resource. The declaration order is the apply order: every
/// kind comes after the kinds it depends on, and deletions run in the
/// reverse order.
///
/// 1. secrets, which Code Engine reads;
/// 2. the output, which mappings load into;
/// 3. Code Engine modules, which transform the events of every input;
/// 4. the default mapping mode, which new event types take;
/// 5. event types and their mappings;
/// 6. inputs, created once their code and mappings are in place;
/// 7. scheduled queries, which need their event type;
/// 8. email notifications and 9. S3 retention, which depend on nothing.
///
/// Requirements, tables and schemas are exported for review only.
///
/// ```
/// use alooma_pipeline::Kind;
/// assert!(Kind::Secret < Kind::CodeModule && Kind::EventType < Kind::Query);
/// assert_eq!(Kind::Input.to_string(), "input");
/// assert!(!Kind::Table.is_managed());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// An Alooma secret (`secrets.json` lists the names).
    Secret,
    /// The output's configuration (`output.json`).
    Output,
    /// A Code Engine module (`code-engine/<module>.py`).
    CodeModule,
    /// The default mapping mode (`mapping-mode.json`).
    MappingMode,
    /// An event type with its mapping (`event-types/<name>.json`).
    EventType,
    /// An input (`inputs/<name>.json`).
    Input,
    /// A scheduled query (`queries/<event type>.<query type>.json`).
    Query,
    /// The email-notification settings (`notifications.json`).
    Notifications,
    /// The S3 retention settings (`s3-retention.json`; no file: none).
    S3Retention,
    /// The Code Engine requirements (`code-engine/requirements.txt`),
    /// which the API cannot set: review only.
    Requirements,
    /// A warehouse table (`tables/<schema>/<table>.json`): review only.
    Table,
    /// The warehouse schemas (`tables/schemas.json`): review only.
    Schemas,
}

impl Kind {
    /// Every kind, in apply order.
    pub const ALL: [Kind; 12] = [
        Kind::Secret,
        Kind::Output,
        Kind::CodeModule,
        Kind::MappingMode,
        Kind::EventType,
        Kind::Input,
        Kind::Query,
        Kind::Notifications,
        Kind::S3Retention,
        Kind::Requirements,
        Kind::Table,
        Kind::Schemas,
    ];

    /// The kind's name in plans and reports (`event-type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Output => "output",
            Kind::CodeModule => "code-module",
            Kind::MappingMode => "mapping-mode",
            Kind::EventType => "event-type",
            Kind::Input => "input",
            Kind::Query => "query",
            Kind::Notifications => "notifications",
            Kind::S3Retention => "s3-retention",
            Kind::Requirements => "requirements",
            Kind::Table => "table",
            Kind::Schemas => "schemas",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource's identity: its kind and its name (the kind's name for a
/// singleton).
///
/// ```
/// use alooma_pipeline::{Kind, ResourceId};
/// assert_eq!(ResourceId::new(Kind::Input, "orders").to_string(), "input \"orders\"");
/// assert_eq!(ResourceId::singleton(Kind::Output).to_string(), "output");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub struct ResourceId {
    /// The kind.
    pub kind: Kind,
    /// The name (an input's name, an event type's name, a module's name …).
    pub name: String,
}

impl ResourceId {
    /// The resource `name` of `kind`.
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        ResourceId {
            kind,
            name: name.into(),
        }
    }

    /// The only resource of a singleton kind.
    pub fn singleton(kind: Kind) -> Self {
        ResourceId::new(kind, kind.as_str())
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind.is_singleton() {
            f.write_str(self.kind.as_str())
        } else {
            write!(f, "{} {:?}", self.kind, self.name)
        }
    }
}
