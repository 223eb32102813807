//! Operations of the `credits` API area.
