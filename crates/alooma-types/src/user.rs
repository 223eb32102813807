//! [`User`]: someone with access to the account (`GET user/`).

use crate::Extra;
use serde::{Deserialize, Serialize};

/// A user with access to the account.
///
/// Wire shape: `{"email", "first_name": null, "last_name": null, "isPending": false}`.
///
/// ```
/// use alooma_types::User;
/// let u: User = serde_json::from_str(
///     r#"{"email":"a@example.com","first_name":null,"last_name":"Lee","isPending":false}"#).unwrap();
/// assert_eq!(u.first_name, Some(None));
/// assert_eq!(u.last_name(), Some("Lee"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's e-mail address (their login).
    pub email: String,
    /// First name; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub first_name: Option<Option<String>>,
    /// Last name; `Some(None)` is an explicit `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::nullable"
    )]
    pub last_name: Option<Option<String>>,
    /// Whether the invitation is not yet accepted.
    #[serde(rename = "isPending", default, skip_serializing_if = "Option::is_none")]
    pub is_pending: Option<bool>,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

impl User {
    /// A user known only by e-mail address.
    pub fn new(email: impl Into<String>) -> Self {
        User {
            email: email.into(),
            first_name: None,
            last_name: None,
            is_pending: None,
            extra: Extra::new(),
        }
    }

    /// The first name, if set.
    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_ref().and_then(Option::as_deref)
    }

    /// The last name, if set.
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_ref().and_then(Option::as_deref)
    }
}
