//! Client methods of the `metrics` area.
