//! Client methods of the event-types area: listing, reading, mapping,
//! discarding and deleting event types, and the default mapping mode.

use crate::{BulkReport, Error};
use alooma_core::event_types::{
    event_type_names, AutoMapEventType, ClearEventTypeStats, DeleteEventType, DiscardEventType,
    GetEventType, GetEventTypes, GetMapping, GetMappingMode, SetMappingMode, SetMappingRef,
};
use alooma_types::{EventType, MappingMode};
use futures_util::stream::{self, StreamExt};

crate::api::methods! {
    /// Every event type in the system, without their fields
    /// (`GET event-types`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for et in client.get_event_types().await? {
    ///     println!("{}", et.name);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_event_types(&self) -> Result<Vec<EventType>, Error> = GetEventTypes;

    /// One event type with its mapping and fields (`GET event-types/{name}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let et = client.get_event_type("partner/feed").await?;
    /// println!("{} fields", et.fields().len());
    /// # Ok(()) });
    /// ```
    pub async fn get_event_type(&self, name: &str) -> Result<EventType, Error> = GetEventType::new(name);

    /// The mapping of an event type, ready to edit and send back with
    /// [`set_mapping`](Self::set_mapping): the event type
    /// (`GET event-types/{name}`) with every `stats` key removed, at every
    /// depth ([`alooma_mapping::remove_stats`]).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::mapping::{discard_field, FieldPath};
    /// let mut mapping = client.get_mapping("orders").await?;
    /// let path: FieldPath = "status".parse()?;
    /// discard_field(&mut mapping, &path)?;
    /// client.set_mapping(&mapping, "orders").await?;
    /// # Ok(()) });
    /// ```
    pub async fn get_mapping(&self, name: &str) -> Result<EventType, Error> {
        let mut mapping = self.send(GetMapping::new(name)).await?;
        alooma_mapping::remove_stats(&mut mapping);
        Ok(mapping)
    }

    /// Stores `mapping` as the mapping of the event type `name`
    /// (`POST event-types/{name}/mapping`). One attempt may take up to
    /// 300 s by default, as in the reference; override it with
    /// [`with_options`](Self::with_options).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let mut mapping = client.get_mapping("orders").await?;
    /// mapping.mapping_mode = alooma::types::MappingMode::Flexible.into();
    /// client.set_mapping(&mapping, "orders").await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_mapping(&self, mapping: &EventType, name: &str) -> Result<(), Error> = SetMappingRef::new(mapping, name);

    /// Discards a whole event type: its events are no longer loaded
    /// (a `set_mapping` with `{"name": name, "mapping": {"isDiscarded": true,
    /// "tableName": ""}, "fields": [], "mappingMode": "STRICT"}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.discard_event_type("debug_events").await?;
    /// # Ok(()) });
    /// ```
    pub async fn discard_event_type(&self, name: &str) -> Result<(), Error> = DiscardEventType::new(name);

    /// Asks the service to map the event type's unmapped fields
    /// automatically (`POST event-types/{name}/auto-map`: beyond the
    /// reference client, an endpoint real users' code called). Answers what
    /// the service answers, if anything. Not retried after it may have
    /// reached the server.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.auto_map_event_type("page_view").await?;
    /// # Ok(()) });
    /// ```
    pub async fn auto_map_event_type(
        &self,
        name: &str,
    ) -> Result<Option<serde_json::Value>, Error> = AutoMapEventType::new(name);

    /// Resets an event type's counters (`DELETE event-types/{name}/clear-stats`:
    /// beyond the reference client, an endpoint real users' code called).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.clear_event_type_stats("page_view").await?;
    /// # Ok(()) });
    /// ```
    pub async fn clear_event_type_stats(&self, name: &str) -> Result<(), Error> = ClearEventTypeStats::new(name);

    /// Deletes an event type (`DELETE event-types/{name}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.delete_event_type("partner/feed").await?;
    /// # Ok(()) });
    /// ```
    pub async fn delete_event_type(&self, name: &str) -> Result<(), Error> = DeleteEventType::new(name);

    /// Deletes every event type: lists them, then deletes them with at most
    /// `bulk_concurrency` deletes at once (see
    /// [`ClientSettings`](crate::ClientSettings)).
    ///
    /// Every event type is tried; the [`BulkReport`] lists the names deleted
    /// and every name that failed with its error (the reference stops at
    /// the first failure). Items are listed in the order they finished. The
    /// call itself fails only when the list cannot be read.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let report = client.delete_all_event_types().await?;
    /// for (name, error) in &report.failed {
    ///     eprintln!("could not delete {name}: {error}");
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn delete_all_event_types(&self) -> Result<BulkReport, Error> {
        let names = event_type_names(&self.get_event_types().await?);
        let concurrency = self.shared.settings.bulk_concurrency.max(1);
        let outcomes: Vec<(String, Result<(), Error>)> = stream::iter(names)
            .map(|name| async move {
                let outcome = self.delete_event_type(&name).await;
                (name, outcome)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        Ok(outcomes.into_iter().collect())
    }

    /// The system's default mapping mode (`GET mapping-mode`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::MappingMode;
    /// if client.get_mapping_mode().await? == MappingMode::AutoMap {
    ///     println!("new fields are mapped automatically");
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_mapping_mode(&self) -> Result<MappingMode, Error> = GetMappingMode;

    /// Sets the system's default mapping mode (`POST mapping-mode` with the
    /// mode as a JSON string). A failed call is an error (the reference
    /// ignored the answer).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.set_mapping_mode(alooma::types::MappingMode::Strict).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_mapping_mode(&self, mode: MappingMode) -> Result<(), Error> = SetMappingMode::new(mode);
}
