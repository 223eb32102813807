//! Client methods of the metrics area: `get_metrics_by_names` and the
//! metric helpers, each one request plus a pure function of
//! [`alooma_core::metrics`].

use crate::{Client, Error, HttpService};
use alooma_core::metrics::{self, GetMetricsByNames, OutputsMetrics, OUTPUTS_METRICS};
use alooma_types::{MetricName, MetricSeries};

crate::api::methods! {
    /// The series of `names` over the last `minutes`, at the reference's
    /// default resolution (one point per `minutes`);
    /// [`get_metrics_by_names_with`](Self::get_metrics_by_names_with) takes a
    /// resolution.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::MetricName;
    /// let series = client.get_metrics_by_names([MetricName::IncomingEvents], 60).await?;
    /// # Ok(()) });
    /// ```
    pub async fn get_metrics_by_names(
        &self,
        names: impl IntoIterator<Item = MetricName>,
        minutes: u32,
    ) -> Result<Vec<MetricSeries>, Error> = GetMetricsByNames::new(names, minutes);

    /// The given metrics over the last `minutes` minutes, one datapoint per
    /// `resolution` minutes (`None`: one datapoint for the whole period)
    /// (`GET metrics?metrics=…&from=-{minutes}min&resolution={resolution}min`).
    ///
    /// Names outside `METRICS_LIST` are refused before any request.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::MetricName;
    /// let series = client
    ///     .get_metrics_by_names_with([MetricName::EventSizeAvg, MetricName::LatencyMax], 60, Some(5))
    ///     .await?;
    /// for s in &series {
    ///     println!("{}: {:?}", s.target, s.values().collect::<Vec<_>>());
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_metrics_by_names_with(
        &self,
        names: impl IntoIterator<Item = MetricName>,
        minutes: u32,
        resolution: Option<u32>,
    ) -> Result<Vec<MetricSeries>, Error> {
        let mut op = GetMetricsByNames::new(names, minutes);
        op.resolution = resolution;
        self.send(op).await
    }

    /// The largest number of events waiting in the incoming queue over the
    /// last `minutes` minutes (`EVENTS_IN_PIPELINE`), 0 when there is no data.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{}", client.get_incoming_queue_metric(100).await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_incoming_queue_metric(&self, minutes: u32) -> Result<f64, Error> {
        let s = self
            .helper_series(
                "get_incoming_queue_metric",
                [MetricName::EventsInPipeline],
                minutes,
            )
            .await?;
        Ok(metrics::incoming_queue(&s))
    }

    /// The number of incoming events in the last `minutes` minutes
    /// (sum of `INCOMING_EVENTS`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{} events", client.get_incoming_events_count(60).await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_incoming_events_count(&self, minutes: u32) -> Result<f64, Error> {
        let s = self
            .helper_series(
                "get_incoming_events_count",
                [MetricName::IncomingEvents],
                minutes,
            )
            .await?;
        Ok(metrics::incoming_events_count(&s))
    }

    /// The average event size in bytes over the last `minutes` minutes
    /// (mean of `EVENT_SIZE_AVG`), 0 when there is no data.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{} bytes", client.get_average_event_size(60).await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_average_event_size(&self, minutes: u32) -> Result<f64, Error> {
        let s = self
            .helper_series(
                "get_average_event_size",
                [MetricName::EventSizeAvg],
                minutes,
            )
            .await?;
        Ok(metrics::average_event_size(&s))
    }

    /// The maximum latency in seconds over the last `minutes` minutes
    /// (`LATENCY_MAX` / 1000), 0 when there is no data. A failure is the
    /// call's typed error, named `get_max_latency`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{} s", client.get_max_latency(60).await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_max_latency(&self, minutes: u32) -> Result<f64, Error> {
        let s = self
            .helper_series("get_max_latency", [MetricName::LatencyMax], minutes)
            .await?;
        Ok(metrics::max_latency(&s))
    }

    /// The events that erred, were unmapped, discarded and loaded in the
    /// last `minutes` minutes: one sum per series the server returned, named
    /// by target; [`OutputsMetrics::as_tuple`] gives
    /// (erred, unmapped, discarded, loaded).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let (erred, unmapped, discarded, loaded) = client.get_outputs_metrics(60).await?.as_tuple();
    /// # let _ = (erred, unmapped, discarded, loaded);
    /// # Ok(()) });
    /// ```
    pub async fn get_outputs_metrics(&self, minutes: u32) -> Result<OutputsMetrics, Error> {
        let s = self
            .helper_series("get_outputs_metrics", OUTPUTS_METRICS, minutes)
            .await?;
        Ok(metrics::outputs_metrics(&s))
    }

    /// The number of events sent to the Restream Queue in the last
    /// `minutes` minutes (first non-null `EVENTS_IN_TRANSIT` value); `None`
    /// when the series has no value (the reference client crashes there).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let n = client.get_restream_queue_metrics(60).await?.unwrap_or(0.0);
    /// # let _ = n;
    /// # Ok(()) });
    /// ```
    pub async fn get_restream_queue_metrics(&self, minutes: u32) -> Result<Option<f64>, Error> {
        let s = self
            .helper_series(
                "get_restream_queue_metrics",
                [MetricName::EventsInTransit],
                minutes,
            )
            .await?;
        Ok(metrics::restream_queue_metrics(&s))
    }
}

impl<S: HttpService> Client<S> {
    async fn helper_series(
        &self,
        operation: &'static str,
        names: impl IntoIterator<Item = MetricName>,
        minutes: u32,
    ) -> Result<Vec<MetricSeries>, Error> {
        self.send(GetMetricsByNames::for_helper(operation, names, minutes))
            .await
    }
}
