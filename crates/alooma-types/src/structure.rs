//! Models for the `structure` API area.
