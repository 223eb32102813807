//! Models for the `user` API area.
