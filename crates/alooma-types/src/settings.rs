//! Models for the `settings` API area.
