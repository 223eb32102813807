//! Secrets for Code Engine: `get_secrets`, `set_secrets`, `delete_secret`.

use alooma_types::Secret;
use std::collections::BTreeMap;

crate::declare::operations! {
    area: secrets;

    /// The names of the secrets (never their values).
    ///
    /// ```
    /// use alooma_core::{Operation, secrets::GetSecrets};
    /// assert_eq!(GetSecrets.build().unwrap().uri(), "/secrets");
    /// let answer = http::Response::builder().status(200)
    ///     .body(bytes::Bytes::from(r#"["my_user","my_password"]"#)).unwrap();
    /// assert_eq!(GetSecrets.decode(answer).unwrap(), ["my_user", "my_password"]);
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetSecrets;
    op get_secrets: GET "secrets";
    retry: Idempotent;
    output: Vec<String> = json;
    example: GetSecrets;

    /// Creates or updates secrets (name → value).
    impl op set_secrets for SetSecrets: PUT "secrets";
    retry: Idempotent;
    check: (|op| if op.secrets.is_empty() {
        Err("at least one secret is required".into())
    } else if op.secrets.keys().any(String::is_empty) {
        Err("a secret name must not be empty".into())
    } else {
        Ok(())
    });
    body: {secrets};
    sensitive: true;
    output: () = empty;
    answer: ();
    example: SetSecrets::new([("my_user", "example"), ("my_password", "12345678")]);

    /// Deletes a secret.
    ///
    /// ```
    /// use alooma_core::{Operation, secrets::DeleteSecret};
    /// assert_eq!(DeleteSecret::new("db/password").build().unwrap().uri(), "/secrets/db%2Fpassword");
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct DeleteSecret {
        /// The secret's name.
        pub name: String,
    }
    op delete_secret: DELETE "secrets" / {name};
    retry: Idempotent;
    output: () = empty;
    example: DeleteSecret::new("db/pass word?#%é");
}

/// `PUT secrets` with a JSON object of name → value: creates or updates
/// secrets. The values are [`Secret`]s: `Debug` of the operation never
/// shows them, and the request is marked [`SensitiveBody`](crate::auth::SensitiveBody) so no layer logs
/// its body.
///
/// ```
/// use alooma_core::{Operation, secrets::SetSecrets};
/// let op = SetSecrets::new([("my_user", "example"), ("my_password", "12345678")]);
/// assert!(!format!("{op:?}").contains("12345678"));
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/secrets");
/// assert_eq!(&req.body()[..], br#"{"my_password":"12345678","my_user":"example"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetSecrets {
    /// Secret name → value.
    pub secrets: BTreeMap<String, Secret>,
}

impl SetSecrets {
    /// Sets each `(name, value)` pair.
    pub fn new<I, K, V>(secrets: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<Secret>,
    {
        SetSecrets {
            secrets: secrets
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

