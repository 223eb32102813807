//! Client methods of the `system` area.
