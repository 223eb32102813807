//! Client methods of the `settings` area.
