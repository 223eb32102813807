//! Client methods of the credits area.

use alooma_core::credits::{GetCompanyCredits, GetLoadedEventsPerTableSummary, GetUsedCredits};
use alooma_types::{CompanyCredits, LoadedEventsSummary, UsedCredits};

crate::api::methods! {
    /// The company's credits for the current period (`GET credits/company`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let c = client.get_company_credits().await?;
    /// println!("{:?} of {:?}", c.used_credits_f64(), c.total_credits_f64());
    /// # Ok(()) });
    /// ```
    pub async fn get_company_credits(&self) -> Result<CompanyCredits, Error> = GetCompanyCredits;

    /// Credits used per day between `from_day` and `to_day` (`YYYY-MM-DD`,
    /// each optional), for this account or `all_accounts` of the company
    /// (`GET credits/used-credits`). Malformed dates are refused before any
    /// request.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let days = client.get_used_credits(Some("2018-10-24"), None, false).await?;
    /// let total: f64 = days.iter().map(|d| d.value_f64()).sum();
    /// # let _ = total;
    /// # Ok(()) });
    /// ```
    pub async fn get_used_credits(
        &self,
        from_day: Option<&str>,
        to_day: Option<&str>,
        all_accounts: bool,
    ) -> Result<Vec<UsedCredits>, Error> {
        let mut op = GetUsedCredits::new().all_accounts(all_accounts);
        op.from_day = from_day.map(str::to_owned);
        op.to_day = to_day.map(str::to_owned);
        self.send(op).await
    }

    /// Events loaded per table between `from` and `to` (`YYYY-MM-DDTHH:MM:SS`;
    /// `to` defaults to now), for this account or `all` accounts of the
    /// company (`GET events/loaded-events-per-table/summary`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for t in client.get_loaded_events_per_table_summary("2018-12-13T00:00:00", None, false).await? {
    ///     println!("{:?}: {:?}", t.table_name, t.count);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_loaded_events_per_table_summary(
        &self,
        from: &str,
        to: Option<&str>,
        all: bool,
    ) -> Result<Vec<LoadedEventsSummary>, Error> {
        let mut op = GetLoadedEventsPerTableSummary::new(from).all(all);
        op.to = to.map(str::to_owned);
        self.send(op).await
    }
}
