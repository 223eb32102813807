//! Operations of the `queries` API area.
