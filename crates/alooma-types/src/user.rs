//! [`User`]: someone with access to the account (`GET user/`).

use crate::{Extra, Lenient, Maybe};

/// A user with access to the account.
///
/// Wire shape: `{"email", "first_name": null, "last_name": null, "isPending": false}`.
///
/// ```
/// use alooma_types::{Maybe, User};
/// let u: User = serde_json::from_str(
///     r#"{"email":"a@example.com","first_name":null,"last_name":"Lee","isPending":false}"#).unwrap();
/// assert_eq!(u.first_name, Maybe::Null);
/// assert_eq!(u.last_name(), Some("Lee"));
/// ```
#[crate::model]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct User {
    /// The user's e-mail address (their login).
    pub email: Maybe<String>,
    /// First name.
    pub first_name: Maybe<String>,
    /// Last name.
    pub last_name: Maybe<String>,
    /// Whether the invitation is not yet accepted.
    #[serde(rename = "isPending")]
    pub is_pending: Maybe<Lenient<bool>>,
    /// Everything else, kept verbatim.
    pub extra: Extra,
}

impl User {
    /// A user known only by e-mail address.
    pub fn new(email: impl Into<String>) -> Self {
        User {
            email: Maybe::Value(email.into()),
            first_name: Maybe::Absent,
            last_name: Maybe::Absent,
            is_pending: Maybe::Absent,
            extra: Extra::new(),
        }
    }

    /// The first name, if set.
    pub fn first_name(&self) -> Option<&str> {
        self.first_name.as_deref()
    }

    /// The last name, if set.
    pub fn last_name(&self) -> Option<&str> {
        self.last_name.as_deref()
    }
}
