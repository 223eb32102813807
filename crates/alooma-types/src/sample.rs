//! Models for the `sample` API area.
