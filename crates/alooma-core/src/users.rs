//! Users: `get_users`.

use alooma_types::User;

crate::declare::operations! {
    area: users;

    /// Everyone with access to the account.
    ///
    /// ```
    /// use alooma_core::{Operation, users::GetUsers};
    /// assert_eq!(GetUsers.build().unwrap().uri(), "/user/");
    /// ```
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct GetUsers;
    op get_users: GET "user/";
    retry: Idempotent;
    output: Vec<User> = json;
    example: GetUsers;
}
