//! Operations of the `metrics` API area.
