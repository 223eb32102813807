//! Client methods of the users area.

use alooma_core::users::GetUsers;
use alooma_types::User;

crate::api::methods! {
    /// Everyone with access to the account (`GET user/`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for u in client.get_users().await? {
    ///     println!("{}", u.email);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_users(&self) -> Result<Vec<User>, Error> = GetUsers;
}
