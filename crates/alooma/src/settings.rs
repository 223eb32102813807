//! [`ClientSettings`]: how the composite operations behave (polling,
//! concurrency of bulk deletes).

use std::time::Duration;

/// Settings of the composite operations, shared by every clone of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientSettings {
    /// How long `create_input` waits for the new input to appear in the
    /// structure (default 60 s; the reference waits about 10 s).
    pub create_input_deadline: Duration,
    /// The first delay between two polls of `create_input` (doubles up to
    /// [`create_input_max_poll`](Self::create_input_max_poll)).
    pub create_input_first_poll: Duration,
    /// The longest delay between two polls of `create_input`.
    pub create_input_max_poll: Duration,
    /// How many deletes `remove_all_inputs` and `delete_all_event_types`
    /// run at once.
    pub bulk_concurrency: usize,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            create_input_deadline: Duration::from_secs(60),
            create_input_first_poll: Duration::from_millis(250),
            create_input_max_poll: Duration::from_secs(5),
            bulk_concurrency: 8,
        }
    }
}
