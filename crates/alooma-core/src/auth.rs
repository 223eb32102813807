//! Operations of the `auth` API area.
