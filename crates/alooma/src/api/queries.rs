//! Client methods of the scheduled (consolidation) queries area.

use alooma_core::queries::{
    self, GetQueries, GetQueryByEventType, GetScheduledQueries, RemoveScheduledQuery, RunQuery,
    ScheduleDefaultQuery, ScheduleQuery,
};
use alooma_types::{QueryConfiguration, Schedule, ScheduledQueries, ScheduledQuery};

crate::api::methods! {
    /// Every scheduled query (`GET v2/consolidation`), whichever shape the
    /// server answers (list, or object of id → query).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for (id, q) in client.get_queries().await?.iter() {
    ///     println!("{id:?}: {:?}", q.status);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_queries(&self) -> Result<ScheduledQueries, Error> = GetQueries;

    /// The one scheduled query of `event_type`
    /// (`GET v2/consolidation?event_type={t}`); none or several is
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let q = client.get_query_by_event_type("orders").await?;
    /// println!("{:?}", q.status);
    /// # Ok(()) });
    /// ```
    pub async fn get_query_by_event_type(&self, event_type: &str) -> Result<ScheduledQuery, Error> = GetQueryByEventType::new(event_type);

    /// The scheduled queries with a non-empty `error_message`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for (id, q) in client.get_queries_in_error_state().await?.iter() {
    ///     eprintln!("{id:?}: {:?}", q.error());
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_queries_in_error_state(&self) -> Result<ScheduledQueries, Error> {
        Ok(queries::queries_in_error_state(self.get_queries().await?))
    }

    /// Every scheduled query from the old endpoint (`GET consolidation`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # #[allow(deprecated)]
    /// let all = client.get_scheduled_queries().await?;
    /// # let _ = all;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use get_queries")]
    pub async fn get_scheduled_queries(&self) -> Result<ScheduledQueries, Error> = GetScheduledQueries;

    /// The scheduled queries (old endpoint, `GET consolidation`) whose
    /// status is neither `active` nor `done`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let failed = client.get_scheduled_queries_in_error_state().await?;
    /// println!("{} failed", failed.len());
    /// # Ok(()) });
    /// ```
    pub async fn get_scheduled_queries_in_error_state(&self) -> Result<ScheduledQueries, Error> {
        let all = self.send(GetScheduledQueries).await?;
        Ok(queries::scheduled_queries_in_error_state(all))
    }

    /// Schedules the default (consolidation) query described by
    /// `configuration`, with `custom_variables` merged into its
    /// `custom_variables` (`POST v2/consolidation`). Your configuration is
    /// not changed. Not retried after it may have reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::QueryConfiguration;
    /// let q = client.schedule_default_query(&QueryConfiguration::new("orders").frequency(8), None).await?;
    /// println!("{:?}", q.id());
    /// # Ok(()) });
    /// ```
    pub async fn schedule_default_query(
        &self,
        configuration: &QueryConfiguration,
        custom_variables: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<ScheduledQuery, Error> {
        let mut op = ScheduleDefaultQuery::new(configuration.clone());
        if let Some(vars) = custom_variables {
            op = op.custom_variables(vars);
        }
        self.send(op).await
    }

    /// Schedules a custom query for `event_type`, every few hours or on a
    /// cron-like schedule (`POST v2/consolidation/custom`). Answers the
    /// server's JSON (`null` when it sends no body). Not retried after it
    /// may have reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::Schedule;
    /// client.schedule_query("orders", "delete from orders where x is null;",
    ///     Schedule::Cron("0 3 * * *".into())).await?;
    /// # Ok(()) });
    /// ```
    pub async fn schedule_query(
        &self,
        event_type: &str,
        query: &str,
        schedule: Schedule,
    ) -> Result<serde_json::Value, Error> {
        self.send(ScheduleQuery::new(event_type, query, schedule))
            .await
    }

    /// Removes a scheduled query (`DELETE v2/consolidation/{id}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.remove_scheduled_query("1").await?;
    /// client.remove_scheduled_query(2u64).await?; // the wire's number form
    /// # Ok(()) });
    /// ```
    pub async fn remove_scheduled_query(&self, id: impl Into<alooma_types::QueryId>) -> Result<(), Error> = RemoveScheduledQuery::new(id.into().to_string());

    /// Runs a scheduled query now (`POST v2/consolidation/{id}/run`). Not
    /// retried after it may have reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.run_query("1").await?;
    /// client.run_query(2u64).await?; // the wire's number form
    /// # Ok(()) });
    /// ```
    pub async fn run_query(&self, id: impl Into<alooma_types::QueryId>) -> Result<(), Error> = RunQuery::new(id.into().to_string());
}
