//! Client methods of the `queries` area.
