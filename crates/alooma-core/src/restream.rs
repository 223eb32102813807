//! Operations of the `restream` API area.
