//! Client methods of the `notifications` area.
