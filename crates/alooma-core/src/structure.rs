//! Operations of the `structure` API area.
