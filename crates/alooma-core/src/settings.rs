//! Operations of the `settings` API area.
