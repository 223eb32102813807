//! Client methods of the `tables` area.
