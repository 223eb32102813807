//! Client methods of the `credits` area.
