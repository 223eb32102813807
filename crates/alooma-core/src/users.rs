//! Operations of the `users` API area.
