//! Authentication and account operations: `login` and `get_account_name`
//! (`GET repository`).
//!
//! API-key auth needs no operation: the transport adds
//! `Authorization: API <key>` to every request. A login session starts with
//! [`Login`]; the session cookie of its answer goes on later requests.
//! [`Login`] is the transport's request, not an operation callers make, so
//! it is not in the [registry](crate::operations).

use crate::{decode, Error, Operation, OperationMeta, RequestSpec, RetrySafety};
use alooma_types::{Extra, Secret};
use bytes::Bytes;
use http::{Request, Response};
use serde::{Deserialize, Serialize};

/// `POST login` with `{"email": user, "password": password}`.
///
/// The answer's `Set-Cookie` headers carry the session; [`Login::decode`]
/// returns them as a `Cookie` header value. The password is a [`Secret`]:
/// `Debug` never prints it.
///
/// ```
/// use alooma_core::{Operation, auth::Login};
/// let op = Login::new("ops@example.com", "hunter2");
/// assert!(!format!("{op:?}").contains("hunter2"));
/// let req = op.build().unwrap();
/// assert_eq!(req.uri(), "/login");
/// assert_eq!(&req.body()[..], br#"{"email":"ops@example.com","password":"hunter2"}"#);
///
/// let answer = http::Response::builder().status(200)
///     .header("set-cookie", "SESSIONID=abc; Path=/; HttpOnly")
///     .header("set-cookie", "csrf=x; Path=/")
///     .body(bytes::Bytes::new()).unwrap();
/// assert_eq!(op.decode(answer).unwrap().expose(), "SESSIONID=abc; csrf=x");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// The user's e-mail address.
    pub email: String,
    /// The password.
    pub password: Secret,
}

#[derive(Serialize)]
struct LoginBody<'a> {
    email: &'a str,
    password: &'a Secret,
}

impl Login {
    /// A login for `email` with `password`.
    pub fn new(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Login {
            email: email.into(),
            password: password.into(),
        }
    }
}

impl Operation for Login {
    /// The session cookie(s), as one `Cookie` header value.
    type Output = Secret;

    fn meta(&self) -> OperationMeta {
        const META: OperationMeta = OperationMeta::new("login", RetrySafety::Idempotent)
            .route(crate::Verb::Post, "login")
            .in_area("auth");
        META
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        let mut req = RequestSpec::post(self.meta())
            .lit("login")
            .json(&LoginBody {
                email: &self.email,
                password: &self.password,
            })
            .finish()?;
        // The body holds the password: make sure no layer logs it.
        req.extensions_mut().insert(SensitiveBody);
        Ok(req)
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        let status = response.status();
        if status == http::StatusCode::UNAUTHORIZED || status == http::StatusCode::FORBIDDEN {
            return Err(Error::Auth {
                operation: "login",
                status: Some(status),
                user: Some(self.email.clone()),
                reason: "the server refused the user name or password".into(),
            });
        }
        decode::check_status("login", &response)?;
        let cookies: Vec<&str> = response
            .headers()
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::trim)
            .filter(|c| c.contains('='))
            .collect();
        if cookies.is_empty() {
            return Err(Error::Auth {
                operation: "login",
                status: Some(status),
                user: Some(self.email.clone()),
                reason: "the server accepted the login but set no session cookie".into(),
            });
        }
        Ok(Secret::new(cookies.join("; ")))
    }
}

pub use crate::request::SensitiveBody;

/// What `GET repository` answers: `{"config_clientName": "<account>"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Repository {
    /// The account name.
    #[serde(rename = "config_clientName")]
    pub client_name: String,
    /// Everything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::declare::operations! {
    area: auth;

    /// The account name of the credentials in use.
    impl op get_account_name for GetAccountName: GET "repository";
    retry: Idempotent;
    output: String = json(Repository) then (|_op, r| Ok(r.client_name));
    answer: Repository;
    example: GetAccountName;
}

/// The account name of the credentials in use (`GET repository`). The
/// facade calls it lazily, once, when the account name is needed and was
/// not configured (the reference client does it in its constructor).
///
/// ```
/// use alooma_core::{Operation, auth::GetAccountName};
/// assert_eq!(GetAccountName.build().unwrap().uri(), "/repository");
/// let answer = http::Response::builder().status(200)
///     .body(bytes::Bytes::from(r#"{"config_clientName":"acme"}"#)).unwrap();
/// assert_eq!(GetAccountName.decode(answer).unwrap(), "acme");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountName;

