//! Models for the `metric` API area.
