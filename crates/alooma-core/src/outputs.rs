//! Operations of the `outputs` API area.
