//! Models for the `notification` API area.
