//! Operations of the `notifications` API area.
