//! Models for the `deployment` API area.
