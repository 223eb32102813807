//! Client methods of the `samples` area.
