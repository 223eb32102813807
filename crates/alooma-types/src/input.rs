//! Models for the `input` API area.
