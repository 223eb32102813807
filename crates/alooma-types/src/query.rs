//! Models for the `query` API area.
