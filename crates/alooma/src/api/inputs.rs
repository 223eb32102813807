//! Client methods of the inputs area: `get_inputs`, `get_input_by_id`,
//! `get_input_by_name`, `create_input` (and `create_input_with`),
//! `create_s3_input`, `create_mixpanel_input`, `edit_input`,
//! `pause_input_by_id`, `resume_input_by_id`, `remove_input`,
//! `remove_all_inputs`, `get_input_sleep_time`, `set_input_sleep_time`.

use crate::{BulkReport, Error};
use alooma_core::inputs::{
    filter_inputs, input_id_by_name, new_input_id, node_ids, removable_inputs, CreateInput,
    EditInput, GetInputById, GetInputSleepTime, GetInputs, InputFilter, NewInput, PauseInputById,
    RemoveInput, ResumeInputById, SetInputSleepTime, SleepTime,
};
use alooma_core::TimeoutKind;
use alooma_types::{InputDetails, InputSpec, MixpanelInput, Node, S3Input};
use futures_util::stream::{self, StreamExt};

crate::api::methods! {
    /// Every input (`GET inputs`), as the reference's `get_inputs()` with
    /// no argument; [`get_inputs_with`](Self::get_inputs_with) filters.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for input in client.get_inputs().await? {
    ///     println!("{} {}", input.id, input.name);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_inputs(&self) -> Result<Vec<Node>, Error> {
        self.send(GetInputs).await
    }

    /// The inputs, filtered client-side (the reference's `name`,
    /// `input_type`, `input_id` arguments): a name regex matched at the
    /// start of the name, an exact type, an exact id. An invalid regex is
    /// [`Error::Build`](crate::Error::Build).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::core::inputs::InputFilter;
    /// for input in client.get_inputs_with(&InputFilter::new().name("sales_").input_type("SALESFORCE")).await? {
    ///     println!("{} {}", input.id, input.name);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_inputs_with(&self, filter: &InputFilter) -> Result<Vec<Node>, Error> {
        filter_inputs(self.send(GetInputs).await?, filter)
    }

    /// One input's job and tasks (`GET inputs/{id}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let input = client.get_input_by_id("7f0e2a10-3c55-4b8d-a2f4-0000000000a1").await?;
    /// println!("{}", input.job.get().map_or("?", |job| job.input_type.as_deref().unwrap_or("?")));
    /// # Ok(()) });
    /// ```
    pub async fn get_input_by_id(&self, id: &str) -> Result<InputDetails, Error> = GetInputById::new(id);

    /// The input called exactly `name`: `GET inputs`, then `GET inputs/{id}`.
    /// No such input is [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let input = client.get_input_by_name("web_events").await?;
    /// println!("{} tasks", input.tasks().len());
    /// # Ok(()) });
    /// ```
    pub async fn get_input_by_name(&self, name: &str) -> Result<InputDetails, Error> {
        let id = input_id_by_name(&self.send(GetInputs).await?, name)?;
        self.get_input_by_id(&id).await
    }

    /// Creates an input with one-click mapping and validation (the
    /// reference's defaults) and returns its id. See
    /// [`create_input_with`](Self::create_input_with).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::InputSpec;
    /// let spec = InputSpec::new("orders", "POSTGRESQL").with_config("hostname", "db.example.com");
    /// let id = client.create_input(&spec).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_input(&self, spec: &InputSpec) -> Result<String, Error> {
        self.create_input_with(CreateInput::new(spec)).await
    }

    /// Creates an input and returns its id.
    ///
    /// Reads the structure first (the node ids before), then sends the
    /// `POST` (never retried: it is not idempotent). When the answer names
    /// the new id, that is the result. Otherwise the structure is polled
    /// (backing off from `ClientSettings::create_input_first_poll`, doubling
    /// up to `create_input_max_poll`) until a node with the input's name
    /// whose id did not exist before appears; after
    /// `create_input_deadline` the result is [`Error::Timeout`](crate::Error::Timeout) (kind
    /// `Total`). If two such nodes appear (someone created an input of the
    /// same name at the same time), the result is [`Error::NotFound`]
    /// rather than a guess. The caller's spec is never changed.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::core::inputs::CreateInput;
    /// use alooma::types::InputSpec;
    /// let spec = InputSpec::new("orders", "POSTGRESQL");
    /// let id = client.create_input_with(CreateInput::new(&spec).one_click(false).validate(false)).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_input_with(&self, operation: CreateInput) -> Result<String, Error> {
        let before = node_ids(&self.get_structure().await?);
        let name = operation.spec.name.clone();
        if let Some(id) = self.send(operation).await? {
            return Ok(id);
        }
        let settings = &self.shared.settings;
        let deadline = settings.create_input_deadline;
        let started = tokio::time::Instant::now();
        let mut delay = settings.create_input_first_poll;
        loop {
            match new_input_id(&before, &self.get_structure().await?, &name) {
                NewInput::Found(id) => return Ok(id),
                NewInput::Ambiguous(ids) => {
                    return Err(Error::NotFound {
                        operation: "create_input",
                        what: format!(
                            "several new inputs named {name:?} appeared ({}): another client created one at the same time, so which one this call created is unknown",
                            ids.join(", ")
                        ),
                    })
                }
                _ => {}
            }
            let elapsed = started.elapsed();
            if elapsed >= deadline {
                return Err(Error::Timeout {
                    operation: "create_input",
                    kind: TimeoutKind::Total,
                    after: deadline,
                });
            }
            tokio::time::sleep(delay.min(deadline - elapsed)).await;
            delay = delay.saturating_mul(2).min(settings.create_input_max_poll);
        }
    }

    /// Creates an S3 input (one-click mapping on) and returns its id.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::{S3Input, S3FileFormat, Delimited};
    /// let input = S3Input::new("logs", "AKIA…", "secret", "my-bucket")
    ///     .with_file_format(S3FileFormat::Delimited(Delimited::new().with_delimiter("\t")));
    /// let id = client.create_s3_input(input).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_s3_input(&self, input: S3Input) -> Result<String, Error> {
        self.create_input(&input.into_spec()).await
    }

    /// Creates a Mixpanel input (one-click mapping on) and returns its id.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::MixpanelInput;
    /// let id = client.create_mixpanel_input(MixpanelInput::new("key", "secret", "2024-01-01", "mixpanel")).await?;
    /// # Ok(()) });
    /// ```
    pub async fn create_mixpanel_input(&self, input: MixpanelInput) -> Result<String, Error> {
        self.create_input(&input.into_spec()).await
    }

    /// Replaces an input's definition (`PUT inputs/{spec.id}`); a spec
    /// without id is [`Error::Build`](crate::Error::Build).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::InputSpec;
    /// let spec = InputSpec::new("orders", "POSTGRESQL").with_id("7f0e2a10-3c55-4b8d-a2f4-0000000000a3").with_config("tables", "orders");
    /// client.edit_input(&spec).await?;
    /// # Ok(()) });
    /// ```
    pub async fn edit_input(&self, spec: &InputSpec) -> Result<Option<serde_json::Value>, Error> = EditInput::new(spec);

    /// Pauses an input (`PUT inputs/{id}/pause?pause=true`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.pause_input_by_id("7f0e2a10-3c55-4b8d-a2f4-0000000000a3").await?;
    /// # Ok(()) });
    /// ```
    pub async fn pause_input_by_id(&self, id: &str) -> Result<Option<serde_json::Value>, Error> = PauseInputById::new(id);

    /// Resumes a paused input (`PUT inputs/{id}/pause?pause=false`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.resume_input_by_id("7f0e2a10-3c55-4b8d-a2f4-0000000000a3").await?;
    /// # Ok(()) });
    /// ```
    pub async fn resume_input_by_id(&self, id: &str) -> Result<Option<serde_json::Value>, Error> = ResumeInputById::new(id);

    /// Removes an input (`POST plumbing/nodes/remove/{id}`; never retried).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.remove_input("7f0e2a10-3c55-4b8d-a2f4-0000000000a3").await?;
    /// # Ok(()) });
    /// ```
    pub async fn remove_input(&self, id: &str) -> Result<(), Error> = RemoveInput::new(id);

    /// Removes every input except the Restream Queue and agents, a few at a
    /// time (`ClientSettings::bulk_concurrency`), and reports every input
    /// that could not be removed. Only a failure to read the structure is
    /// an `Err`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let report = client.remove_all_inputs().await?;
    /// for (id, error) in &report.failed { eprintln!("{id}: {error}"); }
    /// # Ok(()) });
    /// ```
    pub async fn remove_all_inputs(&self) -> Result<BulkReport, Error> {
        let ids = removable_inputs(&self.get_structure().await?);
        let concurrency = self.shared.settings.bulk_concurrency.max(1);
        let outcomes: Vec<(String, Result<(), Error>)> = stream::iter(ids)
            .map(|id| async move {
                let outcome = self.remove_input(&id).await;
                (id, outcome)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        Ok(outcomes.into_iter().collect())
    }

    /// An input's sleep time (`GET inputSleepTime/{id}`). A failed call is an
    /// error (the reference read any answer as a value).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{}", client.get_input_sleep_time("7f0e2a10-3c55-4b8d-a2f4-0000000000a3").await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_input_sleep_time(&self, id: &str) -> Result<f64, Error> = GetInputSleepTime::new(id);

    /// Sets an input's sleep time (`PUT inputSleepTime/{id}`, the number as
    /// body, sent as given: `45` or `45.5`). A failed call is an error.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.set_input_sleep_time("7f0e2a10-3c55-4b8d-a2f4-0000000000a3", 30).await?;
    /// client.set_input_sleep_time("7f0e2a10-3c55-4b8d-a2f4-0000000000a3", 30.5).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_input_sleep_time(
        &self,
        id: &str,
        sleep_time: impl Into<SleepTime>,
    ) -> Result<(), Error> = SetInputSleepTime::new(id, sleep_time);
}
