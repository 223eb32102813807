//! Operations of the `inputs` API area.
