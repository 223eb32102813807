//! Models for the `table` API area.
