//! Operations of the `system` API area.
