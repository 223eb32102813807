//! Client methods of the event-types area.

use crate::{Client, Error, HttpService};
use alooma_core::event_types::{GetEventType, GetEventTypes};
use alooma_types::EventType;

impl<S: HttpService> Client<S> {
    /// Every event type in the system, without their fields
    /// (`GET event-types`).
    ///
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// for et in client.get_event_types().await? {
    ///     println!("{}", et.name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_event_types(&self) -> Result<Vec<EventType>, Error> {
        self.send(GetEventTypes).await
    }

    /// One event type with its mapping and fields (`GET event-types/{name}`).
    ///
    /// ```no_run
    /// # async fn demo(client: alooma::Client<alooma::mock::MockService>) -> Result<(), alooma::Error> {
    /// let et = client.get_event_type("web/clicks").await?;
    /// println!("{} fields", et.fields().len());
    /// # Ok(()) }
    /// ```
    pub async fn get_event_type(&self, name: &str) -> Result<EventType, Error> {
        self.send(GetEventType::new(name)).await
    }
}
