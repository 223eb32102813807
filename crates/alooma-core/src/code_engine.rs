//! Operations of the `code_engine` API area.
