//! Models for the `output` API area.
