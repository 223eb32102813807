//! Models for the `code_engine` API area.
