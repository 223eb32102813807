//! The error type of the emulator's Rust API.

/// What can go wrong while starting, seeding or serving an emulator.
///
/// Errors caused by HTTP clients never surface here: the server answers them
/// with a JSON error response instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be bound or inspected.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port that was asked for (0 means "any free port").
        port: u16,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A seed file could not be read.
    #[error("cannot read seed file {path}: {source}")]
    SeedFile {
        /// The path that was asked for.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A seed document is not valid JSON or does not have the seed format.
    #[error("invalid seed: {0}")]
    Seed(String),
    /// The configuration is unusable (for example an empty account name).
    #[error("invalid emulator configuration: {0}")]
    Config(String),
    /// A state file could not be read or written.
    #[error("cannot use the state file {path}: {source}")]
    StateFile {
        /// The state file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A state document is not one this emulator reads, or does not fit
    /// the emulator's accounts.
    #[error("invalid emulator state: {0}")]
    State(String),
    /// The server task ended abnormally.
    #[error("emulator server task failed: {0}")]
    Server(String),
}
