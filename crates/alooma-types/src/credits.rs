//! Models for the `credits` API area.
