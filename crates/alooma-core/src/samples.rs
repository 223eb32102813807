//! Operations of the `samples` API area.
