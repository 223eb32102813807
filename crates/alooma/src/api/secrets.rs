//! Client methods of the secrets area.

use alooma_core::secrets::{DeleteSecret, GetSecrets, SetSecrets};
use alooma_types::Secret;

crate::api::methods! {
    /// The names of the secrets (`GET secrets`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let names = client.get_secrets().await?;
    /// # let _ = names;
    /// # Ok(()) });
    /// ```
    pub async fn get_secrets(&self) -> Result<Vec<String>, Error> = GetSecrets;

    /// Creates or updates secrets (`PUT secrets` with name → value). The
    /// values never appear in logs or `Debug` output.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.set_secrets([("my_user", "example"), ("my_password", "12345678")]).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_secrets(
        &self,
        secrets: impl IntoIterator<Item = (impl Into<String>, impl Into<Secret>)>,
    ) -> Result<(), Error> = SetSecrets::new(secrets);

    /// Deletes a secret (`DELETE secrets/{name}`). The name is sent as
    /// one path segment, percent-encoded; a secret that does not exist is
    /// an [`Error::Api`](crate::Error::Api) (404).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.delete_secret("db_password").await?;
    /// # assert_eq!(client.get_secrets().await?, ["partner_api_token"]);
    /// # assert!(client.delete_secret("db_password").await.is_err());
    /// client.set_secrets([("aws/key? prod ü", "v")]).await?;
    /// client.delete_secret("aws/key? prod ü").await?;
    /// # assert!(!client.get_secrets().await?.iter().any(|n| n == "aws/key? prod ü"));
    /// # Ok(()) });
    /// ```
    pub async fn delete_secret(&self, name: &str) -> Result<(), Error> = DeleteSecret::new(name);
}
