//! Users: `get_users`.

use crate::{decode, Error, Operation, OperationMeta, RequestSpec, RetrySafety};
use alooma_types::User;
use bytes::Bytes;
use http::{Request, Response};

/// `GET user/`: everyone with access to the account.
///
/// ```
/// use alooma_core::{Operation, users::GetUsers};
/// assert_eq!(GetUsers.build().unwrap().uri(), "/user/");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GetUsers;

impl Operation for GetUsers {
    type Output = Vec<User>;

    fn meta(&self) -> OperationMeta {
        OperationMeta::new("get_users", RetrySafety::Idempotent)
    }

    fn build(&self) -> Result<Request<Bytes>, Error> {
        RequestSpec::get(self.meta())
            .lit("user")
            .trailing_slash()
            .finish()
    }

    fn decode(&self, response: Response<Bytes>) -> Result<Self::Output, Error> {
        decode::json(self.meta().name, response)
    }
}
