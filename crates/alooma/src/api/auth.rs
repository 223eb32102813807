//! Client methods of the auth area: `get_account_name` (logging in is the
//! transport's: see [`ClientBuilder::login`](crate::ClientBuilder::login)).

crate::api::methods! {
    /// The account name: the configured one, or (once, then cached) the one
    /// the server reports for these credentials (`GET repository`).
    ///
    /// ```
    /// # async fn demo() -> Result<(), alooma::Error> {
    /// use alooma::{Client, mock::MockService};
    /// let mock = MockService::new();
    /// mock.on("GET", "/repository", 200, r#"{"config_clientName": "acme"}"#);
    /// let client = Client::with_service(mock.clone());
    /// assert_eq!(client.get_account_name().await?, "acme");
    /// assert_eq!(client.clone().get_account_name().await?, "acme"); // cached
    /// assert_eq!(mock.requests().len(), 1);
    /// # Ok(()) }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn get_account_name(&self) -> Result<String, Error> {
        self.shared
            .account
            .get_or_try_init(|| self.send(alooma_core::auth::GetAccountName))
            .await
            .cloned()
    }
}
