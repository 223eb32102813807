//! Operations of the `secrets` API area.
