//! Operations of the `tables` API area.
