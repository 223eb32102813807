//! Client methods of the samples area: kept sample events, their counts,
//! and the status codes events may have.

use alooma_core::samples::{GetSamples, GetSamplesStats, GetSamplesStatusCodes};
use alooma_types::{Sample, SamplesStats, StatusCodes};

crate::api::methods! {
    /// Recent sample events, optionally only of `event_type` and only with
    /// one of `status_codes` (all when empty):
    /// `GET samples?eventType={t}&status={c1}&status={c2}`, each parameter
    /// only when given, values percent-encoded.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let unmapped = client.get_samples(Some("clicks"), &["NO_MAPPING"]).await?;
    /// let any = client.get_samples(None, &[]).await?;
    /// # Ok(()) });
    /// ```
    pub async fn get_samples(
        &self,
        event_type: Option<&str>,
        status_codes: &[&str],
    ) -> Result<Vec<Sample>, Error> {
        let mut op = GetSamples::new().statuses(status_codes.iter().copied());
        if let Some(t) = event_type {
            op = op.event_type(t);
        }
        self.send(op).await
    }

    /// How many samples are kept per event type and status code
    /// (`GET samples/stats`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for (event_type, counts) in client.get_samples_stats().await? {
    ///     println!("{event_type}: {counts:?}");
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_samples_stats(&self) -> Result<SamplesStats, Error> = GetSamplesStats;

    /// Every status code an event may have, with its description
    /// (`GET status-types`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let codes = client.get_samples_status_codes().await?;
    /// println!("{}", codes["NO_MAPPING"]);
    /// # Ok(()) });
    /// ```
    pub async fn get_samples_status_codes(&self) -> Result<StatusCodes, Error> = GetSamplesStatusCodes;
}
