//! Client methods of the users area.

use alooma_core::users::GetUsers;
use alooma_types::User;

crate::api::methods! {
    /// Everyone with access to the account (`GET user/`).
    ///
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// for u in client.get_users().await? {
    ///     println!("{}", u.email);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_users(&self) -> Result<Vec<User>, Error> = GetUsers;
}
